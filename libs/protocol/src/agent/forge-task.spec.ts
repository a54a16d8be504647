import {
  extractForgeRequest,
  formatForgeTaskLine,
  parseForgeTask,
  parseForgeTaskLine,
} from './forge-task';

describe(parseForgeTask.name, () => {
  it('reads the task line, the phase and the request section', () => {
    const task = parseForgeTask([
      { role: 'system', content: 'rules' },
      {
        role: 'user',
        content:
          'FORGE-TASK: implement phase=2\nWrite the files.\n\n## Request\nA todo list\nwith tags\n\n## Files\nx',
      },
    ]);
    expect(task).toEqual({ kind: 'implement', phase: 2, request: 'A todo list\nwith tags' });
  });

  it('takes the latest user message that carries a task line, skipping feedback turns', () => {
    const task = parseForgeTask([
      { role: 'user', content: 'FORGE-TASK: design phase=1\n## Request\nold' },
      { role: 'assistant', content: '{"bad": true}' },
      { role: 'user', content: 'That JSON did not match the schema.' },
    ]);
    expect(task).toEqual({ kind: 'design', phase: 1, request: 'old' });
  });

  it('reads text parts and tolerates spacing, CRLF and extra attributes', () => {
    const task = parseForgeTask([
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: '  FORGE-TASK:design   phase=12 followup=yes \r\n## Request\r\nhi',
          },
        ],
      },
    ]);
    expect(task).toEqual({ kind: 'design', phase: 12, request: 'hi' });
  });

  it('returns null without a task line, and a null request without the section', () => {
    expect(parseForgeTask([{ role: 'user', content: 'Hello' }])).toBeNull();
    expect(parseForgeTask([{ role: 'system', content: 'FORGE-TASK: design phase=1' }])).toBeNull();
    expect(parseForgeTask([{ role: 'user', content: 'FORGE-TASK: design phase=1' }])).toEqual({
      kind: 'design',
      phase: 1,
      request: null,
    });
  });

  it('refuses phase 0, other kinds and other text on the line', () => {
    expect(parseForgeTaskLine('FORGE-TASK: design phase=0')).toBeNull();
    expect(parseForgeTaskLine('FORGE-TASK: deploy phase=1')).toBeNull();
    expect(parseForgeTaskLine('FORGE-TASK: design phase=1 please')).toBeNull();
    expect(parseForgeTaskLine('Note: FORGE-TASK: design phase=1')).toBeNull();
  });

  it('round-trips the line it formats', () => {
    expect(formatForgeTaskLine('implement', 3)).toBe('FORGE-TASK: implement phase=3');
    expect(parseForgeTaskLine(formatForgeTaskLine('implement', 3))).toEqual({
      kind: 'implement',
      phase: 3,
    });
  });

  it('ends the request at the next level-2 heading only', () => {
    expect(extractForgeRequest('## Request\n### Details\nkeep\n## Next\ndrop')).toBe(
      '### Details\nkeep',
    );
    expect(extractForgeRequest('## Request\n\n## Next')).toBeNull();
  });
});
