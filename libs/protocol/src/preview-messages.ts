/**
 * The message a preview page posts to the window that framed it once the app has drawn
 * something after its load, `{type, loadId}`: the workspace swaps a fresh frame in only then.
 */
export const PREVIEW_RENDERED_MESSAGE = 'forge-preview-rendered';
