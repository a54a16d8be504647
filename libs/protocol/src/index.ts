export * from './project-path';
export * from './package-spec';
