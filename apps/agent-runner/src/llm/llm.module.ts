import { Logger, type Provider } from '@nestjs/common';
import { UsageRepository } from '@forge/db';
import { createDemoLlmServer, DEMO_MODEL_ID } from '@forge/scripted-llm';
import { llmEndpoint, RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { LlmClient, type LlmClientOptions, type LlmUsage } from './llm-client';
import { resolveModels } from './llm-models';
import { ModelCatalog } from './model-catalog';

export const LLM_CLIENT = Symbol('LLM_CLIENT');

/** The models a request may choose from (ModelCatalog). */
export const LLM_MODELS = Symbol('LLM_MODELS');
/** Where the client's factory leaves the catalog it made for the same target. */
const LLM_CATALOG_HOLDER = Symbol('LLM_CATALOG_HOLDER');

/** Closes the client's connections and the in-process demo server, if one runs, at shutdown. */
export const LLM_SHUTDOWN = Symbol('LLM_SHUTDOWN');

async function recordUsage(
  usageRows: UsageRepository,
  hub: EventHub,
  call: { projectId: string; role: string; model: string },
  usage: LlmUsage,
): Promise<void> {
  await usageRows.record({ ...call, ...usage });
  if (hub.lastSeq(call.projectId) !== undefined) {
    await hub.emit(call.projectId, { type: 'usage', ...call, ...usage });
  }
}

/** Where the client connects, and what to close at shutdown besides the client. */
interface LlmTarget {
  options: Pick<LlmClientOptions, 'baseURL' | 'apiKey' | 'models' | 'reportCost'>;
  provider: 'openrouter' | 'openai-compatible' | 'demo';
  close(): Promise<void>;
}

/** LLM_BASE_URL, else OpenRouter, else the offline demo model served here on loopback. */
async function llmTarget(config: RunnerConfig): Promise<LlmTarget> {
  const endpoint = llmEndpoint(config);
  if (endpoint.kind !== 'demo') {
    return {
      options: {
        baseURL: endpoint.baseURL,
        apiKey: endpoint.apiKey,
        models: await resolveModels(
          { design: config.LLM_MODEL_DESIGN, code: config.LLM_MODEL_CODE },
          endpoint,
        ),
        reportCost: endpoint.kind === 'openrouter',
      },
      provider: endpoint.kind,
      close: async () => undefined,
    };
  }
  const server = await createDemoLlmServer({ host: '127.0.0.1', port: 0 });
  new Logger('Llm').warn(
    `no LLM configured (OPENROUTER_API_KEY or LLM_BASE_URL): using the offline demo model "${DEMO_MODEL_ID}"`,
  );
  return {
    options: {
      baseURL: server.url,
      apiKey: 'demo',
      models: { design: DEMO_MODEL_ID, code: DEMO_MODEL_ID },
      reportCost: false,
    },
    provider: 'demo',
    close: () => server.close(),
  };
}

/**
 * The LLM the runner talks to: LLM_BASE_URL, else OpenRouter, else the offline demo model
 * served in-process on loopback (model "forge-demo", labelled as a demo wherever it shows).
 */
export const llmProviders: Provider[] = [
  { provide: LLM_CATALOG_HOLDER, useValue: { target: null } },
  {
    provide: LLM_MODELS,
    inject: [LLM_CLIENT, LLM_CATALOG_HOLDER],
    useFactory: (_client: LlmClient, holder: { target: ModelCatalog | null }) => holder.target!,
  },
  {
    provide: LLM_SHUTDOWN,
    useValue: { close: async () => undefined },
  },
  {
    provide: LLM_CLIENT,
    inject: [RUNNER_CONFIG, UsageRepository, EventHub, LLM_SHUTDOWN, LLM_CATALOG_HOLDER],
    useFactory: async (
      config: RunnerConfig,
      usageRows: UsageRepository,
      hub: EventHub,
      shutdown: { close: () => Promise<void> },
      catalog: { target: ModelCatalog | null },
    ) => {
      const target = await llmTarget(config);
      catalog.target = new ModelCatalog({
        provider: target.provider,
        baseURL: target.options.baseURL,
        apiKey: target.options.apiKey,
        configured: [target.options.models.code, target.options.models.design],
        demo: target.provider === 'demo' || target.options.models.code === DEMO_MODEL_ID,
      });
      const client = new LlmClient({
        ...target.options,
        callTimeoutMs: config.LLM_CALL_TIMEOUT_MS,
        silenceTimeoutMs: config.LLM_SILENCE_TIMEOUT_MS,
        onUsage: (call: { projectId: string; role: string; model: string }, usage: LlmUsage) =>
          recordUsage(usageRows, hub, call, usage).catch((error: unknown) =>
            new Logger('LlmUsage').error(`could not record usage: ${(error as Error).message}`),
          ),
      });
      shutdown.close = async () => {
        client.close();
        await target.close();
      };
      return client;
    },
  },
];
