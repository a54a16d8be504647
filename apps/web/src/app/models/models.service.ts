import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { type LlmModelList } from '@forge/protocol/agent/llm-models';
import { firstValueFrom } from 'rxjs';
import { httpErrorMessage } from '../core/http-error-message';
import { parseModelList } from './model-list';

export const MODELS_URL = '/api/models';

/**
 * The models a request may use, as the configured LLM server lists them (GET /api/models,
 * loaded once), and the one the user picked for the next requests: a pick made on the dashboard
 * goes with the prompt into the workspace.
 */
@Injectable({ providedIn: 'root' })
export class ModelsService {
  private readonly http = inject(HttpClient);
  private loading: Promise<void> | null = null;

  readonly list = signal<LlmModelList | null>(null);
  readonly error = signal<string | null>(null);
  /** The user's pick; null: the server's default model. */
  readonly picked = signal<string | null>(null);
  /** The model the next request uses: the pick while the list still has it, else the default. */
  readonly current = computed(() => {
    const list = this.list();
    const picked = this.picked();
    if (!list) {
      return null;
    }
    return picked && list.models.some((model) => model.id === picked) ? picked : list.defaultModel;
  });
  /** The model to send with a request: only a pick other than the default travels. */
  readonly requested = computed(() => {
    const current = this.current();
    return current && current !== this.list()?.defaultModel ? current : null;
  });

  load(): Promise<void> {
    this.loading ??= this.fetch();
    return this.loading;
  }

  private async fetch(): Promise<void> {
    try {
      this.list.set(parseModelList(await firstValueFrom(this.http.get<unknown>(MODELS_URL))));
      this.error.set(null);
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'load the model list'));
      // Asked again the next time a prompt box opens.
      this.loading = null;
    }
  }
}
