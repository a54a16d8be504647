import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadRunnerConfig } from './config/runner-config';
import { createRunnerApp } from './runner-app';

async function main() {
  const config = loadRunnerConfig();
  const app = await createRunnerApp(config);
  await app.listen(config.RUNNER_PORT, config.RUNNER_HOST);
  new Logger('Runner').log(`listening on http://${config.RUNNER_HOST}:${config.RUNNER_PORT}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
