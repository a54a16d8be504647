import { formatForgeTaskLine, PhaseDesignSchema } from '@forge/protocol';
import { parseInChunks, replayFiles } from '../../../scof/src/testing/scof-testing';
import { type ReplayApp, REPLAY_UNKNOWN_REQUEST, replayAnswer } from './replay-llm-handler';

const APP: ReplayApp = {
  id: 'demo',
  request: 'Build the demo',
  title: 'Demo',
  files: [
    {
      path: 'src/App.tsx',
      content: 'export default function App() {\n  return <h1>Hello</h1>;\n}\n',
    },
    // A line that is the usual terminator: the block must end on another one.
    { path: 'notes.txt', content: 'first\nEOF\nlast' },
  ],
  removes: ['src/main.tsx'],
  packages: ['zustand@5.0.8', 'react-redux'],
  followUp: {
    request: 'Say goodbye',
    file: {
      path: 'src/App.tsx',
      content: 'export default function App() {\n  return <h1>Bye</h1>;\n}\n',
    },
  },
};

const ask = (kind: 'design' | 'implement', phase: number, request: string) => [
  { role: 'system' as const, content: 'You are Forge.' },
  {
    role: 'user' as const,
    content: `${formatForgeTaskLine(kind, phase)}\n\n## Request\n${request}`,
  },
];

function design(answer: string) {
  return PhaseDesignSchema.parse(JSON.parse(answer.replace(/^```json\n|```\n$/g, '')));
}

describe(replayAnswer.name, () => {
  it('designs the whole app in one phase and writes it in the stream format', () => {
    const planned = design(replayAnswer([APP], ask('design', 1, APP.request)));
    expect(planned.files.map((file) => file.path)).toEqual(['src/App.tsx', 'notes.txt']);
    expect(planned.dependencies).toEqual(APP.packages);
    expect(planned.lastPhase).toBe(true);

    const events = parseInChunks(replayAnswer([APP], ask('implement', 1, APP.request)), [7]);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(events.filter((e) => e.type === 'install')).toEqual([
      expect.objectContaining({ packages: APP.packages }),
    ]);
    const { files } = replayFiles(events, { 'src/main.tsx': 'old entry' });
    expect(files).toEqual({
      'notes.txt': 'first\nEOF\nlast\n',
      'src/App.tsx': APP.files[0]!.content,
    });
  });

  it('answers a fix call with the app unchanged and the follow-up with its one file', () => {
    const fix = design(replayAnswer([APP], ask('design', 2, APP.request)));
    expect(fix.files.map((file) => file.path)).toEqual(['src/App.tsx']);
    const unchanged = replayFiles(
      parseInChunks(replayAnswer([APP], ask('implement', 2, APP.request))),
    );
    expect(unchanged.files).toEqual({ 'src/App.tsx': APP.files[0]!.content });

    const followUp = design(replayAnswer([APP], ask('design', 3, 'Say goodbye')));
    expect(followUp.files.map((file) => file.path)).toEqual(['src/App.tsx']);
    const changed = replayFiles(
      parseInChunks(replayAnswer([APP], ask('implement', 3, 'Say goodbye'))),
    );
    expect(changed.files).toEqual({ 'src/App.tsx': APP.followUp.file.content });
  });

  it('writes a binary file as a base64 block the parser gives back byte for byte', () => {
    // Every byte value, and a length whose base64 needs padding and several lines.
    const bytes = Buffer.from(Array.from({ length: 1_000 }, (_, i) => (i * 37) % 256));
    const logo = {
      path: 'public/logo.png',
      content: bytes.toString('base64'),
      encoding: 'base64' as const,
    };
    const app: ReplayApp = { ...APP, files: [...APP.files, logo] };
    const answer = replayAnswer([app], ask('implement', 1, app.request));
    expect(answer).toContain(`base64 -d > public/logo.png << 'EOF'`);
    const events = parseInChunks(answer, [5, 300], { binaryFiles: true });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const ends = events.filter((e) => e.type === 'file_end' && e.path === logo.path);
    expect(ends).toEqual([
      { type: 'file_end', path: logo.path, content: logo.content, encoding: 'base64' },
    ]);
    expect(Buffer.from(ends[0]!.type === 'file_end' ? ends[0]!.content : '', 'base64')).toEqual(
      bytes,
    );
  });

  it('says so to a request it has no app for', () => {
    expect(replayAnswer([APP], ask('design', 1, 'Something else'))).toBe(REPLAY_UNKNOWN_REQUEST);
    expect(replayAnswer([APP], [{ role: 'user', content: 'Hello' }])).toBe(REPLAY_UNKNOWN_REQUEST);
  });
});
