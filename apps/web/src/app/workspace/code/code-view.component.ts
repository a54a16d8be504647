import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  type ElementRef,
  afterRenderEffect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Transaction } from '@codemirror/state';
import { EditorView, type ViewUpdate } from '@codemirror/view';
import {
  type CodeEditorParts,
  createCodeEditor,
  editingFor,
  highlightingFor,
  labelFor,
  languageFor,
} from './codemirror-setup';
import { docUpdate, isAtEnd, scrollIntent } from './doc-update';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * A file in CodeMirror 6, coloured by its type, editable while `editable` says so (each change
 * the user makes is emitted whole as `edited`). While the file streams in, each update appends
 * the new text (once per frame: the store batches the chunks) and keeps the end in view, until
 * the reader scrolls up; "Follow" or reaching the end resumes it.
 */
@Component({
  selector: 'forge-code-view',
  templateUrl: './code-view.component.html',
  styleUrl: './code-view.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CodeViewComponent {
  readonly path = input<string | null>(null);
  readonly content = input('');
  /** The file is being written: follow its end. */
  readonly streaming = input(false);
  readonly editable = input(false);
  /** The editor's whole text after a change the user made. */
  readonly edited = output<string>();

  protected readonly following = signal(true);
  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  private readonly darkQuery = inject(DOCUMENT).defaultView?.matchMedia?.(DARK_QUERY) ?? null;
  private editor: { view: EditorView; parts: CodeEditorParts } | null = null;
  private shown = '';
  private shownPath: string | null = null;
  private shownStreaming = false;
  private shownEditable = false;
  /** Set while this component changes the text itself, which is not the user's edit. */
  private applying = false;

  constructor() {
    const onSchemeChange = () => this.editor && this.applyScheme(this.editor);
    this.darkQuery?.addEventListener('change', onSchemeChange);
    inject(DestroyRef).onDestroy(() => {
      this.darkQuery?.removeEventListener('change', onSchemeChange);
      this.editor?.view.destroy();
      this.editor = null;
    });
    afterRenderEffect({
      write: () => {
        const path = this.path();
        const content = this.content();
        const streaming = this.streaming();
        const editable = this.editable();
        untracked(() => {
          this.applying = true;
          try {
            this.show(path, content, streaming, editable);
          } finally {
            this.applying = false;
          }
        });
      },
    });
  }

  protected follow(): void {
    this.following.set(true);
    if (this.editor) {
      this.scrollToEnd(this.editor.view);
    }
  }

  private show(path: string | null, content: string, streaming: boolean, editable: boolean): void {
    const editor = (this.editor ??= this.createEditor());
    const { view, parts } = editor;
    if (path !== this.shownPath) {
      this.shownPath = path;
      this.shown = content;
      this.shownStreaming = streaming;
      this.shownEditable = editable;
      this.following.set(true);
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: content },
        annotations: Transaction.addToHistory.of(false),
        selection: { anchor: 0 },
        effects: [
          parts.language.reconfigure(languageFor(path)),
          parts.label.reconfigure(labelFor(path, editable)),
          parts.editing.reconfigure(editingFor(editable)),
          EditorView.scrollIntoView(0),
        ],
      });
      if (streaming) {
        this.scrollToEnd(view);
      }
      return;
    }
    if (streaming && !this.shownStreaming) {
      // The file is being rewritten: follow the new text from its start.
      this.following.set(true);
    }
    this.shownStreaming = streaming;
    if (editable !== this.shownEditable) {
      this.shownEditable = editable;
      view.dispatch({
        effects: [
          parts.label.reconfigure(labelFor(path, editable)),
          parts.editing.reconfigure(editingFor(editable)),
        ],
      });
    }
    const update = docUpdate(this.shown, content);
    this.shown = content;
    if (update.kind === 'append') {
      view.dispatch({
        changes: { from: view.state.doc.length, insert: update.text },
        annotations: Transaction.addToHistory.of(false),
      });
    } else if (update.kind === 'replace') {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: update.text },
        annotations: Transaction.addToHistory.of(false),
      });
    }
    if (update.kind !== 'none' && streaming && this.following()) {
      this.scrollToEnd(view);
    }
  }

  /**
   * Scrolls to the end in the editor's next write phase, if the reader still follows then: a
   * scroll effect dispatched earlier would be applied after a wheel turn the reader just made.
   */
  private scrollToEnd(view: EditorView): void {
    view.requestMeasure({
      key: this,
      read: () => null,
      write: () => {
        if (this.following()) {
          view.scrollDOM.scrollTop = view.scrollDOM.scrollHeight;
        }
      },
    });
  }

  private createEditor(): { view: EditorView; parts: CodeEditorParts } {
    const editor = createCodeEditor(
      this.host().nativeElement,
      this.darkQuery?.matches ?? false,
      (update) => this.onDocChanged(update),
    );
    const scroller = editor.view.scrollDOM;
    // Following resumes only at the end, and only after the reader moved down towards it.
    let mayResume = false;
    const resumeAtEnd = () => {
      const at = {
        top: scroller.scrollTop,
        height: scroller.scrollHeight,
        viewport: scroller.clientHeight,
      };
      if (mayResume && !this.following() && isAtEnd(at)) {
        mayResume = false;
        this.following.set(true);
      }
    };
    const onInput = (event: Event) => {
      const intent = scrollIntent(event as WheelEvent & KeyboardEvent, event.target === scroller);
      if (intent === 'up') {
        mayResume = false;
        this.following.set(false);
      } else if (intent === 'down') {
        mayResume = true;
        resumeAtEnd();
      }
    };
    for (const type of ['wheel', 'keydown', 'touchmove', 'touchend', 'pointerdown', 'pointerup']) {
      scroller.addEventListener(type, onInput, { passive: true });
    }
    scroller.addEventListener('scroll', resumeAtEnd, { passive: true });
    return editor;
  }

  private onDocChanged(update: ViewUpdate): void {
    if (this.applying) {
      return;
    }
    this.shown = update.state.doc.toString();
    this.edited.emit(this.shown);
  }

  private applyScheme(editor: { view: EditorView; parts: CodeEditorParts }): void {
    editor.view.dispatch({
      effects: editor.parts.highlighting.reconfigure(
        highlightingFor(this.darkQuery?.matches ?? false),
      ),
    });
  }
}
