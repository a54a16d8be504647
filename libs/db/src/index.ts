export * from './auth-schema';
export * from './data-source';
export * from './entities';
export * from './repositories';
export * from './secret-cipher';
