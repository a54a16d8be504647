import { type PhaseInfo } from '@forge/protocol';
import { describePlan } from './phase-designer';

const LOG = [
  'Type errors (tsc):',
  "src/App.tsx:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
  '    a continuation line of tsc',
  "src/List.tsx:9:1 - error TS2304: Cannot find name 'items'.",
  '',
  'Errors in the browser:',
  `error: TypeError: ${'x'.repeat(300)}`,
  '  at src/App.tsx:2:9',
  "console.error: Warning: Each child in a list should have a unique 'key' prop.",
].join('\n');

function phase(extra: Partial<PhaseInfo>): PhaseInfo {
  return {
    number: 1,
    request: 1,
    name: 'Todo list',
    description: 'The list and its form',
    files: [],
    dependencies: [],
    lastPhase: false,
    status: 'done',
    ...extra,
  };
}

describe(describePlan.name, () => {
  it('names a fix phase by its errors in a line each, never with the log', () => {
    const plan = describePlan([
      phase({}),
      phase({
        number: 2,
        name: 'Fix errors',
        kind: 'fix',
        fixing: ['a', 'b', 'c', 'd'],
        description: `Mend the errors the checks found after phase 1, changing only what they need:\n\n${LOG}`,
      }),
    ]);
    const [first, fix] = plan.split('\n');
    expect(first).toBe('- phase 1 (done): Todo list — The list and its form');
    expect(plan.split('\n')).toHaveLength(2);
    expect(fix).toContain('Mend the errors the checks found after phase 1 (4 errors: ');
    expect(fix).toContain("error TS2322: Type 'string' is not assignable");
    expect(fix).toContain("error TS2304: Cannot find name 'items'.");
    expect(fix).toContain('error: TypeError: xxx');
    expect(fix).not.toContain('x'.repeat(200));
    expect(fix).not.toContain('continuation');
    expect(fix).not.toContain('unique');
    expect(fix!.endsWith('; …)')).toBe(true);
    expect(fix!.length).toBeLessThan(600);
  });
});
