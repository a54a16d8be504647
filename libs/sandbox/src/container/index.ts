export * from './container-backend';
export * from './container-env';
export * from './container-sandbox';
export * from './container-sandbox.provider';
