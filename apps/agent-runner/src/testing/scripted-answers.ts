import { type PhaseDesign } from '@forge/protocol';

/** A one-phase design answer for scripted tests. */
export function designAnswer(files: string[], overrides: Partial<PhaseDesign> = {}): string {
  const design: PhaseDesign = {
    name: 'Everything',
    description: 'The whole app in one phase.',
    files: files.map((path) => ({ path, purpose: `the ${path} file` })),
    dependencies: [],
    lastPhase: true,
    blueprint: {
      title: 'Test app',
      summary: 'A test app.',
      views: ['main'],
      roadmap: ['phase 1: everything'],
    },
    ...overrides,
  };
  return '```json\n' + JSON.stringify(design, null, 2) + '\n```';
}

/** SCOF writing each file with the given content. */
export function scofAnswer(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([path, content]) => `cat > ${path} << 'EOF'\n${content}EOF\n`)
    .join('\n');
}
