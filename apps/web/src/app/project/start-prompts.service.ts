import { Injectable } from '@angular/core';

/**
 * Hands the prompt a project was created from to its workspace, which starts the generation
 * with it. Kept in memory on purpose: reloading the workspace must not start a second one.
 */
@Injectable({ providedIn: 'root' })
export class StartPromptsService {
  private readonly prompts = new Map<string, string>();

  set(projectId: string, prompt: string): void {
    this.prompts.set(projectId, prompt);
  }

  /** The prompt, once: the next call for the same project gets null. */
  take(projectId: string): string | null {
    const prompt = this.prompts.get(projectId) ?? null;
    this.prompts.delete(projectId);
    return prompt;
  }
}
