export * from './container-backend';
export * from './container-sandbox';
export * from './docker-backend';
export * from './docker-sandbox.config';
export * from './docker-sandbox.provider';
export * from './page-modules';
export * from './sandbox-error';
export * from './container-sandbox.provider';
