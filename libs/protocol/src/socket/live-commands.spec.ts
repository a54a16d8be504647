import { isLiveCommandName, parseLiveCommand } from './live-commands';

const PROJECT = '11111111-1111-4111-8111-111111111111';

describe(parseLiveCommand.name, () => {
  it('accepts each command in its documented shape', () => {
    expect(parseLiveCommand('join', { projectId: PROJECT })).toEqual({
      ok: true,
      value: { projectId: PROJECT },
    });
    expect(parseLiveCommand('generate', { projectId: PROJECT, description: 'An app' })).toEqual({
      ok: true,
      value: { projectId: PROJECT, description: 'An app' },
    });
    expect(
      parseLiveCommand('generate', { projectId: PROJECT, description: 'An app', model: ' m/x ' }),
    ).toEqual({ ok: true, value: { projectId: PROJECT, description: 'An app', model: 'm/x' } });
  });

  it('refuses other shapes with a message naming the field', () => {
    const cases: [Parameters<typeof parseLiveCommand>[0], unknown, string][] = [
      ['join', undefined, ''],
      ['join', 'x', ''],
      ['join', { projectId: 'x' }, 'projectId'],
      ['join', { projectId: PROJECT, admin: true }, 'admin'],
      ['generate', { projectId: PROJECT }, 'description'],
      ['generate', { projectId: PROJECT, description: ['a'] }, 'description'],
      ['generate', { projectId: PROJECT, description: 'a', model: '  ' }, 'model'],
      ['generate', { projectId: PROJECT, description: 'a', model: 7 }, 'model'],
      ['generate', { projectId: PROJECT, description: 'a', model: 'm'.repeat(201) }, 'model'],
    ];
    for (const [name, payload, field] of cases) {
      const result = parseLiveCommand(name, payload);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problem).toContain(field);
      }
    }
  });
});

describe(isLiveCommandName.name, () => {
  it('knows only the commands, not inherited names', () => {
    expect(['join', 'leave', 'get_state', 'generate', 'cancel'].every(isLiveCommandName)).toBe(
      true,
    );
    for (const name of ['snapshot', 'constructor', '__proto__', 'toString', '']) {
      expect(isLiveCommandName(name)).toBe(false);
    }
  });
});
