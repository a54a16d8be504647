export * from './kubernetes-app-server-manifests';
export * from './kubernetes-app-servers';
export * from './kubernetes-backend';
export * from './kubernetes-manifests';
export * from './kubernetes-sandbox.config';
export * from './kubernetes-sandbox.provider';
