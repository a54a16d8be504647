import fc from 'fast-check';
import { type PhaseInfo } from '@forge/protocol';
import { type CheckProblem } from './app-checks';
import { fixesInARow, type FixPlanInput, planFix } from './fix-plan';

function phase(number: number, extra: Partial<PhaseInfo> = {}): PhaseInfo {
  return {
    number,
    request: 1,
    name: `Phase ${number}`,
    description: '',
    files: [],
    dependencies: [],
    lastPhase: false,
    status: 'done',
    ...extra,
  };
}

function fixPhase(number: number, fixing: string[]): PhaseInfo {
  return phase(number, { name: 'Fix errors', kind: 'fix', fixing });
}

function problem(key: string, path?: string): CheckProblem {
  return {
    source: 'tsc',
    key,
    text: `${path ?? 'somewhere'}: error ${key}\ndetails`,
    message: `error ${key}`,
    ...(path ? { path } : {}),
  };
}

const input = (over: Partial<FixPlanInput>): FixPlanInput => ({
  phase: phase(1),
  phases: [phase(1)],
  problems: [problem('a', 'src/App.tsx')],
  files: ['src/App.tsx', 'src/main.tsx'],
  log: 'the log',
  maxAttempts: 2,
  ...over,
});

/** A project's phases: a few of a request, then fix phases in a row after the last. */
const history = fc
  .record({
    designed: fc.integer({ min: 1, max: 4 }),
    fixes: fc.array(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }), {
      maxLength: 4,
    }),
  })
  .map(({ designed, fixes }) => {
    const phases = Array.from({ length: designed }, (_, i) => phase(i + 1));
    fixes.forEach((fixing, i) => phases.push(fixPhase(designed + i + 1, fixing)));
    return phases;
  });

const problems = fc.uniqueArray(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    path: fc.option(fc.constantFrom('src/App.tsx', 'src/gone.tsx'), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 4, selector: (p) => p.key },
);

describe(planFix.name, () => {
  it('plans a fix phase after the last one, for the files the errors name', () => {
    const plan = planFix(
      input({
        phases: [phase(1), phase(2, { status: 'designed' })],
        problems: [problem('a', 'src/App.tsx'), problem('b', 'src/gone.tsx'), problem('c')],
      }),
    );
    expect(plan).toEqual({
      type: 'fix',
      phase: {
        number: 3,
        request: 1,
        name: 'Fix errors',
        description:
          'Mend the errors the checks found after phase 1, changing only what they need:\n\nthe log',
        files: [{ path: 'src/App.tsx', purpose: 'has errors to mend' }],
        dependencies: [],
        lastPhase: false,
        status: 'designed',
        kind: 'fix',
        fixing: ['a', 'b', 'c'],
        attempt: 1,
        maxAttempts: 2,
      },
      note: 'Phase 1 left 3 errors; fixing them (attempt 1 of 2).',
    });
  });

  it('lists every file when no error names one of them', () => {
    const plan = planFix(input({ problems: [problem('a')] }));
    expect(plan.type === 'fix' && plan.phase.files).toEqual([
      { path: 'src/App.tsx', purpose: 'may hold the errors' },
      { path: 'src/main.tsx', purpose: 'may hold the errors' },
    ]);
    expect(plan.type === 'fix' && plan.note).toBe(
      'Phase 1 left 1 error; fixing it (attempt 1 of 2).',
    );
  });

  it('gives up when an error a fix was asked to mend comes back', () => {
    const phases = [phase(1), fixPhase(2, ['a'])];
    expect(planFix(input({ phase: phases[1], phases, problems: [problem('a')] }))).toEqual({
      type: 'give_up',
      code: 'ERROR_REPEATED',
      message:
        'Phase 1 left 1 error that I am not trying to fix again: an error came back after a fix was asked to mend it: somewhere: error a.',
    });
  });

  it('gives up after AGENT_FIX_MAX_ATTEMPTS fixes in a row, or at once when fixes are off', () => {
    const phases = [phase(1), fixPhase(2, ['a']), fixPhase(3, ['b'])];
    expect(planFix(input({ phase: phases[2], phases, problems: [problem('c')] }))).toEqual({
      type: 'give_up',
      code: 'FIX_ATTEMPTS_EXHAUSTED',
      message:
        'Phase 1 left 1 error that I am not trying to fix again: 2 fix phases in a row did not clear them (AGENT_FIX_MAX_ATTEMPTS).',
    });
    expect(planFix(input({ maxAttempts: 0 }))).toMatchObject({
      type: 'give_up',
      message: expect.stringContaining('automatic fixes are off (AGENT_FIX_MAX_ATTEMPTS is 0)'),
    });
  });

  it('never tries one error twice nor more fixes in a row than allowed', () => {
    fc.assert(
      fc.property(history, problems, fc.integer({ min: 0, max: 5 }), (phases, found, max) => {
        const last = phases[phases.length - 1];
        const plan = planFix(
          input({
            phase: last,
            phases,
            problems: found.map((p) => problem(p.key, p.path)),
            maxAttempts: max,
          }),
        );
        const chain = fixesInARow(phases, last);
        const tried = new Set(chain.flatMap((p) => p.fixing ?? []));
        const repeats = found.some((p) => tried.has(p.key));
        expect(plan.type).toBe(repeats || chain.length >= max ? 'give_up' : 'fix');
        if (plan.type !== 'fix') {
          return;
        }
        expect(plan.phase.number).toBe(Math.max(...phases.map((p) => p.number)) + 1);
        expect(plan.phase.attempt).toBe(chain.length + 1);
        expect(plan.phase.attempt).toBeLessThanOrEqual(max);
        expect(plan.phase.fixing).toEqual(found.map((p) => p.key));
        expect(fixesInARow([...phases, plan.phase], plan.phase)).toHaveLength(chain.length + 1);
        const paths = plan.phase.files.map((file) => file.path);
        const named = found.some((p) => p.path === 'src/App.tsx');
        expect(paths).toEqual(named ? ['src/App.tsx'] : ['src/App.tsx', 'src/main.tsx']);
      }),
    );
  });
});

describe(fixesInARow.name, () => {
  it('counts the fix phases back to the last designed one', () => {
    const phases = [phase(1), fixPhase(2, []), phase(3), fixPhase(4, []), fixPhase(5, [])];
    expect(fixesInARow(phases, phases[4]).map((p) => p.number)).toEqual([5, 4]);
    expect(fixesInARow(phases, phases[3]).map((p) => p.number)).toEqual([4]);
    expect(fixesInARow(phases, phases[2])).toEqual([]);
  });
});
