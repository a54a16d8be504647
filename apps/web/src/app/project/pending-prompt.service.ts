import { DOCUMENT, Injectable, inject } from '@angular/core';

/** The sessionStorage key of a prompt typed before signing up. */
export const PENDING_PROMPT_KEY = 'forge.pendingPrompt';

/**
 * A prompt a stranger typed on the landing page, kept across sign-up (or sign-in) in this tab's
 * sessionStorage, so the dashboard can create that project as soon as the account exists.
 * Without storage (blocked, private mode) it lives in memory, which a client-side navigation
 * keeps too.
 */
@Injectable({ providedIn: 'root' })
export class PendingPromptService {
  private readonly storage = storageOf(inject(DOCUMENT).defaultView);
  private memory: string | null = null;

  set(prompt: string): void {
    this.memory = prompt;
    try {
      this.storage?.setItem(PENDING_PROMPT_KEY, prompt);
    } catch {
      // Full or refused: the copy in memory is enough for this visit.
    }
  }

  peek(): string | null {
    return this.read() ?? this.memory;
  }

  /** The prompt, once: it is forgotten as it is handed over. */
  take(): string | null {
    const prompt = this.peek();
    this.memory = null;
    try {
      this.storage?.removeItem(PENDING_PROMPT_KEY);
    } catch {
      // Nothing to forget there.
    }
    return prompt;
  }

  private read(): string | null {
    try {
      return this.storage?.getItem(PENDING_PROMPT_KEY) ?? null;
    } catch {
      return null;
    }
  }
}

function storageOf(view: Window | null): Storage | null {
  try {
    return view?.sessionStorage ?? null;
  } catch {
    return null;
  }
}
