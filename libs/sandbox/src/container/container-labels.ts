/** The label every container, volume and network of the provider carries. */
export const MANAGED_LABEL = 'forge.managed';
/** The label naming the project a container or volume belongs to. */
export const PROJECT_LABEL = 'forge.project';
