/**
 * A structural check that a JavaScript regular expression runs in linear time on a backtracking
 * engine (V8's): a small parser for the syntax Gatehouse uses, and three rules that, together,
 * rule out super-linear backtracking. Sets of characters are compared on a sample alphabet (every
 * code unit below 0xA0 and a few past it), enough for the classes this code base writes.
 *
 * 1. No unbounded quantifier over a group that holds a variable-length part or an alternation
 *    (`(a+)+`, `(?:a|ab)*`): star height one.
 * 2. No unbounded item followed, possibly after items it could also match, by a variable item that
 *    can start with a character it matches (`\s*\s*`, `[^@]+\.[^@]+`, `\s*(.*?)`).
 * 3. A pattern not anchored at the start is tried at every position, so an unbounded item that
 *    something after it can make fail (`a+b`, `\s+$`) costs O(n) per position: quadratic. Allowed
 *    only behind a negative lookbehind `(?<![X])` where the first consumed character and that
 *    item's characters are all in X: then an attempt starts only where a run of X starts.
 */

const SAMPLE: string[] = [
  ...Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)),
  ...[0xa0, 0xe9, 0x1680, 0x2000, 0x200b, 0x2028, 0x3000, 0x4e2d, 0xfeff, 0xd800, 0xdc00].map((c) => String.fromCharCode(c)),
];

type CharSet = boolean[];
type Node = { kind: 'set'; chars: CharSet } | { kind: 'group'; alts: Item[][] } | { kind: 'assert'; lookbehindNot?: Item[][] } | { kind: 'backref' };
export interface Item {
  node: Node;
  min: number;
  max: number;
  source: string;
}

export function parseRegex(source: string, flags: string): Item[][] {
  const setFlags = flags.replace(/[gy]/g, '');
  let i = 0;
  const charsOf = (atom: string): CharSet => {
    const re = new RegExp(`^(?:${atom})$`, setFlags);
    return SAMPLE.map((c) => re.test(c));
  };
  const alternation = (): Item[][] => {
    const alts = [sequence()];
    while (source[i] === '|') {
      i++;
      alts.push(sequence());
    }
    return alts;
  };
  const sequence = (): Item[] => {
    const items: Item[] = [];
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const start = i;
      const node = atom();
      const [min, max] = quantifier();
      items.push({ node, min, max, source: source.slice(start, i) });
    }
    return items;
  };
  const atom = (): Node => {
    const c = source[i];
    if (c === '(') {
      const rest = source.slice(i);
      const prefix = /^\((\?:|\?=|\?!|\?<=|\?<!|\?<[A-Za-z_][A-Za-z0-9_]*>)?/.exec(rest)![0];
      i += prefix.length;
      const alts = alternation();
      if (source[i] !== ')') throw new Error(`unbalanced group in /${source}/`);
      i++;
      if (prefix === '(?<!') return { kind: 'assert', lookbehindNot: alts };
      if (prefix === '(?=' || prefix === '(?!' || prefix === '(?<=') return { kind: 'assert' };
      return { kind: 'group', alts };
    }
    if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      const text = source.slice(i, j + 1);
      i = j + 1;
      return { kind: 'set', chars: charsOf(text) };
    }
    if (c === '^' || c === '$') {
      i++;
      return { kind: 'assert' };
    }
    if (c === '\\') {
      const m = /^\\(?:[1-9]\d*|[bB]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|c[A-Za-z]|k<[^>]+>|[\s\S])/.exec(source.slice(i))![0];
      i += m.length;
      if (/^\\[1-9]|^\\k</.test(m)) return { kind: 'backref' };
      if (m === '\\b' || m === '\\B') return { kind: 'assert' };
      return { kind: 'set', chars: charsOf(m) };
    }
    i++;
    return { kind: 'set', chars: charsOf(c === '.' ? '.' : c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')) };
  };
  const quantifier = (): [number, number] => {
    const m = /^(?:\*|\+|\?|\{(\d+)(,(\d*))?\})\??/.exec(source.slice(i));
    if (!m) return [1, 1];
    i += m[0].length;
    if (m[0][0] === '*') return [0, Infinity];
    if (m[0][0] === '+') return [1, Infinity];
    if (m[0][0] === '?') return [0, 1];
    const min = Number(m[1]);
    return [min, m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])];
  };
  const alts = alternation();
  if (i !== source.length) throw new Error(`unparsed rest of /${source}/ at ${i}`);
  return alts;
}

const ALL: CharSet = SAMPLE.map(() => true);
const NONE: CharSet = SAMPLE.map(() => false);
const union = (a: CharSet, b: CharSet): CharSet => a.map((x, k) => x || b[k]);
const overlaps = (a: CharSet, b: CharSet): boolean => a.some((x, k) => x && b[k]);
const subset = (a: CharSet, b: CharSet): boolean => a.every((x, k) => !x || b[k]);

/** Every character an item may consume (over-approximated for groups). */
function chars(item: Item): CharSet {
  const n = item.node;
  if (n.kind === 'set') return n.chars;
  if (n.kind === 'backref') return ALL;
  if (n.kind === 'assert') return NONE;
  return n.alts.flat().reduce((acc, it) => union(acc, chars(it)), NONE);
}

/** The characters a sequence may start with. */
function firstChars(items: Item[]): CharSet {
  let acc = NONE;
  for (const it of items) {
    if (it.node.kind === 'assert') continue;
    acc = union(acc, it.node.kind === 'group' ? it.node.alts.reduce((a, alt) => union(a, firstChars(alt)), NONE) : chars(it));
    if (it.min > 0 && !(it.node.kind === 'group' && it.node.alts.some((alt) => alt.every((x) => x.min === 0 || x.node.kind === 'assert')))) break;
  }
  return acc;
}

/** The characters a sequence may end with. */
function lastChars(items: Item[]): CharSet {
  return firstChars(
    [...items].reverse().map((it) => (isGroup(it) ? { ...it, node: { kind: 'group', alts: it.node.alts.map((alt) => [...alt].reverse()) } } : it)),
  );
}

const isGroup = (it: Item): it is Item & { node: { kind: 'group'; alts: Item[][] } } => it.node.kind === 'group';
const unbounded = (it: Item): boolean => it.max === Infinity || (isGroup(it) && it.node.alts.flat().some(unbounded));
const variable = (it: Item): boolean => it.min !== it.max || (isGroup(it) && it.node.alts.some((alt) => alt.some(variable)));

function starHeight(alts: Item[][], out: string[]): void {
  for (const it of alts.flat()) {
    if (!isGroup(it)) continue;
    if (it.max === Infinity && (it.node.alts.length > 1 || it.node.alts.flat().some(variable))) out.push(`nested quantifier: ${it.source}`);
    starHeight(it.node.alts, out);
  }
}

function adjacency(alts: Item[][], out: string[]): void {
  for (const seq of alts) {
    seq.forEach((it, k) => {
      if (isGroup(it)) adjacency(it.node.alts, out);
      if (!unbounded(it)) return;
      for (const next of seq.slice(k + 1)) {
        if (next.node.kind === 'assert') continue;
        if (variable(next) && overlaps(isGroup(it) ? lastChars([it]) : chars(it), firstChars([next]))) {
          out.push(`overlapping quantifiers: ${it.source} then ${next.source}`);
          return;
        }
        if (variable(next) || !subset(chars(next), chars(it))) return;
      }
    });
  }
}

/** Every path through the top level with plain (unquantified) groups expanded into their alternatives. */
function paths(seq: Item[]): Item[][] {
  const k = seq.findIndex((it) => isGroup(it) && it.min === 1 && it.max === 1);
  if (k < 0) return [seq];
  const group = seq[k] as Item & { node: { kind: 'group'; alts: Item[][] } };
  return group.node.alts.flatMap((alt) => paths([...seq.slice(0, k), ...alt, ...seq.slice(k + 1)]));
}

function search(alts: Item[][], flags: string, out: string[]): void {
  for (const path of alts.flatMap(paths)) {
    if (flags.includes('y') || (path[0]?.node.kind === 'assert' && path[0].source === '^' && !flags.includes('m'))) continue;
    const guard = path[0]?.node.kind === 'assert' ? path[0].node.lookbehindNot : undefined;
    const guardSet = guard && guard.length === 1 && guard[0].length === 1 && guard[0][0].node.kind === 'set' ? guard[0][0].node.chars : undefined;
    const first = path.find((it) => it.node.kind !== 'assert');
    path.forEach((it, k) => {
      if (!unbounded(it)) return;
      const canFail = path.slice(k + 1).some((x) => x.min > 0 || x.node.kind === 'assert' || x.node.kind === 'backref');
      if (!canFail) return;
      const guarded = guardSet !== undefined && first !== undefined && subset(chars(first), guardSet) && subset(chars(it), guardSet);
      if (!guarded) out.push(`unanchored search retries ${it.source} at every position`);
    });
  }
}

/** The reasons a regular expression may backtrack super-linearly; empty when it cannot. */
export function superLinearReasons(re: RegExp): string[] {
  const alts = parseRegex(re.source, re.flags);
  const out: string[] = [];
  starHeight(alts, out);
  adjacency(alts, out);
  search(alts, re.flags, out);
  return out;
}
