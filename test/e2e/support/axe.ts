import { readFileSync } from 'node:fs';
import { type Page } from 'playwright-core';

/** axe-core's browser build, pinned in package.json (devDependencies). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** Where, as CSS selectors, with axe's summary of what to fix, one per node. */
  nodes: string[];
}

/**
 * The serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now.
 * The preview iframe is left out: it shows the generated app, not Forge.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  // A string: this file is compiled without the DOM's types.
  const violations = (await page.evaluate(`
    axe.run(document, {
      iframes: false,
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    }).then((result) => result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary),
    })))
  `)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A failure message listing each violation and where it is, or '' when there is none. */
export function describeViolations(where: string, violations: AxeViolation[]): string {
  if (violations.length === 0) {
    return '';
  }
  const lines = violations.flatMap((v) => [
    `${v.id} (${v.impact}): ${v.help}`,
    ...v.nodes.slice(0, 5).map((node) => `    ${node.replace(/\n/g, ' ')}`),
  ]);
  return `${where}:\n${lines.join('\n')}`;
}
