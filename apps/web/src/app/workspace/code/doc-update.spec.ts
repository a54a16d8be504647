import { FOLLOW_SLACK_PX, docUpdate, isAtEnd, scrollIntent } from './doc-update';

describe(docUpdate.name, () => {
  it('appends the new tail of a growing file', () => {
    expect(docUpdate('const a', 'const a = 1;\n')).toEqual({ kind: 'append', text: ' = 1;\n' });
  });

  it('replaces text that changed before its end, or shrank', () => {
    expect(docUpdate('const a', 'let a = 1')).toEqual({ kind: 'replace', text: 'let a = 1' });
    expect(docUpdate('const a = 1', 'const')).toEqual({ kind: 'replace', text: 'const' });
  });

  it('does nothing when the text is the same', () => {
    expect(docUpdate('x', 'x')).toEqual({ kind: 'none' });
  });
});

describe(scrollIntent.name, () => {
  it('reads scrolling, paging and dragging upwards as leaving the end', () => {
    expect(scrollIntent({ type: 'wheel', deltaY: -100 })).toBe('up');
    expect(scrollIntent({ type: 'keydown', key: 'PageUp' })).toBe('up');
    expect(scrollIntent({ type: 'touchmove' })).toBe('up');
    expect(scrollIntent({ type: 'pointerdown' }, true)).toBe('up');
  });

  it('reads moves downwards and the end of a drag as a way back to the end', () => {
    expect(scrollIntent({ type: 'wheel', deltaY: 100 })).toBe('down');
    expect(scrollIntent({ type: 'keydown', key: 'End' })).toBe('down');
    expect(scrollIntent({ type: 'pointerup' })).toBe('down');
  });

  it('ignores clicks in the text and other keys', () => {
    expect(scrollIntent({ type: 'pointerdown' }, false)).toBeNull();
    expect(scrollIntent({ type: 'keydown', key: 'a' })).toBeNull();
  });
});

describe(isAtEnd.name, () => {
  it(`counts the last ${FOLLOW_SLACK_PX}px as the end`, () => {
    expect(isAtEnd({ top: 790, height: 1000, viewport: 200 })).toBe(true);
    expect(isAtEnd({ top: 700, height: 1000, viewport: 200 })).toBe(false);
  });
});
