import { decodeCursor } from '../../platform/http/pagination.js';
import { isUuid } from '../../users/users.service.js';

/** A filter form's parsed values, or the field errors to show next to each field (the values typed are kept). */
export type Parsed<T> = { ok: true; value: T; raw: Record<string, string> } | { ok: false; errors: Record<string, string>; raw: Record<string, string> };

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const AUDIT_TYPE = /^[a-z_]{1,40}\.[a-z_]{1,60}$/;
/** `datetime-local` (2026-11-28T10:15, seconds optional), read as UTC, or a full ISO 8601 instant. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a page's query string: each name at most once (a repeated one is an error, never an
 * array), only the names listed, empty values are absent, and nothing longer than `max`.
 */
export function readQuery(query: unknown, names: readonly string[], max = 200): { raw: Record<string, string>; errors: Record<string, string> } {
  const raw: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(q, name)) continue;
    const v = q[name];
    if (typeof v !== 'string') {
      errors[name] = 'Give this field once.';
      continue;
    }
    const trimmed = v.trim();
    if (trimmed === '') continue;
    if (trimmed.length > max || trimmed.includes('\0')) {
      errors[name] = `At most ${max} characters.`;
      continue;
    }
    raw[name] = trimmed;
  }
  if (raw.cursor !== undefined && !CURSOR.test(raw.cursor)) errors.cursor = 'This page link is not valid: start again from the first page.';
  return { raw, errors };
}

export interface UsersQuery {
  q?: string;
  role?: 'admin' | 'developer';
  status?: 'active' | 'disabled' | 'invited';
  cursor?: string;
}

export function parseUsersQuery(query: unknown): Parsed<UsersQuery> {
  const { raw, errors } = readQuery(query, ['q', 'role', 'status', 'cursor']);
  if (raw.role !== undefined && raw.role !== 'admin' && raw.role !== 'developer') errors.role = 'Choose admin or developer.';
  if (raw.status !== undefined && !['active', 'disabled', 'invited'].includes(raw.status)) errors.status = 'Choose active, disabled or invited.';
  if (Object.keys(errors).length) return { ok: false, errors, raw };
  return { ok: true, raw, value: { q: raw.q, role: raw.role as UsersQuery['role'], status: raw.status as UsersQuery['status'], cursor: raw.cursor } };
}

export interface AuditQuery {
  type?: string;
  outcome?: 'success' | 'failure';
  /** Who acted: a user's email or id, or a client_id. */
  actor?: { userId: string } | { email: string } | { clientId: string };
  since?: Date;
  until?: Date;
  cursor?: string;
}

export function parseAuditQuery(query: unknown): Parsed<AuditQuery> {
  const { raw, errors } = readQuery(query, ['type', 'outcome', 'actor', 'since', 'until', 'cursor', 'before']);
  if (raw.before !== undefined && (!CURSOR.test(raw.before) || raw.cursor !== undefined || !validCursor(raw.before)))
    errors.before = 'This page link is not valid: start again from the first page.';
  if (raw.cursor !== undefined && !errors.cursor && !validCursor(raw.cursor)) errors.cursor = 'This page link is not valid: start again from the first page.';
  if (raw.type !== undefined && !AUDIT_TYPE.test(raw.type)) errors.type = 'An event type looks like auth.sign_in or api_key.revoked.';
  if (raw.outcome !== undefined && raw.outcome !== 'success' && raw.outcome !== 'failure') errors.outcome = 'Choose success or failure.';
  const since = raw.since === undefined ? undefined : parseTime(raw.since);
  const until = raw.until === undefined ? undefined : parseTime(raw.until);
  if (since === null) errors.since = 'Give a date and time, e.g. 2026-11-28T09:00 (UTC).';
  if (until === null) errors.until = 'Give a date and time, e.g. 2026-11-28T18:00 (UTC).';
  if (since && until && since >= until) errors.until = 'The end must come after the start.';
  if (Object.keys(errors).length) return { ok: false, errors, raw };
  let actor: AuditQuery['actor'];
  if (raw.actor !== undefined) {
    if (isUuid(raw.actor)) actor = { userId: raw.actor.toLowerCase() };
    else if (raw.actor.includes('@')) actor = { email: raw.actor.toLowerCase() };
    else actor = { clientId: raw.actor };
  }
  return {
    ok: true,
    raw,
    value: { type: raw.type, outcome: raw.outcome as AuditQuery['outcome'], actor, since: since ?? undefined, until: until ?? undefined, cursor: raw.cursor },
  };
}

/** A time from a form: UTC when it names no zone; null when it is not a real date. */
export function parseTime(value: string): Date | null {
  let text: string;
  if (LOCAL_TIME.test(value)) text = `${value}Z`;
  else if (ISO_TIME.test(value)) text = value;
  else return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return null;
  // 2026-02-31T00:00 would roll over to March: refuse it rather than search another day.
  if (LOCAL_TIME.test(value) && d.toISOString().slice(0, 10) !== value.slice(0, 10)) return null;
  return d;
}

/** `?a=1&b=2` of the values that are set (for "next page" links that keep the filters). */
export function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** "Next page" keeps the filters and carries the cursor; "First page" appears once past the first. */
export function pageLinks(
  path: string,
  kept: Record<string, string | undefined>,
  nextCursor: string | null,
  cursor: string | undefined,
): { next?: string; first?: string } {
  return {
    next: nextCursor ? `${path}${queryString({ ...kept, cursor: nextCursor })}` : undefined,
    first: cursor ? `${path}${queryString(kept)}` : undefined,
  };
}

/** The `done` flag of a list's URL (a key of ADMIN_NOTICES; anything else shows nothing). */
export function doneFlag(query: unknown): string | undefined {
  const done = query && typeof query === 'object' ? (query as Record<string, unknown>).done : undefined;
  return typeof done === 'string' ? done : undefined;
}

/** Whether a page cursor decodes (a bad one is a 400 page naming the field, not the API's problem). */
function validCursor(cursor: string): boolean {
  try {
    decodeCursor(cursor);
    return true;
  } catch {
    return false;
  }
}
