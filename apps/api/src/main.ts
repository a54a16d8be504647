import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApiApp } from './api-app';
import { loadApiConfig } from './config/api-config';

async function main() {
  const config = loadApiConfig();
  const app = await createApiApp(config);
  await app.listen(config.API_PORT, config.API_HOST);
  new Logger('Api').log(`listening on http://${config.API_HOST}:${config.API_PORT}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
