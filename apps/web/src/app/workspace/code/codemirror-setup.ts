import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { css } from '@codemirror/lang-css';
import { html } from '@codemirror/lang-html';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { oneDarkHighlightStyle } from '@codemirror/theme-one-dark';
import {
  EditorView,
  type ViewUpdate,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';

/** The syntax a file is coloured with, by its extension; plain text for the rest. */
export function languageFor(path: string | null): Extension {
  const extension = path?.split('.').pop()?.toLowerCase() ?? '';
  switch (extension) {
    case 'ts':
    case 'mts':
    case 'cts':
      return javascript({ typescript: true });
    case 'tsx':
      return javascript({ typescript: true, jsx: true });
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'jsx':
      return javascript({ jsx: true });
    case 'json':
      return json();
    case 'css':
      return css();
    case 'html':
    case 'htm':
    case 'svg':
      return html();
    default:
      return [];
  }
}

/** Colours follow the page's tokens, so light and dark come with the system setting. */
const baseTheme = EditorView.theme({
  '&': {
    height: '100%',
    fontSize: '13px',
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
  },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLineGutter': { backgroundColor: 'var(--surface-muted)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-content': { boxShadow: 'none' },
  '.cm-content': { caretColor: 'var(--text)' },
});

export function highlightingFor(dark: boolean): Extension {
  return [
    EditorView.darkTheme.of(dark),
    syntaxHighlighting(dark ? oneDarkHighlightStyle : defaultHighlightStyle, { fallback: true }),
  ];
}

export interface CodeEditorParts {
  readonly language: Compartment;
  readonly highlighting: Compartment;
  readonly label: Compartment;
  readonly editing: Compartment;
}

/** Read-only text can still be selected, copied and moved through, not changed. */
export function editingFor(editable: boolean): Extension {
  return EditorState.readOnly.of(!editable);
}

/**
 * An editor, read-only until `parts.editing` says otherwise. `onDocChange` hears every change of
 * the text, the caller's own dispatches included.
 */
export function createCodeEditor(
  parent: HTMLElement,
  dark: boolean,
  onDocChange: (update: ViewUpdate) => void,
): {
  view: EditorView;
  parts: CodeEditorParts;
} {
  const parts: CodeEditorParts = {
    language: new Compartment(),
    highlighting: new Compartment(),
    label: new Compartment(),
    editing: new Compartment(),
  };
  const state = EditorState.create({
    doc: '',
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      // Undo and redo cover the user's own typing only: text the agent streams in or a file
      // switch is dispatched with Transaction.addToHistory false (code-view.component.ts).
      history(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      parts.editing.of(editingFor(false)),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          onDocChange(update);
        }
      }),
      baseTheme,
      parts.language.of([]),
      parts.highlighting.of(highlightingFor(dark)),
      parts.label.of(EditorView.contentAttributes.of({ 'aria-label': 'Code' })),
    ],
  });
  return { view: new EditorView({ state, parent }), parts };
}

export function labelFor(path: string | null, editable = false): Extension {
  const what = path ? `Code of ${path}` : 'Code';
  return EditorView.contentAttributes.of({
    'aria-label': editable ? what : `${what} (read-only)`,
  });
}
