import { buildProblems, devLogProblems, tscProblems } from './app-checks';
import { caseMismatch, explainImportCase, IMPORT_CASE_CODE } from './import-case';

const FILES = [
  'index.html',
  'src/main.tsx',
  'src/App.tsx',
  'src/components/Button.tsx',
  'src/Widgets/index.ts',
  'src/styles/App.module.css',
];

describe(caseMismatch.name, () => {
  it('names the file a relative import meant when only the letter case differs', () => {
    expect(caseMismatch('src/App.tsx', './components/button', FILES)).toEqual({
      importer: 'src/App.tsx',
      specifier: './components/button',
      file: 'src/components/Button.tsx',
    });
    expect(caseMismatch('src/components/Button.tsx', '../widgets', FILES)?.file).toBe(
      'src/Widgets/index.ts',
    );
    expect(caseMismatch('src/App.tsx', './styles/app.module.css', FILES)?.file).toBe(
      'src/styles/App.module.css',
    );
  });

  it('says nothing of an import that resolves, names no file, or is a package', () => {
    expect(caseMismatch('src/App.tsx', './components/Button', FILES)).toBeNull();
    expect(caseMismatch('src/App.tsx', './components/Missing', FILES)).toBeNull();
    expect(caseMismatch('src/App.tsx', 'React', FILES)).toBeNull();
  });
});

describe(explainImportCase.name, () => {
  const caseOf = (problems: ReturnType<typeof tscProblems>) =>
    explainImportCase(problems, FILES).map((problem) => ({
      code: problem.code,
      path: problem.path,
      message: problem.message,
    }));
  const expected = {
    code: IMPORT_CASE_CODE,
    path: 'src/App.tsx',
    message:
      'src/App.tsx imports "./components/button", but the file is src/components/Button.tsx: the letter case differs, and file names are case-sensitive here. Import "./components/Button".',
  };

  it("says so in place of Vite's dev server's unresolved import", () => {
    const problems = devLogProblems([
      {
        seq: 1,
        time: 0,
        stream: 'dev',
        text: '10:02:11 AM [vite] (client) Pre-transform error: Failed to resolve import "./components/button" from "src/App.tsx". Does the file exist?',
      },
    ]);
    expect(caseOf(problems)).toEqual([expected]);
  });

  it("says so in place of tsc's Cannot find module", () => {
    const problems = tscProblems(
      "src/App.tsx(1,20): error TS2307: Cannot find module './components/button' or its corresponding type declarations.\n",
    );
    expect(caseOf(problems)).toEqual([expected]);
    expect(explainImportCase(problems, FILES)[0]!.text).toMatch(/^src\/App\.tsx:1:20 - /);
  });

  it("says so in place of the build's unresolved import", () => {
    // Rolldown's words (vite 8), colour codes and all.
    const problems = buildProblems(
      [
        'vite v8.3.8 building client environment for production...',
        '\u001b[32m✓\u001b[39m 16 modules transformed.',
        '\u001b[31m✗\u001b[39m Build failed in 1.56s',
        'error during build:',
        'Build failed with 1 error:',
        '',
        "\u001b[31m[UNRESOLVED_IMPORT] Could not resolve './components/button' in src/App.tsx\u001b[39m",
        '   ╭─[ src/App.tsx:1:20 ]',
        '   │',
        ' 1 │ import Button from "./components/button";',
        '───╯',
        '',
      ].join('\n'),
    );
    expect(caseOf(problems)).toEqual([expected]);
    // Rollup's words (vite 7 and earlier), with a host path.
    const rollup = buildProblems(
      '[vite]: Rollup failed to resolve import "./components/button" from "/srv/forge/ws/p1/src/App.tsx".\nThis is most likely unintended because it can break your application at runtime.\n',
    );
    expect(caseOf(rollup)).toEqual([expected]);
  });

  it('leaves other errors as they were', () => {
    const problems = tscProblems(
      "src/App.tsx(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\nsrc/App.tsx(1,20): error TS2307: Cannot find module './components/Missing' or its corresponding type declarations.\n",
    );
    expect(explainImportCase(problems, FILES)).toEqual(problems);
  });
});
