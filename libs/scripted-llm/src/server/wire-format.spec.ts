import { chunkObject, contentChunkEncoder, newCompletionIdentity, sseData } from './wire-format';

describe(contentChunkEncoder.name, () => {
  const contents = [
    'plain',
    '',
    'quotes " and \\ and\nnew lines\r\t',
    'ünïcödé 🚀',
    '\u0000forge-content\u0000',
  ];

  it.each([null, undefined])('encodes as the whole chunk would be (usage %s)', (usage) => {
    const identity = newCompletionIdentity('model "x"');
    const encode = contentChunkEncoder(identity, usage);
    for (const content of contents) {
      expect(encode(content)).toBe(sseData(chunkObject(identity, { content }, null, usage)));
    }
  });
});
