import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The prompt files live in apps/agent-runner/prompts/, two levels up from src/ and dist/. */
const PROMPTS_DIR = join(__dirname, '..', '..', 'prompts');

export type PromptName = 'design.system' | 'design.user' | 'implement.system' | 'implement.user';

const cache = new Map<PromptName, string>();

function template(name: PromptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(PROMPTS_DIR, `${name}.md`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** A prompt with its `{{name}}` slots filled; a slot without a value is a bug and throws. */
export function renderPrompt(name: PromptName, values: Record<string, string> = {}): string {
  return template(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new Error(`prompt ${name} needs a value for {{${key}}}`);
    }
    return value;
  });
}
