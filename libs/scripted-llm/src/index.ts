export * from './server/chat-message';
export * from './server/scripted-reply';
export * from './server/scripted-llm-error';
export * from './server/scripted-llm-server';
export { type RequestOutcome } from './server/reply-writer';
export { CHARS_PER_TOKEN_ESTIMATE, estimateTokens, type TokenUsage } from './server/wire-format';
export { DEFAULT_MAX_REQUEST_BODY_BYTES } from './server/chat-request';
export { type DemoApp, type DemoAppId, type DemoPhaseRecording } from './demo/demo-recording';
export { DEMO_APPS, chooseDemoApp } from './demo/demo-apps';
export {
  FOLLOW_UP_FILE,
  FOLLOW_UP_SUBTITLE_MAX_LENGTH,
  followUpSubtitle,
} from './demo/demo-follow-up';
export * from './demo/demo-llm-handler';
export * from './demo/demo-llm-server';
export * from './cli-options';
export * from './replay/replay-llm-handler';
