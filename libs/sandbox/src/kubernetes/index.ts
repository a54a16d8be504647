export * from './kubernetes-backend';
export * from './kubernetes-manifests';
export * from './kubernetes-sandbox.config';
export * from './kubernetes-sandbox.provider';
