// The layers of src/ (issue 14), as pure functions on repository-relative POSIX paths
// ('src/oauth/token.service.ts'). Used by the ESLint rule in eslint-rules/boundaries.js (one import
// at a time) and by scripts/check-layers.mjs (the folder graph and its cycles); tested in
// test/layers.e2e-spec.ts.
//
// - src/platform/ imports no other folder of src/ (only platform files and packages);
// - src/auth/, the auth core, imports only src/auth/ and src/platform/;
// - a feature's nested folders (src/oauth/store/, src/portal/admin/, ...) are its internals: only
//   files inside that feature import them;
// - the top-level folders of src/ form no import cycle.
// The files directly in src/ (app.module.ts, main.ts, ...) are the composition root: they may
// import anything, and are no folder of the graph.

import { posix } from 'node:path';

export const SRC = 'src';
export const PLATFORM = 'platform';
export const AUTH = 'auth';

/** Rule names, as the messages and the check script print them. */
export const RULES = Object.freeze({
  platform: 'platform-imports-no-feature',
  auth: 'auth-core-imports-no-feature',
  internals: 'no-feature-internals',
});

/**
 * Where a repository-relative path sits: `folder` is its top-level folder under src/ (null for a
 * file directly in src/), `sub` the nested folder below it (null when there is none).
 * Null for a path outside src/.
 * @param {string} file
 * @returns {{ folder: string | null, sub: string | null } | null}
 */
export function placeOf(file) {
  const parts = posix.normalize(file).split('/');
  if (parts[0] !== SRC || parts.length < 2) return null;
  if (parts.length === 2) return { folder: null, sub: null };
  return { folder: parts[1], sub: parts.length > 3 ? parts[2] : null };
}

/** Whether a top-level folder of src/ is a feature (anything but the platform and the auth core). */
export function isFeature(folder) {
  return folder !== PLATFORM && folder !== AUTH;
}

/**
 * The repository-relative file a relative import specifier names, or null for a package import.
 * The extension is kept as written ('.js' for a '.ts' source): the rules look at folders only.
 * @param {string} fromFile repository-relative path of the importing file
 * @param {string} specifier as written in the import
 * @returns {string | null}
 */
export function resolveImport(fromFile, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  return posix.normalize(posix.join(posix.dirname(fromFile), specifier));
}

/** How the target of a broken rule is named in a message: `src/oauth/` or `src/app.module.ts`. */
function describeTarget(target, place) {
  return place.folder === null ? target : `${SRC}/${place.folder}/`;
}

/**
 * The layer rule an import from `fromFile` to `toFile` (both repository-relative) breaks, or null.
 * Imports that leave src/ (test/support, migrations/) are not the layers' business.
 * @param {string} fromFile
 * @param {string} toFile
 * @returns {{ rule: string, message: string } | null}
 */
export function checkImport(fromFile, toFile) {
  const from = placeOf(fromFile);
  const to = placeOf(toFile);
  if (from === null || to === null || from.folder === null) return null;
  if (from.folder === to.folder) return null;
  if (from.folder === PLATFORM) {
    return {
      rule: RULES.platform,
      message:
        `${RULES.platform}: src/platform/ imports nothing from another folder of src/, and this resolves to ${describeTarget(toFile, to)}. ` +
        'Move what platform needs into src/platform/, or invert the dependency: platform declares an interface or an injection token and the feature provides it.',
    };
  }
  if (from.folder === AUTH && to.folder !== PLATFORM) {
    return {
      rule: RULES.auth,
      message:
        `${RULES.auth}: src/auth/ (the auth core) imports only src/auth/ and src/platform/, and this resolves to ${describeTarget(toFile, to)}. ` +
        'Let the feature plug into auth instead: it implements an interface of src/auth/ and registers under its token (as grants do with GRANT_HANDLERS).',
    };
  }
  if (to.folder !== null && to.sub !== null && isFeature(to.folder)) {
    return {
      rule: RULES.internals,
      message:
        `${RULES.internals}: src/${to.folder}/${to.sub}/ is internal to the ${to.folder} feature; only files in src/${to.folder}/ import it. ` +
        `Import what you need from a file directly in src/${to.folder}/ (export it there, or move it there).`,
    };
  }
  return null;
}

/**
 * The folder graph: one node per top-level folder of src/, an edge A -> B when a file of A imports a
 * file of B. Root files of src/ and imports leaving src/ are left out.
 * @param {{ from: string, to: string, line?: number, specifier?: string }[]} imports resolved imports, repository-relative
 * @returns {Map<string, Map<string, { count: number, example: { from: string, to: string, line?: number, specifier?: string } }>>}
 */
export function folderGraph(imports) {
  /** @type {Map<string, Map<string, { count: number, example: any }>>} */
  const graph = new Map();
  const node = (folder) => {
    if (!graph.has(folder)) graph.set(folder, new Map());
    return graph.get(folder);
  };
  for (const imp of imports) {
    const from = placeOf(imp.from);
    const to = placeOf(imp.to);
    if (from === null || to === null || from.folder === null || to.folder === null) continue;
    node(from.folder);
    node(to.folder);
    if (from.folder === to.folder) continue;
    const edges = node(from.folder);
    const edge = edges.get(to.folder);
    if (edge) edge.count += 1;
    else edges.set(to.folder, { count: 1, example: imp });
  }
  return graph;
}

/**
 * Tarjan's strongly connected components, iteratively (no recursion limit), in a stable order.
 * @param {Map<string, Iterable<string>>} successors every node as a key
 * @returns {string[][]} each component's nodes, sorted; components in the order Tarjan closes them
 */
export function stronglyConnectedComponents(successors) {
  let counter = 0;
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {string[]} */ const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */ const components = [];
  const nexts = (v) => [...(successors.get(v) ?? [])].sort();

  for (const root of [...successors.keys()].sort()) {
    if (index.has(root)) continue;
    /** @type {{ v: string, next: string[], i: number }[]} */
    const work = [];
    const open = (v) => {
      index.set(v, counter);
      low.set(v, counter);
      counter += 1;
      stack.push(v);
      onStack.add(v);
      work.push({ v, next: nexts(v), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.i < frame.next.length) {
        const w = frame.next[frame.i++];
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent), low.get(frame.v)));
      }
      if (low.get(frame.v) === index.get(frame.v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.v);
        components.push(component.sort());
      }
    }
  }
  return components;
}

/**
 * A shortest cycle through `start` inside one component (breadth-first), as the list of its nodes
 * with `start` first and not repeated at the end.
 * @param {Map<string, Map<string, unknown>>} graph
 * @param {string[]} component
 * @param {string} start
 * @returns {string[]}
 */
export function shortestCycle(graph, component, start) {
  const inside = new Set(component);
  const parent = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [];
        for (let x = v; x !== null; x = parent.get(x)) path.unshift(x);
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/**
 * The folder cycles: each strongly connected component of more than one folder, with the edges
 * inside it (fewest imports first: the cheapest to cut) and one shortest cycle as an illustration.
 * @param {ReturnType<typeof folderGraph>} graph
 */
export function folderCycles(graph) {
  const successors = new Map([...graph].map(([v, edges]) => [v, edges.keys()]));
  return stronglyConnectedComponents(successors)
    .filter((component) => component.length > 1)
    .map((folders) => {
      const inside = new Set(folders);
      const edges = folders
        .flatMap((from) => [...graph.get(from)].filter(([to]) => inside.has(to)).map(([to, edge]) => ({ from, to, ...edge })))
        .sort((a, b) => a.count - b.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
      return { folders, cycle: shortestCycle(graph, folders, folders[0]), edges };
    });
}
