import { TestBed } from '@angular/core/testing';
import { BinaryFileViewComponent, imageTypeOf } from './binary-file-view.component';

function render(path: string, content: string): HTMLElement {
  const fixture = TestBed.createComponent(BinaryFileViewComponent);
  fixture.componentRef.setInput('path', path);
  fixture.componentRef.setInput('content', content);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe(BinaryFileViewComponent.name, () => {
  it('shows an image from its bytes, with its size', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
    const element = render('public/logo.png', png.toString('base64'));
    const img = element.querySelector('img');
    expect(img?.getAttribute('src')).toBe(`data:image/png;base64,${png.toString('base64')}`);
    expect(img?.getAttribute('alt')).toBe('public/logo.png');
    expect(element.textContent).toContain('10 bytes');
  });

  it('shows any other binary file as its size only', () => {
    const element = render('public/font.woff2', Buffer.from('abcde').toString('base64'));
    expect(element.querySelector('img')).toBeNull();
    expect(element.querySelector('[role="status"]')?.textContent).toContain('Binary file, 5 bytes');
  });

  it('says a binary file being written arrives whole', () => {
    const element = render('public/logo.png', '');
    expect(element.querySelector('img')).toBeNull();
    expect(element.textContent).toContain('arrives whole');
  });

  it('knows the image types a browser shows', () => {
    expect(
      ['a.png', 'b.JPG', 'c.jpeg', 'd.gif', 'e.webp', 'f.svg', 'g.ico', 'h.woff', 'noext'].map(
        imageTypeOf,
      ),
    ).toEqual([
      'image/png',
      'image/jpeg',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'image/svg+xml',
      'image/x-icon',
      null,
      null,
    ]);
  });
});
