export { messageText, type ChatContentPart, type ChatMessage } from '@forge/protocol';
