import { DestroyRef, type WritableSignal, inject } from '@angular/core';
import { httpErrorMessage } from '../core/http-error-message';
import { type WorkspaceStore } from './workspace-store';

/** Something read over REST: on its way, there, or failed with a message to show. */
export type Load<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'failed'; readonly message: string };

export interface PerVersionLoad<T> {
  /** Where the result goes; it keeps its last value while it is read again. */
  readonly into: WritableSignal<Load<T>>;
  readonly fetch: (projectId: string) => Promise<T>;
  /** What failed, for the message: "load the versions". */
  readonly what: string;
  /** Called with each result that is still for the open project. */
  readonly loaded?: (value: T) => void;
}

/**
 * Reads what a side sheet shows for the open project now, and again whenever a version is made
 * (a phase, an edit, a rollback). Call it in a constructor (it injects).
 */
export function loadPerVersion<T>(store: WorkspaceStore, load: PerVersionLoad<T>): void {
  const run = async (projectId: string): Promise<void> => {
    if (load.into().status !== 'ready') {
      load.into.set({ status: 'loading' });
    }
    try {
      const value = await load.fetch(projectId);
      if (projectId !== store.projectId()) {
        return;
      }
      load.into.set({ status: 'ready', value });
      load.loaded?.(value);
    } catch (error: unknown) {
      load.into.set({ status: 'failed', message: httpErrorMessage(error, load.what) });
    }
  };
  // Straight from here and the store's event, not an effect: an effect's run was seen to wait,
  // while the page sat idle, for a change detection that did not come.
  void run(store.projectId());
  const stop = store.onNewVersion(() => void run(store.projectId()));
  inject(DestroyRef).onDestroy(stop);
}
