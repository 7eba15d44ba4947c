import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ROOT } from './support/build.js';
import { SECURITY_CHECKLIST } from './support/security-checklist.js';

/**
 * Every line of SECURITY-CHECKLIST.md has a test that names it: `[A1]`, `[F50]`... in the name given
 * to it(), test() or describe() (a comment does not count). Reads the test sources, runs nothing.
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

const ids = (name: string): string[] => [...name.matchAll(/\[([A-H]\d{1,2})\]/g)].map((m) => m[1]);

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

  it('has the 53 lines A1-H53, matching SECURITY-CHECKLIST.md where it is beside the repository', () => {
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
    ]);
    const shared = resolve(ROOT, '../shared/SECURITY-CHECKLIST.md');
    if (!existsSync(shared)) return; // a clone without the contract beside it: the copy above is the reference
    const lines = readFileSync(shared, 'utf8').split('\n');
    const fromFile: [string, string][] = [];
    let section = '';
    for (const line of lines) {
      const s = /^([A-H])\. /.exec(line);
      if (s) section = s[1];
      const l = /^(\d{1,2}) (.*)$/.exec(line);
      if (l && section) fromFile.push([`${section}${l[1]}`, l[2]]);
    }
    expect(fromFile).toEqual(SECURITY_CHECKLIST.map(([id, text]) => [id, text]));
  });

  it.each(SECURITY_CHECKLIST.map(([id, line]) => [id, line]))('[%s] has a test named after it: %s', (id) => {
    expect({ id, tests: named.get(id) ?? [] }).toEqual({ id, tests: expect.arrayContaining([expect.any(String)]) });
  });
});
