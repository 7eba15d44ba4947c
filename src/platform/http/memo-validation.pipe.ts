import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';

/** Distinct query strings remembered per DTO class; the least recently used one goes first. */
const PER_CLASS = 256;
/** Longer query strings are validated every time and not remembered. */
const MAX_KEY = 512;

type Flat = Record<string, unknown>;

/**
 * The global ValidationPipe, remembering the outcome for query-string DTOs. A whole `@Query()` DTO
 * (e.g. PageQuery on GET /v1/users?limit=1) is a pure function of the query string: class-transformer
 * then class-validator on the same input give the same instance every time, and they were measured
 * at about 8 % of the CPU of GET /v1/users. So a query that passed is remembered by its exact JSON
 * (per DTO class, bounded) and answered with a fresh copy of the instance. A query that fails is
 * never remembered (it fails the same way each time, through the normal path). Bodies and route
 * params are validated every time. Every validator used on query DTOs is pure (no custom or async
 * constraints); a DTO that held one could not be memoised this way. Enforced by
 * test/memo-validation-purity.e2e-spec.ts, which checks every whole `@Query()` DTO of every controller.
 */
export class MemoValidationPipe extends ValidationPipe {
  private readonly memo = new WeakMap<Type<unknown>, Map<string, Flat>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // @Caller() and other custom parameters are not validated (validateCustomDecorators is off): skip the walk.
    if (metadata.type === 'custom') return value;
    const metatype = metadata.metatype;
    if (metadata.type !== 'query' || metadata.data !== undefined || !metatype || value === null || typeof value !== 'object' || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    const key = JSON.stringify(value);
    if (key.length > MAX_KEY) return super.transform(value, metadata);
    let seen = this.memo.get(metatype);
    const hit = seen?.get(key);
    if (hit) {
      seen!.delete(key);
      seen!.set(key, hit);
      return copy(hit);
    }
    const result: unknown = await super.transform(value, metadata);
    if (isFlat(result)) {
      if (!seen) this.memo.set(metatype, (seen = new Map<string, Flat>()));
      if (seen.size >= PER_CLASS) seen.delete(seen.keys().next().value!);
      seen.set(key, copy(result));
    }
    return result;
  }
}

/** A DTO instance whose values are primitives, Dates or arrays of primitives: safe to copy field by field. */
function isFlat(v: unknown): v is Flat {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every(
    (x) => x === null || typeof x !== 'object' || x instanceof Date || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object')),
  );
}

/** Same class, own copies of every field (a handler may change what it was given). */
function copy(v: Flat): Flat {
  const out = Object.create(Object.getPrototypeOf(v) as object) as Flat;
  for (const [k, x] of Object.entries(v)) out[k] = x instanceof Date ? new Date(x.getTime()) : Array.isArray(x) ? [...(x as unknown[])] : x;
  return out;
}
