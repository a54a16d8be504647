/** A part of a multi-part message (`[{ type: 'text', text }]`, as the OpenAI API allows). */
export interface ChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** A chat message as it arrives over the wire; only `role` is guaranteed. */
export interface ChatMessage {
  role: string;
  content?: string | ChatContentPart[] | null;
  [key: string]: unknown;
}

/** The text of a message: its string content, or its text parts joined. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return '';
  }
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
