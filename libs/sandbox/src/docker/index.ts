export * from './docker-app-servers';
export * from './docker-backend';
export * from './docker-sandbox.config';
export * from './docker-sandbox.provider';
