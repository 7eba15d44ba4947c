/** The longest string kept in an audit event's details (redirect URIs, names, scopes). */
export const MAX_DETAIL_STRING = 512;
/** The most items kept of a list in an audit event's details. */
export const MAX_DETAIL_ITEMS = 20;
/** The most characters of JSON an event's details may take; past it, only a marker is kept. */
export const MAX_DETAILS_JSON = 8192;

/**
 * An event's details as stored: every string cut to MAX_DETAIL_STRING characters, every list to
 * MAX_DETAIL_ITEMS items (then a note of how many more), nesting to three levels, and the whole to
 * MAX_DETAILS_JSON characters of JSON. What a user typed can make an event no larger than that, so
 * the audit page (and its secret masking) works on bounded text.
 */
export function boundedDetails(details: Record<string, unknown>): string {
  const json = JSON.stringify(bound(details, 0) ?? {});
  return json.length <= MAX_DETAILS_JSON ? json : JSON.stringify({ truncated: true, size: json.length });
}

function bound(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length <= MAX_DETAIL_STRING ? value : `${value.slice(0, MAX_DETAIL_STRING)}… (${value.length} characters)`;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= 3) return '…';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_DETAIL_ITEMS).map((v) => bound(v, depth + 1));
    return value.length > MAX_DETAIL_ITEMS ? [...kept, `… ${value.length - MAX_DETAIL_ITEMS} more`] : kept;
  }
  const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_DETAIL_ITEMS);
  return Object.fromEntries(entries.map(([k, v]) => [k.slice(0, 64), bound(v, depth + 1)]));
}

/** Old events' camelCase keys with a different snake_case name today. */
const RENAMED: Readonly<Record<string, string>> = { grace_seconds: 'grace_period_seconds' };

/** A detail key in the one naming style of the trail, snake_case (`redirectUris` → `redirect_uris`), for events stored before it. */
export function snakeKey(key: string): string {
  const snake = key.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `_${c}`).toLowerCase();
  return Object.hasOwn(RENAMED, snake) ? RENAMED[snake] : snake;
}

/** A detail value as text: lists joined with ", ", objects as JSON. */
export function detailText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An event's details as [snake_case key, text] pairs, in stored order. */
export function detailPairs(details: Record<string, unknown> | null | undefined): [string, string][] {
  return Object.entries(details ?? {}).map(([k, v]) => [snakeKey(k), detailText(v)]);
}
