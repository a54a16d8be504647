export * from './env-spec';
