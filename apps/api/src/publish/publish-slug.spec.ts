import fc from 'fast-check';
import { PUBLISHED_SLUG_LABEL } from '@forge/preview';
import { checkSlug, RESERVED_SLUGS, SLUG_MAX_LENGTH } from './publish-slug';
import { parsePublishTemplate, publishedUrl } from './publish-links';

describe(checkSlug.name, () => {
  it('accepts plain DNS labels', () => {
    for (const slug of ['my-app', 'todo2', 'a1b', 'x'.repeat(SLUG_MAX_LENGTH)]) {
      expect(checkSlug(slug)).toEqual({ ok: true, slug });
    }
  });

  it('refuses what is not one lower-case label, with the reason', () => {
    for (const slug of [
      '',
      'ab',
      'x'.repeat(SLUG_MAX_LENGTH + 1),
      'My-App',
      '-app',
      'app-',
      '1app',
      'my--app',
      'my_app',
      'my.app',
      'my app',
      'xn--app',
      'app/../x',
      'café',
      'app\u0000',
    ]) {
      const check = checkSlug(slug);
      expect({ slug, ok: check.ok }).toEqual({ slug, ok: false });
      if (!check.ok) {
        expect(check.reason.length).toBeGreaterThan(5);
      }
    }
  });

  it('refuses reserved names as reserved', () => {
    for (const slug of ['www', 'api', 'admin', 'preview', 'localhost']) {
      expect(RESERVED_SLUGS.has(slug)).toBe(true);
      expect(checkSlug(slug)).toMatchObject({ ok: false, reserved: true });
    }
  });

  it('only ever accepts a host label the published-app server routes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (raw) => {
        const check = checkSlug(raw);
        if (check.ok) {
          expect(PUBLISHED_SLUG_LABEL.test(check.slug)).toBe(true);
          expect(check.slug).toBe(raw);
          expect(new URL(`http://${raw}.apps.localhost/`).hostname).toBe(`${raw}.apps.localhost`);
        }
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{2,20}(-[a-z0-9]{1,10}){0,3}$/), (raw) => {
        expect(checkSlug(raw).ok || RESERVED_SLUGS.has(raw)).toBe(true);
      }),
    );
  });
});

describe(parsePublishTemplate.name, () => {
  it('splits the template into its host suffix and scheme', () => {
    expect(parsePublishTemplate('http://{slug}.apps.localhost:3005')).toEqual({
      hostSuffix: 'apps.localhost',
      https: false,
    });
    expect(parsePublishTemplate('https://{slug}.apps.example.com')).toEqual({
      hostSuffix: 'apps.example.com',
      https: true,
    });
    expect(publishedUrl('http://{slug}.apps.localhost:3005', 'my-app')).toBe(
      'http://my-app.apps.localhost:3005/',
    );
  });

  it('refuses templates that do not put the slug first in the host', () => {
    for (const template of [
      'apps.localhost',
      'ftp://{slug}.apps.localhost',
      'http://apps.localhost/{slug}',
      'http://x{slug}.apps.localhost',
      'http://{slug}.apps.localhost/path',
    ]) {
      expect(() => parsePublishTemplate(template)).toThrow(/PUBLISH_URL_TEMPLATE/);
    }
  });
});
