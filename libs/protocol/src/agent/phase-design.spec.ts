import { PHASE_DESIGN_LIMITS, parsePhaseDesignAnswer, PhaseDesignSchema } from './phase-design';

const DESIGN = {
  name: 'Notes',
  description: 'A notes app',
  files: [{ path: 'src/App.tsx', purpose: 'the page' }],
  dependencies: ['zustand@5', '@tanstack/react-query'],
  lastPhase: false,
  blueprint: { title: 'Notes', summary: 'Take notes', views: ['List'], roadmap: ['Phase 1'] },
};

describe('PhaseDesignSchema', () => {
  it('accepts a design, with or without a blueprint, and drops unknown keys', () => {
    expect(PhaseDesignSchema.parse({ ...DESIGN, extra: 1 })).toEqual(DESIGN);
    const { blueprint: _blueprint, ...withoutBlueprint } = DESIGN;
    expect(PhaseDesignSchema.safeParse(withoutBlueprint).success).toBe(true);
  });

  it('accepts a data model and routes', () => {
    const fullStack = {
      ...DESIGN,
      dataModel: {
        tables: [
          {
            name: 'notes',
            purpose: 'one note',
            fields: [
              { name: 'id', type: 'serial primary key' },
              { name: 'body', type: 'text not null' },
            ],
          },
        ],
      },
      routes: [
        { method: 'GET', path: '/api/notes', purpose: 'list notes' },
        { method: 'DELETE', path: '/api/notes/:id', purpose: 'delete one' },
      ],
    };
    expect(PhaseDesignSchema.parse(fullStack)).toEqual(fullStack);
  });

  const table = (name: string, fields = [{ name: 'id', type: 'serial primary key' }]) => ({
    dataModel: { tables: [{ name, fields }] },
  });

  it.each([
    ['a table name that needs quoting', table('Guest Book')],
    ['a table name with SQL in it', table('notes; drop table x')],
    ['a field name in upper case', table('notes', [{ name: 'Body', type: 'text' }])],
    ['a table without fields', table('notes', [])],
    ['an empty data model', { dataModel: { tables: [] } }],
    ['a route outside /api', { routes: [{ method: 'GET', path: '/notes', purpose: '' }] }],
    ['a route with a query', { routes: [{ method: 'GET', path: '/api/x?y=1', purpose: '' }] }],
    ['an unknown method', { routes: [{ method: 'TRACE', path: '/api/x', purpose: '' }] }],
    [
      'more tables than the limit',
      {
        dataModel: {
          tables: Array.from({ length: PHASE_DESIGN_LIMITS.maxTables + 1 }, (_, i) => ({
            name: `t${i}`,
            fields: [{ name: 'id', type: 'int' }],
          })),
        },
      },
    ],
  ])('refuses %s', (_label, change) => {
    expect(PhaseDesignSchema.safeParse({ ...DESIGN, ...change }).success).toBe(false);
  });

  it.each([
    ['a path outside the project', { files: [{ path: '../x.ts', purpose: '' }] }],
    ['a path under node_modules', { files: [{ path: 'node_modules/x.js', purpose: '' }] }],
    ['an absolute path', { files: [{ path: '/etc/passwd', purpose: '' }] }],
    ['a package spec that is a URL', { dependencies: ['https://evil.example/x.tgz'] }],
    ['an option as a package', { dependencies: ['--global'] }],
    ['no files', { files: [] }],
    ['a missing lastPhase', { lastPhase: undefined }],
    [
      'the same path twice',
      {
        files: [
          { path: 'src/a.ts', purpose: '' },
          { path: 'src/a.ts', purpose: '' },
        ],
      },
    ],
    [
      'more files than the limit',
      {
        files: Array.from({ length: PHASE_DESIGN_LIMITS.maxFiles + 1 }, (_, i) => ({
          path: `src/f${i}.ts`,
          purpose: '',
        })),
      },
    ],
  ])('refuses %s', (_label, change) => {
    expect(PhaseDesignSchema.safeParse({ ...DESIGN, ...change }).success).toBe(false);
  });
});

describe(parsePhaseDesignAnswer.name, () => {
  it('reads JSON in a fence, with prose around it', () => {
    const answer = 'Here is the plan:\n```json\n' + JSON.stringify(DESIGN) + '\n```\nDone.';
    expect(parsePhaseDesignAnswer(answer)).toEqual({ ok: true, design: DESIGN });
  });

  it('reads bare JSON', () => {
    expect(parsePhaseDesignAnswer(' ' + JSON.stringify(DESIGN, null, 2))).toEqual({
      ok: true,
      design: DESIGN,
    });
  });

  it('falls back to the outer braces when a value holds a fence', () => {
    const design = { ...DESIGN, description: 'Use ```ts fences``` in docs' };
    const answer = '```json\n' + JSON.stringify(design) + '\n```';
    expect(parsePhaseDesignAnswer(answer)).toEqual({ ok: true, design });
  });

  it('says what is wrong, for feeding back to the model', () => {
    expect(parsePhaseDesignAnswer('no idea')).toMatchObject({ ok: false, code: 'NO_JSON' });
    expect(parsePhaseDesignAnswer('{"name": }')).toMatchObject({ ok: false, code: 'INVALID_JSON' });
    const result = parsePhaseDesignAnswer(JSON.stringify({ ...DESIGN, files: [{ path: 'a\\b' }] }));
    expect(result).toMatchObject({ ok: false, code: 'INVALID_DESIGN' });
    expect(!result.ok && result.message).toContain('BACKSLASH');
    expect(!result.ok && result.message).toContain('purpose');
  });
});
