import {
  createScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedLlmServerOptions,
} from '@forge/scripted-llm';
import { processSandboxes } from '../../../../test/support/process-sandboxes';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { type RunnerTestApp, startRunnerTestApp } from './runner-test-app';

/** A test database, a scripted LLM and a runner asking it, for a spec file. */
export interface RunnerStack {
  db: TestDatabase;
  llm: ScriptedLlmServer;
  runner: RunnerTestApp;
  /** SANDBOX_ROOT of the runner's process sandboxes; throws when it was given none. */
  sandboxRoot(): string;
  /** Closes the runner and the LLM, drops the database and deletes the sandboxes' folder. */
  close(): Promise<void>;
}

export interface RunnerStackOptions {
  llm: ScriptedLlmServerOptions;
  /** The runner's settings beyond startRunnerTestApp's. */
  env?: Record<string, string>;
  /** Process sandboxes in a temp folder named from `prefix` (processSandboxes). */
  sandboxes?: { prefix: string; templateCache?: string };
}

export async function startRunnerStack(options: RunnerStackOptions): Promise<RunnerStack> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      await closer();
    }
  };
  try {
    const sandboxes =
      options.sandboxes &&
      processSandboxes(options.sandboxes.prefix, options.sandboxes.templateCache);
    if (sandboxes) {
      closers.push(() => sandboxes.remove());
    }
    const db = await createTestDatabase();
    closers.push(() => db.drop());
    const llm = await createScriptedLlmServer(options.llm);
    closers.push(() => llm.close());
    const runner = await startRunnerTestApp(db, llm.url, {
      ...sandboxes?.env,
      ...options.env,
    });
    closers.push(() => runner.close());
    const sandboxRoot = () => {
      if (!sandboxes) {
        throw new Error('this runner stack has no process sandboxes');
      }
      return sandboxes.root;
    };
    return { db, llm, runner, sandboxRoot, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * One stack for the spec file (or describe block) it is called in: started in a beforeAll,
 * closed in an afterAll. The tests get it from the function returned.
 */
export function useRunnerStack(options: RunnerStackOptions): () => RunnerStack {
  let stack: RunnerStack | undefined;
  beforeAll(async () => {
    stack = await startRunnerStack(options);
  });
  afterAll(() => stack?.close());
  return () => {
    if (!stack) {
      throw new Error('the runner stack did not start (see beforeAll)');
    }
    return stack;
  };
}
