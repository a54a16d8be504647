// `@forge/sandbox/template`: the template listing alone, without the providers' clients.
export {
  listTemplateFiles,
  listTemplatePaths,
  TEMPLATE_DIR,
  TEMPLATE_LOCKFILE,
  type ListTemplateFilesOptions,
} from './core/template';
