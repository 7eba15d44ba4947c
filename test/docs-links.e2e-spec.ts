import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/build.js';
import { anchors, markdownFiles, OUTSIDE, problems, references, repositoryFiles } from './support/markdown-links.js';

/**
 * The repository stands alone: no Markdown file links to, or names a path in, anything outside the
 * clone or missing from it. Reads files, runs nothing.
 */
describe('Markdown links and paths', () => {
  describe('the checker', () => {
    const outside = ['..', 'shared', 'contract.md'].join('/');
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'gatehouse-links-'));
      mkdirSync(join(root, 'docs'));
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'docs/guide.md'), '# The guide\n\n## Two words\n');
      writeFileSync(join(root, 'src/a.ts'), '');
      mkdirSync(join(root, 'node_modules/x'), { recursive: true });
      writeFileSync(join(root, 'node_modules/x/README.md'), `[out](${outside})`);
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const check = (text: string): string[] => problems(root, 'README.md', text);

    it('finds links, images, definitions, HTML and path-like code spans, not code blocks', () => {
      const text = [
        '[a](docs/guide.md) ![b](img.png "title") <a href="c.html">c</a>',
        '[d]: ./d.md',
        'run `src/a.ts` or `npm test`, `application/json`, `/v1/users`, `src/**/*.ts`, `docs/x.md`',
        '```sh',
        '[e](nope.md) `src/zz.ts`',
        '```',
      ].join('\n');
      expect(references(text).map((r) => [r.kind, r.target, r.line])).toEqual([
        ['link', 'docs/guide.md', 1],
        ['link', 'img.png', 1],
        ['link', 'c.html', 1],
        ['link', './d.md', 2],
        ['path', 'src/a.ts', 3],
        ['path', 'application/json', 3],
        ['path', 'docs/x.md', 3],
      ]);
    });

    it('accepts links to files of the repository, their headings, and the web', () => {
      expect(check('[g](docs/guide.md) [h](docs/guide.md#two-words) [w](https://www.rfc-editor.org/rfc/rfc6749) `src/a.ts` `docs/`')).toEqual([]);
    });

    it('refuses links and paths outside the repository, missing files and headings, and absolute paths', () => {
      expect(check(`[s](${outside})`)).toEqual([
        'README.md: mentions the contract folder outside the repository',
        `README.md:1: ${outside}: points outside the repository`,
      ]);
      expect(check('[x](docs/missing.md)')).toEqual(['README.md:1: docs/missing.md: no such file in the repository']);
      expect(check('see `src/gone.ts`')).toEqual(['README.md:1: src/gone.ts: no such file in the repository']);
      expect(check('see `../elsewhere/x.md`')).toEqual(['README.md:1: ../elsewhere/x.md: points outside the repository']);
      expect(check('[h](docs/guide.md#nowhere)')).toEqual(['README.md:1: docs/guide.md#nowhere: docs/guide.md has no heading #nowhere']);
      expect(check('[abs](/etc/passwd) [f](file:///etc/passwd)')).toEqual([
        'README.md:1: /etc/passwd: an absolute path; link relative to this file',
        'README.md:1: file:///etc/passwd: only http(s) and mailto links may leave the repository',
      ]);
      expect(check(`plain text naming ${outside}`)).toEqual(['README.md: mentions the contract folder outside the repository']);
    });

    it("makes GitHub's heading anchors", () => {
      expect([...anchors('# Where `Gatehouse` differs: from RFCs\n## A. Token endpoint\n## A. Token endpoint\n```\n# not a heading\n```')]).toEqual([
        'where-gatehouse-differs-from-rfcs',
        'a-token-endpoint',
        'a-token-endpoint-1',
      ]);
    });

    it('walks the Markdown files, not node_modules', () => {
      expect(markdownFiles(root)).toEqual([join('docs', 'guide.md')]);
      expect(repositoryFiles(root)).toEqual([join('docs', 'guide.md'), join('src', 'a.ts')]);
    });

    it('recognises mentions of folders outside the clone', () => {
      expect(
        [outside, ['', 'work', 'main', 'README.md'].join('/'), ['..', 'sharedness'].join('/'), 'shared/x', 'work/main'].map((t) => OUTSIDE.test(t)),
      ).toEqual([true, true, false, false, false]);
    });
  });

  const files = markdownFiles(ROOT);

  it('finds the Markdown of the repository', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', join('docs', 'security.md')]));
  });

  it.each(files)('%s points only at files of this repository', (file) => {
    expect(problems(ROOT, file, readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('has no file, Markdown or not, that refers to folders outside the clone', () => {
    const all = repositoryFiles(ROOT);
    expect(all).toEqual(expect.arrayContaining(['package.json', join('src', 'main.ts'), join('test', 'docs-links.e2e-spec.ts')]));
    const offending = all.filter((f) => OUTSIDE.test(readFileSync(join(ROOT, f), 'latin1')));
    expect(offending).toEqual([]);
  });
});
