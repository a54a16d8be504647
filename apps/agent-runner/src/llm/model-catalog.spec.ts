import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { MODEL_LIST_CACHE_MS, ModelCatalog, UnknownModelError } from './model-catalog';

/** A /models endpoint answering `body` with `status`, counting the asks. */
async function modelsServer(answer: () => { status: number; body: unknown }) {
  let asks = 0;
  const server: Server = createServer((request, response) => {
    asks++;
    const { status, body } = answer();
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    asks: () => asks,
    close: () => new Promise((done) => server.close(done)),
  };
}

describe(ModelCatalog.name, () => {
  it("lists the server's models with OpenRouter's prices, the configured one first", async () => {
    const server = await modelsServer(() => ({
      status: 200,
      body: {
        data: [
          {
            id: 'a/cheap',
            name: 'Cheap',
            pricing: { prompt: '0.0000001', completion: '0.0000002' },
          },
          { id: 'b/big' },
        ],
      },
    }));
    try {
      const catalog = new ModelCatalog({
        provider: 'openrouter',
        baseURL: server.baseURL,
        apiKey: 'k',
        configured: ['c/configured', 'c/configured'],
        demo: false,
      });
      const list = await catalog.list();
      expect(list).toEqual({
        provider: 'openrouter',
        demo: false,
        defaultModel: 'c/configured',
        models: [
          { id: 'c/configured', name: null, promptUsdPerToken: null, completionUsdPerToken: null },
          { id: 'a/cheap', name: 'Cheap', promptUsdPerToken: 1e-7, completionUsdPerToken: 2e-7 },
          { id: 'b/big', name: null, promptUsdPerToken: null, completionUsdPerToken: null },
        ],
      });
      await expect(catalog.check('b/big')).resolves.toBeUndefined();
      await expect(catalog.check('z/unlisted')).rejects.toThrow(UnknownModelError);
      await expect(catalog.check('z/unlisted')).rejects.toThrow('GET /api/models');
      expect(server.asks()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('keeps a list for MODEL_LIST_CACHE_MS, and asks again after a failed fetch', async () => {
    let status = 500;
    const server = await modelsServer(() => ({ status, body: { data: [{ id: 'm' }] } }));
    let now = 0;
    try {
      const catalog = new ModelCatalog(
        {
          provider: 'openai-compatible',
          baseURL: server.baseURL,
          apiKey: 'k',
          configured: ['m0'],
          demo: false,
        },
        () => now,
      );
      // The server fails: the configured model alone, and no caching of that.
      expect((await catalog.list()).models.map((m) => m.id)).toEqual(['m0']);
      status = 200;
      expect((await catalog.list()).models.map((m) => m.id)).toEqual(['m0', 'm']);
      expect(server.asks()).toBe(2);
      now += MODEL_LIST_CACHE_MS - 1;
      await catalog.list();
      expect(server.asks()).toBe(2);
      now += 1;
      await catalog.list();
      expect(server.asks()).toBe(3);
    } finally {
      await server.close();
    }
  });
});
