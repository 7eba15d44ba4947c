// `node scripts/check-layers.mjs` (part of `npm run lint`): draws the top-level folders of src/ from
// the relative imports of its .ts files (unit tests left out) and fails when
// - folders import each other in a cycle: each cycle is printed with its folders, one shortest loop,
//   and every edge inside it with an example import, fewest imports first (the cheapest to cut);
// - src/platform/ or src/auth/ imports a folder it must not (see scripts/layers.mjs).
// Per-import rules, unit tests included, are also the ESLint rule `layers/boundaries`.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { checkImport, folderCycles, folderGraph, RULES, resolveImport, SRC } from './layers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Repository-relative paths of the .ts files of src/, unit tests excepted, sorted. */
function sourceFiles() {
  return readdirSync(join(ROOT, SRC), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts'))
    .map((d) =>
      relative(ROOT, join(d.parentPath ?? d.path, d.name))
        .split(sep)
        .join('/'),
    )
    .sort();
}

/** Every relative import, re-export and dynamic import of a file, with its line. */
function importsOf(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const lineOf = (pos) => text.slice(0, pos).split('\n').length;
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((ref) => ({ from: file, to: resolveImport(file, ref.fileName), line: lineOf(ref.pos), specifier: ref.fileName }))
    .filter((imp) => imp.to !== null);
}

const say = (line) => process.stdout.write(`${line}\n`);
const where = (imp) => `${imp.from}:${imp.line} imports '${imp.specifier}'`;

const imports = sourceFiles().flatMap(importsOf);
const cycles = folderCycles(folderGraph(imports));
const outward = imports.map((imp) => ({ imp, broken: checkImport(imp.from, imp.to) })).filter((x) => x.broken && x.broken.rule !== RULES.internals);

for (const { folders, cycle, edges } of cycles) {
  say(`Folder cycle between ${folders.length} folders of src/: ${folders.join(', ')}`);
  say(`  for example ${[...cycle, cycle[0]].join(' -> ')}`);
  say('  imports inside it (cut one edge of each loop; fewest imports first):');
  for (const edge of edges) {
    say(`    ${edge.from} -> ${edge.to} (${edge.count} import${edge.count === 1 ? '' : 's'}), e.g. ${where(edge.example)}`);
  }
}
if (outward.length > 0) {
  say(`Imports out of src/platform/ or src/auth/ that the layers forbid (${outward.length}):`);
  for (const { imp, broken } of outward) say(`  ${where(imp)} [${broken.rule}]`);
  say('  src/platform/ imports only src/platform/; src/auth/ imports only src/auth/ and src/platform/.');
  say('  A feature plugs into them (implements their interface, registers under their token); they never import it.');
}
if (cycles.length > 0 || outward.length > 0) {
  say(`check-layers: ${cycles.length} folder cycle(s), ${outward.length} forbidden import(s) out of platform/auth.`);
  process.exit(1);
}
say('check-layers: no folder cycle in src/, no import out of src/platform/ or src/auth/.');
