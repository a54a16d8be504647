import {
  type EditDraft,
  draftStatus,
  editDraft,
  isDirty,
  keepMine,
  reconcileDraft,
  savedDraft,
} from './edit-draft';

const draft = (extra: Partial<EditDraft> = {}): EditDraft => ({
  path: 'src/App.tsx',
  base: 'old',
  text: 'mine',
  confirming: false,
  ...extra,
});

describe(editDraft.name, () => {
  it("starts from the file's text, then carries on", () => {
    const first = editDraft(null, 'src/App.tsx', 'old', 'mine');
    expect(first).toEqual(draft());
    expect(editDraft(first, 'src/App.tsx', 'changed meanwhile', 'mine 2')).toEqual(
      draft({ text: 'mine 2' }),
    );
    expect(isDirty(first)).toBe(true);
    expect(isDirty(draft({ text: 'old' }))).toBe(false);
  });
});

describe(draftStatus.name, () => {
  it('tells unsaved changes from a file that changed under them', () => {
    expect(draftStatus(draft(), 'old', false)).toBe('unsaved');
    expect(draftStatus(draft(), 'theirs', false)).toBe('conflict');
    expect(draftStatus(draft(), null, false)).toBe('conflict');
    // Not while the agent still writes the file, nor while a save comes back.
    expect(draftStatus(draft(), 'theirs', true)).toBe('unsaved');
    expect(draftStatus(draft({ confirming: true }), 'theirs', false)).toBe('unsaved');
    expect(draftStatus(draft(), 'mine', false)).toBe('clean');
  });
});

describe(reconcileDraft.name, () => {
  it('drops a draft once the file has its text', () => {
    expect(reconcileDraft(draft(), 'mine', false)).toBeNull();
    expect(reconcileDraft(draft({ text: 'old' }), 'old', false)).toBeNull();
  });

  it('keeps unsaved text when the file changed, and decides nothing while the agent writes', () => {
    const mine = draft();
    expect(reconcileDraft(mine, 'theirs', false)).toBe(mine);
    expect(reconcileDraft(mine, 'mine', true)).toBe(mine);
  });

  it('waits for a saved text to come back, then lets go of it', () => {
    const saved = savedDraft(draft(), 'mine');
    expect(saved).toEqual(draft({ base: 'mine', confirming: true }));
    // The file_end of the save has not arrived: the editor keeps showing the saved text.
    expect(reconcileDraft(saved, 'old', false)).toBe(saved);
    expect(reconcileDraft(saved, 'mine', false)).toBeNull();
    // Typed on while it saved: kept, based on what was saved.
    const typedOn = { ...saved, text: 'mine, more' };
    expect(reconcileDraft(typedOn, 'mine', false)).toEqual(
      draft({ base: 'mine', text: 'mine, more' }),
    );
  });
});

describe(keepMine.name, () => {
  it('bases the edit on the new text, so saving writes over it', () => {
    const kept = keepMine(draft(), 'theirs');
    expect(kept).toEqual(draft({ base: 'theirs' }));
    expect(draftStatus(kept, 'theirs', false)).toBe('unsaved');
    expect(draftStatus(keepMine(draft(), null), null, false)).toBe('unsaved');
  });
});
