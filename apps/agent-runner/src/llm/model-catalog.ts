import { type LlmModelInfo, type LlmModelList, parseListedModels } from '@forge/protocol';
import { MODEL_LIST_TIMEOUT_MS } from './llm-models';

/** How long a fetched model list is kept before the server is asked again. */
export const MODEL_LIST_CACHE_MS = 5 * 60_000;

export interface ModelCatalogTarget {
  provider: LlmModelList['provider'];
  baseURL: string;
  apiKey: string;
  /** The configured models (code first): always listed, used when a request names none. */
  configured: string[];
  /** The offline demo model answers (in-process, or served apart and named by LLM_BASE_URL). */
  demo: boolean;
}

/** A request named a model the configured server does not list. */
export class UnknownModelError extends Error {}

/**
 * The models a request may choose from: the configured LLM server's GET /models (OpenRouter's
 * with prices), fetched on first use and kept MODEL_LIST_CACHE_MS; the configured models are
 * always in it, first. A list that cannot be fetched leaves the configured models alone (and
 * the next ask tries again).
 */
export class ModelCatalog {
  private cached: { list: LlmModelList; at: number } | null = null;
  private fetching: Promise<LlmModelList> | null = null;

  constructor(
    private readonly target: ModelCatalogTarget,
    private readonly now: () => number = Date.now,
    private readonly timeoutMs = MODEL_LIST_TIMEOUT_MS,
  ) {}

  async list(): Promise<LlmModelList> {
    if (this.cached && this.now() - this.cached.at < MODEL_LIST_CACHE_MS) {
      return this.cached.list;
    }
    this.fetching ??= this.fetchList().finally(() => (this.fetching = null));
    return this.fetching;
  }

  /** Refuses a model the list does not have, naming where the list comes from. */
  async check(model: string): Promise<void> {
    const list = await this.list();
    if (!list.models.some((listed) => listed.id === model)) {
      throw new UnknownModelError(
        `The model ${JSON.stringify(model.slice(0, 200))} is not one the LLM server lists (GET /api/models shows them); pick one of those.`,
      );
    }
  }

  private async fetchList(): Promise<LlmModelList> {
    const { provider, configured } = this.target;
    let listed: LlmModelInfo[] = [];
    let fetched = false;
    try {
      listed = await this.fetchListed();
      fetched = true;
    } catch {
      // The configured models stay usable; the list is asked for again next time.
    }
    const known = new Set(listed.map((model) => model.id));
    const extra = configured
      .filter((id, index) => !known.has(id) && configured.indexOf(id) === index)
      .map((id) => ({ id, name: null, promptUsdPerToken: null, completionUsdPerToken: null }));
    const list: LlmModelList = {
      provider,
      demo: this.target.demo,
      defaultModel: configured[0]!,
      models: [...extra, ...listed],
    };
    if (fetched) {
      this.cached = { list, at: this.now() };
    }
    return list;
  }

  private async fetchListed(): Promise<LlmModelInfo[]> {
    const url = `${this.target.baseURL.replace(/\/+$/, '')}/models`;
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${this.target.apiKey}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      throw new Error(`GET ${url} answered ${response.status}`);
    }
    return parseListedModels(await response.json());
  }
}
