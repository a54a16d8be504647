import { type ChatMessageView } from '@forge/protocol/socket/project-snapshot';
import { conversationItems } from './chat-panel.component';

function message(id: string, role: ChatMessageView['role']): ChatMessageView {
  return { id, role, content: id, createdAt: `2026-01-01T00:00:0${id.length}.000Z` };
}

describe(conversationItems.name, () => {
  it('puts the plan right after the latest request, before the replies to it', () => {
    const items = conversationItems([
      message('u1', 'user'),
      message('a1', 'assistant'),
      message('u2', 'user'),
      message('a2', 'assistant'),
      message('s', 'system'),
    ]);
    expect(items.map((item) => item.key)).toEqual(['u1', 'a1', 'u2', 'plan', 'a2', 's']);
  });

  it('puts it first when no request was made yet', () => {
    expect(conversationItems([]).map((item) => item.key)).toEqual(['plan']);
    expect(conversationItems([message('s', 'system')]).map((item) => item.key)).toEqual([
      'plan',
      's',
    ]);
  });
});
