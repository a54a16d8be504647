import { ProjectResponseError } from '../project/project.model';
import { fileUrl, parseFileList, parseMessagePage, parsePreviewUrl } from './workspace-api.service';

describe(parsePreviewUrl.name, () => {
  it('accepts an http(s) link on the preview origin', () => {
    const url = 'http://p1.preview.localhost:3004/?forge_preview_token=abc.def';
    expect(parsePreviewUrl({ url, expiresAt: '2026-01-01T00:00:00.000Z' })).toBe(url);
  });

  it('refuses anything an iframe should not load', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'not a url', 42]) {
      expect(() => parsePreviewUrl({ url })).toThrow(ProjectResponseError);
    }
  });
});

describe(parseMessagePage.name, () => {
  it('reads a page of chat messages', () => {
    const message = {
      id: 'm1',
      role: 'user',
      content: 'hi',
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    expect(parseMessagePage({ items: [message], nextCursor: 'c2' })).toEqual({
      items: [message],
      nextCursor: 'c2',
    });
  });

  it('refuses a message with an unknown role', () => {
    const message = { id: 'm1', role: 'robot', content: 'hi', createdAt: 'x' };
    expect(() => parseMessagePage({ items: [message], nextCursor: null })).toThrow(
      "the server's answer for the chat history has an unexpected shape",
    );
  });
});

describe(parseFileList.name, () => {
  it('reads paths and sizes', () => {
    expect(parseFileList({ files: [{ path: 'a.ts', size: 3, updatedAt: 'x' }] })).toEqual([
      { path: 'a.ts', size: 3 },
    ]);
    expect(() => parseFileList({ files: [{ path: 1 }] })).toThrow(ProjectResponseError);
  });
});

describe(fileUrl.name, () => {
  it('escapes each segment and keeps the slashes', () => {
    expect(fileUrl('p 1', 'src/my file#1.ts')).toBe(
      '/api/projects/p%201/files/src/my%20file%231.ts',
    );
  });
});
