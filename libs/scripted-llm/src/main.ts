import { parseDemoCliArgs, DEMO_CLI_USAGE, type DemoCliOptions } from './cli-options';
import { DEMO_MODEL_ID } from './demo/demo-llm-handler';
import { createDemoLlmServer } from './demo/demo-llm-server';

// The offline demo model as a process: `npm start` runs it when no LLM key is configured and
// reads the URL from the first line this prints.
async function main(): Promise<void> {
  let options: DemoCliOptions | 'help';
  try {
    options = parseDemoCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(DEMO_CLI_USAGE);
    return;
  }
  const server = await createDemoLlmServer(options);
  process.stdout.write(`Offline demo LLM (model ${DEMO_MODEL_ID}) listening at ${server.url}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`The demo LLM server could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
