export * from './live-commands';
export * from './live-events';
export * from './project-snapshot';
export * from './project-view';
export * from './runner-link';
export * from './live-event-schemas';
