export * from './preview-token';
export * from './preview-server';
