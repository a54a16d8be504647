/**
 * The user's edit of one file, kept apart from the file as the agent has it so that nothing
 * the user typed is lost: not while the agent writes, not when the file changes under them.
 */
export interface EditDraft {
  readonly path: string;
  /** The file's text the edit started from (or was last saved as); null: the file is gone. */
  readonly base: string | null;
  /** The text in the editor. */
  readonly text: string;
  /** A save was accepted and the saved text has not come back as the file's content yet. */
  readonly confirming: boolean;
}

/** What the editor shows about a draft. */
export type DraftStatus =
  /** Nothing to save. */
  | 'clean'
  /** Unsaved changes on top of the file as it is. */
  | 'unsaved'
  /** Unsaved changes, and the file changed (or was deleted) since the edit started. */
  | 'conflict';

/** A keystroke: a draft starts from the file's current text, or carries on. */
export function editDraft(
  draft: EditDraft | null,
  path: string,
  current: string | null,
  text: string,
): EditDraft {
  return draft?.path === path
    ? { ...draft, text }
    : { path, base: current, text, confirming: false };
}

export function isDirty(draft: EditDraft | null): boolean {
  return draft !== null && draft.text !== draft.base;
}

export function draftStatus(
  draft: EditDraft,
  current: string | null,
  beingWritten: boolean,
): DraftStatus {
  if (!isDirty(draft) || current === draft.text) {
    return 'clean';
  }
  return !draft.confirming && !beingWritten && current !== draft.base ? 'conflict' : 'unsaved';
}

/**
 * Brings a draft up to date with the file's current text (null: deleted). A draft whose text
 * the file now has, or that has no changes left, is dropped: the editor shows the file again.
 * Unsaved text is kept until the user chooses (keepMine, or dropping the draft). While the
 * agent writes this file nothing is decided: the outcome is judged once it is done.
 */
export function reconcileDraft(
  draft: EditDraft | null,
  current: string | null,
  beingWritten: boolean,
): EditDraft | null {
  if (!draft || beingWritten) {
    return draft;
  }
  if (current === draft.text) {
    // Saved (the answer may still be on its way), or the same change made elsewhere.
    return null;
  }
  let next = draft;
  if (next.confirming) {
    if (current !== next.base) {
      // The saved text is on its way back.
      return next;
    }
    next = { ...next, confirming: false };
  }
  return next.text === next.base ? null : next;
}

/** The file changed under the edit; the user keeps their text, to save over the new one. */
export function keepMine(draft: EditDraft, current: string | null): EditDraft {
  return { ...draft, base: current, confirming: false };
}

/** A save was accepted: `saved` is the file's text now; the draft waits for it to come back. */
export function savedDraft(draft: EditDraft, saved: string): EditDraft {
  return { ...draft, base: saved, confirming: true };
}
