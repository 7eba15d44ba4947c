import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './support/build.js';
import { SECURITY_CHECKLIST } from './support/security-checklist.js';

/**
 * Every security property (`test/support/security-checklist.ts`) has a test that names it: `[A1]`,
 * `[F50]`... in the name given to it(), test() or describe() (a comment does not count), and an entry
 * in docs/security.md with the same title that names only suites holding such a test. Reads the test
 * sources and the document, runs nothing.
 */

/** Test files: test/**\/*.ts and the unit specs beside the code. */
function testSources(): { file: string; text: string }[] {
  const files: string[] = [];
  const walk = (dir: string, keep: (f: string) => boolean): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, keep);
      else if (keep(p)) files.push(p);
    }
  };
  walk(join(ROOT, 'test'), (f) => /\.(e2e-)?spec\.ts$/.test(f) && !f.endsWith('checklist.e2e-spec.ts'));
  walk(join(ROOT, 'src'), (f) => f.endsWith('.spec.ts'));
  return files.map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
}

/** The names given to it/test/describe (and their .each/.only forms) in a source, comments removed. */
export function testNames(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const names: string[] = [];
  const call = /(?:\b(?:it|test|describe)(?:\.\w+)?|\))\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (let m = call.exec(code); m; m = call.exec(code)) names.push(m[2]);
  return names;
}

const ids = (name: string): string[] => [...name.matchAll(/\[([A-I]\d{1,2})\]/g)].map((m) => m[1]);

describe('security checklist coverage', () => {
  const sources = testSources();
  const named = new Map<string, string[]>();
  for (const { file, text } of sources) {
    for (const name of testNames(text)) for (const id of ids(name)) named.set(id, [...(named.get(id) ?? []), `${file}: ${name}`]);
  }

  it('reads test names, not comments or other strings', () => {
    const sample = [
      "// it('commented out [A1]')",
      "/* describe('in a block comment [A2]') */",
      "it('a real test [A3]', () => {});",
      "it.each([['x', f(1)]])('a table test %s [A4]', () => {});",
      'describe(\n  "wrapped [A5] [B26]",\n  () => {},\n);',
      "const note = 'just a string [A6]';",
    ].join('\n');
    expect(testNames(sample).flatMap(ids)).toEqual(['A3', 'A4', 'A5', 'B26']);
  });

  it('finds the test sources', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it('has the 57 properties A1-I57', () => {
    expect(SECURITY_CHECKLIST.map(([id]) => id)).toEqual([
      ...Array.from({ length: 25 }, (_, i) => `A${i + 1}`),
      ...Array.from({ length: 11 }, (_, i) => `B${i + 26}`),
      ...Array.from({ length: 6 }, (_, i) => `C${i + 37}`),
      ...Array.from({ length: 4 }, (_, i) => `D${i + 43}`),
      'E47',
      'E48',
      'F49',
      'F50',
      'G51',
      'H52',
      'H53',
      'I54',
      'I55',
      'I56',
      'I57',
    ]);
  });

  it.each(SECURITY_CHECKLIST.map(([id, title]) => [id, title]))('[%s] has a test named after it: %s', (id) => {
    expect({ id, tests: named.get(id) ?? [] }).toEqual({ id, tests: expect.arrayContaining([expect.any(String)]) });
  });

  describe('docs/security.md', () => {
    const entries = securityEntries(readFileSync(join(ROOT, 'docs/security.md'), 'utf8'));

    it('reads entries, their titles and the suites they name', () => {
      const sample = [
        '# T',
        '',
        '- **[A1] First.** Text `src/x.ts`.',
        '  Tested in `test/a.e2e-spec.ts`, `src/b.spec.ts`.',
        '- **[B26] Second.**',
        '',
        'prose',
      ];
      expect(securityEntries(sample.join('\n'))).toEqual([
        { id: 'A1', title: 'First', suites: ['test/a.e2e-spec.ts', 'src/b.spec.ts'] },
        { id: 'B26', title: 'Second', suites: [] },
      ]);
    });

    it('has one entry per property, in order, and nothing else', () => {
      expect(entries.map((e) => e.id)).toEqual(SECURITY_CHECKLIST.map(([id]) => id));
    });

    it.each(SECURITY_CHECKLIST.map(([id, title]) => [id, title]))('[%s] has an entry titled "%s" naming the suites that test it', (id, title) => {
      const entry = entries.find((e) => e.id === id);
      expect({ id, title: entry?.title }).toEqual({ id, title });
      expect(entry?.suites.length).toBeGreaterThan(0);
      const testedIn = new Set((named.get(id) ?? []).map((t) => t.slice(0, t.indexOf(': '))));
      expect({ id, suitesWithoutSuchTest: entry?.suites.filter((s) => !testedIn.has(s)) }).toEqual({ id, suitesWithoutSuchTest: [] });
    });
  });
});

/** The entries of docs/security.md: `- **[A1] Title.** text`, then lines up to the next entry or heading. */
export function securityEntries(markdown: string): { id: string; title: string; suites: string[] }[] {
  const entries: { id: string; title: string; suites: string[] }[] = [];
  let text: string[] | undefined;
  const close = (): void => {
    if (!text) return;
    const m = /^- \*\*\[([A-I]\d{1,2})\] ([\s\S]+?)\.\*\*/.exec(text.join(' '))!;
    const tested = /Tested in (.*)$/.exec(text.join(' '))?.[1] ?? '';
    entries.push({ id: m[1], title: m[2], suites: [...tested.matchAll(/`([^`]+[.-]spec\.ts)`/g)].map((s) => s[1]) });
    text = undefined;
  };
  for (const line of markdown.split('\n')) {
    if (/^- \*\*\[[A-I]\d/.test(line) || /^(#|\S)/.test(line)) close();
    if (/^- \*\*\[[A-I]\d/.test(line)) text = [line];
    else if (text && line.trim()) text.push(line.trim());
  }
  close();
  return entries;
}
