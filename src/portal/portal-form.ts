import type { FastifyRequest } from 'fastify';
import { validate } from 'class-validator';
import { FormBody } from '../platform/http/form.js';
import { fieldErrorsOf, ProblemCode, ProblemError, type FieldError } from '../platform/http/problem.js';

export type FormResult<S extends string, M extends string> =
  { ok: true; one: Record<S, string | undefined>; many: Record<M, string[]> } | { ok: false; message: string };

/**
 * The fields of a posted portal form. Refused (ok: false, for a 400 page) when the body is not a
 * form, holds a NUL, repeats a single-valued field, or carries a field the form does not have (so
 * nothing like `owner_id` or `client_id` can be slipped in). Empty single values read as undefined.
 */
export function readForm<S extends string, M extends string = never>(req: FastifyRequest, single: readonly S[], multi: readonly M[] = []): FormResult<S, M> {
  const form = req.body;
  if (!(form instanceof FormBody)) return { ok: false, message: 'This page accepts only its own form (application/x-www-form-urlencoded).' };
  if (form.hasNul()) return { ok: false, message: 'The form holds a NUL character, which no field may contain.' };
  const known = new Set<string>([...single, ...multi]);
  const unknown = form.names().filter((n) => !known.has(n));
  if (unknown.length) return { ok: false, message: `The form has a field it does not expect: ${unknown[0].slice(0, 40)}.` };
  const one = {} as Record<S, string | undefined>;
  for (const name of single) {
    const values = form.all(name);
    if (values.length > 1) return { ok: false, message: `The field ${name} was sent more than once.` };
    one[name] = values[0] === '' ? undefined : values[0];
  }
  const many = {} as Record<M, string[]>;
  for (const name of multi) many[name] = form.all(name);
  return { ok: true, one, many };
}

/**
 * One value per named field of a posted form (sign-in, sign-up, sign-out, admin actions): undefined
 * when the body is not a form, holds a NUL or repeats a field. Other fields are ignored; forms that
 * must refuse them use readForm.
 */
export function fields<K extends string>(req: FastifyRequest, names: readonly K[]): Record<K, string | undefined> | undefined {
  const form = req.body;
  if (!(form instanceof FormBody) || form.hasNul()) return undefined;
  const out = {} as Record<K, string | undefined>;
  for (const name of names) {
    const values = form.all(name);
    if (values.length > 1) return undefined;
    out[name] = values[0] === '' ? undefined : values[0];
  }
  return out;
}

/** Field errors keyed by field name, for rendering next to each field. */
export type FieldErrors = Partial<Record<string, string[]>>;

/** Errors by field (`redirect_uris.3` under `redirect_uris`), each message once. */
export function byField(errors: readonly FieldError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const list = (out[e.field.split('.')[0]] ??= []);
    if (!list.includes(e.message)) list.push(e.message);
  }
  return out;
}

/** Lines of a textarea: trimmed, blank lines dropped. */
export function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** A whole number as sent, or the raw string (so the DTO's own rule reports it). */
export function intOrRaw(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : value;
}

/**
 * Runs `action` only when the DTO passes the same class-validator rules the JSON API's global
 * ValidationPipe applies; a DTO failure or the service's own validation failure comes back as field
 * errors, anything else is thrown on. With a DTO failure, `rules` (the service's checks, run on the
 * same values) add their errors for the other fields, so one submit shows every problem.
 */
export async function validated<T>(
  dto: object,
  action: () => Promise<T>,
  rules: () => FieldError[] = () => [],
): Promise<{ ok: true; result: T } | { ok: false; errors: FieldErrors }> {
  const errors = fieldErrorsOf(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
  if (errors.length) {
    // All at once: the service's rules too, for the fields the DTO found nothing wrong with.
    const flagged = new Set(errors.map((e) => e.field.split('.')[0]));
    return { ok: false, errors: byField([...errors, ...rules().filter((e) => !flagged.has(e.field))]) };
  }
  try {
    return { ok: true, result: await action() };
  } catch (err) {
    if (err instanceof ProblemError && err.code === ProblemCode.ValidationFailed && err.errors) return { ok: false, errors: byField(err.errors) };
    throw err;
  }
}
