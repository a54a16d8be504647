import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** Image types a browser shows in an <img>, by file extension. */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  avif: 'image/avif',
  bmp: 'image/bmp',
};

/** The image type of `path` by its extension, or null when it is not one an <img> shows. */
export function imageTypeOf(path: string): string | null {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? null : (IMAGE_TYPES[path.slice(dot + 1).toLowerCase()] ?? null);
}

/** Bytes behind padded base64. */
function byteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/**
 * A binary file of the project (its content in base64): an image is shown as one, from a data
 * URL (an <img> runs no script, an SVG's included); any other file as its size. Nothing here is
 * editable: a binary file changes when the agent writes it again.
 */
@Component({
  selector: 'forge-binary-file-view',
  template: `
    @if (image(); as src) {
      <figure class="image">
        <img [src]="src" [alt]="path()" />
        <figcaption>{{ path() }} · {{ bytes() }} bytes</figcaption>
      </figure>
    } @else if (content()) {
      <p class="binary" role="status">Binary file, {{ bytes() }} bytes</p>
    } @else {
      <p class="binary" role="status">Binary file: it arrives whole once its block ends.</p>
    }
  `,
  styles: `
    :host {
      display: block;
      overflow: auto;
      padding: 1rem;
    }
    .image {
      margin: 0;
    }
    img {
      display: block;
      max-width: 100%;
      max-height: 70vh;
      image-rendering: auto;
      background: repeating-conic-gradient(#ddd 0 25%, #fff 0 50%) 0 0 / 16px 16px;
    }
    figcaption,
    .binary {
      margin: 0.5rem 0 0;
      color: var(--text-muted, #666);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BinaryFileViewComponent {
  readonly path = input.required<string>();
  /** The file's bytes in base64. */
  readonly content = input.required<string>();

  protected readonly bytes = computed(() => byteLength(this.content()));
  protected readonly image = computed(() => {
    const type = imageTypeOf(this.path());
    return type && this.content() ? `data:${type};base64,${this.content()}` : null;
  });
}
