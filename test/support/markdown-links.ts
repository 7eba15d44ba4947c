import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Checks that the repository's Markdown stands alone: every relative link, and every repository path
 * named in a code span, points at a file of this clone that exists (and a `#fragment` of a Markdown file
 * at one of its headings), and nothing refers to the contract folder that lived beside the repository.
 */

/** Folders that are not the repository's own text: installed, built or generated. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'coverage', 'artifacts', 'dist.build-lock']);

/** The files of the clone, relative to root (no symbolic links followed, no `data/`, no `.git`). */
export function repositoryFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && !SKIPPED.has(e.name) && !(dir === root && e.name === 'data')) walk(p);
      else if (e.isFile() && !SKIPPED.has(e.name)) files.push(relative(root, p));
    }
  };
  walk(root);
  return files.sort();
}

/** Every Markdown file of the clone, relative to root. */
export function markdownFiles(root: string): string[] {
  return repositoryFiles(root).filter((f) => f.toLowerCase().endsWith('.md'));
}

/** Text that names the contract folder once beside the repository, or this machine's work folders. */
export const OUTSIDE = /\.\.\/shared\b|\/work\/(shared|main|wt)\b/;

export interface Reference {
  kind: 'link' | 'path';
  target: string;
  line: number;
}

/** Links (inline, images, reference definitions, HTML href/src) and path-like code spans, outside code blocks. */
export function references(markdown: string): Reference[] {
  const found: Reference[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const line = i + 1;
    const f = /^\s*(```|~~~)/.exec(text);
    if (f && (!fence || f[1] === fence)) {
      fence = fence ? undefined : f[1];
      return;
    }
    if (fence) return;
    const spans: string[] = [];
    const prose = text.replace(/(`+)([\s\S]*?)\1/g, (_, _ticks: string, code: string) => {
      spans.push(code.trim());
      return '``';
    });
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ kind: 'link', target: m[1], line });
    for (const m of prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)) found.push({ kind: 'link', target: m[1], line });
    for (const m of prose.matchAll(/\b(?:href|src)\s*=\s*["']([^"']*)["']/gi)) found.push({ kind: 'link', target: m[1], line });
    for (const code of spans) if (looksLikePath(code)) found.push({ kind: 'path', target: code, line });
  });
  return found;
}

/** A code span naming a file or folder: `src/x.ts`, `./y`, `../z/`; not a glob, a placeholder, a URL route or a MIME type. */
function looksLikePath(code: string): boolean {
  return /^(\.{1,2}\/)?[\w.-]+(\/[\w.-]+)*\/?$/.test(code) && code.includes('/') && !code.includes('...');
}

/** GitHub's anchors for the headings of a Markdown text. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const text of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(text)) fence = !fence;
    const h = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!h) continue;
    const base = h[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** What is wrong with the references of one Markdown file (path relative to root); empty when all is well. */
export function problems(root: string, file: string, markdown: string): string[] {
  const out: string[] = [];
  const dir = dirname(resolve(root, file));
  if (OUTSIDE.test(markdown)) out.push(`${file}: mentions the contract folder outside the repository`);
  for (const { kind, target, line } of references(markdown)) {
    const where = `${file}:${line}: ${target}`;
    if (kind === 'link' && /^[a-z][a-z0-9+.-]*:/i.test(target)) {
      if (!/^(https?|mailto):/i.test(target)) out.push(`${where}: only http(s) and mailto links may leave the repository`);
      continue;
    }
    const [path, fragment] = target.split('#', 2) as [string, string | undefined];
    if (kind === 'path' && (isGenerated(path) || (!/^\.{1,2}\//.test(path) && !isRepositoryPath(root, path)))) continue;
    if (isAbsolute(path)) {
      out.push(`${where}: an absolute path; link relative to this file`);
      continue;
    }
    const base = kind === 'path' && !/^\.{1,2}\//.test(path) ? root : dir;
    const full = path ? resolve(base, decodeURIComponent(path)) : resolve(root, file);
    const rel = relative(root, full);
    if (rel.startsWith('..') || isAbsolute(rel)) out.push(`${where}: points outside the repository`);
    else if (!existsSync(full)) out.push(`${where}: no such file in the repository`);
    else if (fragment !== undefined && full.endsWith('.md') && statSync(full).isFile() && !anchors(readFileSync(full, 'utf8')).has(fragment)) {
      out.push(`${where}: ${rel.split(sep).join('/')} has no heading #${fragment}`);
    }
  }
  return out;
}

/** A code span that starts with one of the repository's own top-level folders or files (`src/...`, `docs/...`). */
function isRepositoryPath(root: string, path: string): boolean {
  const first = path.split('/')[0];
  return first !== '' && !isGenerated(path) && existsSync(join(root, first));
}

/** `dist/...`, `./data`: made by a build, a test run or the server, so absent from a fresh clone. */
function isGenerated(path: string): boolean {
  const first = path.replace(/^\.\//, '').split('/')[0];
  return SKIPPED.has(first) || first === 'data';
}
