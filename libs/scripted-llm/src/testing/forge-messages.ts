import { type ChatMessage } from '../server/chat-message';
import { formatForgeTaskLine, type ForgeTaskKind } from '@forge/protocol';

/** The messages of an agent call as the contract describes them. */
export function forgeMessages(kind: ForgeTaskKind, phase: number, request: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You are Forge, an app builder.' },
    {
      role: 'user',
      content: `${formatForgeTaskLine(kind, phase)}\nPlease ${kind} phase ${phase}.\n\n## Request\n${request}\n\n## Current files\n(none)\n`,
    },
  ];
}
