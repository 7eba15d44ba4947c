/**
 * Just enough OpenAPI 3.0 to check a real response body against the schema the document declares for
 * it: `$ref` to components, `allOf`/`oneOf`/`anyOf`, `nullable`, `enum`, the JSON types, the formats
 * Gatehouse uses (date-time, uuid, email, uri), `required`, `additionalProperties`, min/max.
 * In strict mode (the default) an object property the schema does not declare is a problem too, so a
 * field the server sends but the document does not describe cannot slip through.
 */

export interface Schema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
}

export interface MediaType {
  schema?: Schema;
}

export interface ResponseObject {
  description?: string;
  content?: Record<string, MediaType>;
}

export interface Operation {
  responses?: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  security?: Record<string, string[]>[];
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { type: string }> };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of the document, with its method and path template. */
export function operationsOf(doc: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** The response an operation declares for a status: the exact code, else `2XX`-style, else `default`. */
export function declaredResponse(doc: OpenApiDocument, method: string, path: string, status: number): ResponseObject | undefined {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op?.responses) return undefined;
  return op.responses[String(status)] ?? op.responses[`${Math.floor(status / 100)}XX`] ?? op.responses.default;
}

export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; s.$ref !== undefined; hops++) {
    const prefix = '#/components/schemas/';
    if (!s.$ref.startsWith(prefix) || hops > 20) throw new Error(`cannot resolve ${s.$ref}`);
    const target = doc.components?.schemas?.[s.$ref.slice(prefix.length)];
    if (!target) throw new Error(`${s.$ref} is not in components.schemas`);
    s = target;
  }
  return s;
}

export interface CheckOptions {
  /** An object property the schema does not declare is a problem (unless additionalProperties allows it). Default true. */
  strict?: boolean;
}

/** The problems of `value` against `schema` (none: it conforms), each naming where (`$.data[0].email`). */
export function schemaErrors(doc: OpenApiDocument, schema: Schema, value: unknown, opts: CheckOptions = {}, at = '$'): string[] {
  const strict = opts.strict ?? true;
  const s = resolve(doc, schema);
  if (value === null) {
    if (!s.nullable) return [`${at}: null, but the schema is not nullable`];
    // OpenAPI 3.0.3: nullable widens the type, not an enum.
    return s.enum && !s.enum.includes(null) ? [`${at}: null is not one of the enum ${JSON.stringify(s.enum)}`] : [];
  }
  const errors: string[] = [];
  if (s.allOf) {
    for (const part of s.allOf) errors.push(...schemaErrors(doc, part, value, { strict: false }, at));
    if (strict) errors.push(...undeclared(doc, [s, ...s.allOf], value, at));
  }
  if (s.oneOf) {
    const passing = s.oneOf.filter((part) => schemaErrors(doc, part, value, opts, at).length === 0).length;
    if (passing !== 1) errors.push(`${at}: matches ${passing} of the ${s.oneOf.length} oneOf schemas, not exactly one`);
  }
  if (s.anyOf && !s.anyOf.some((part) => schemaErrors(doc, part, value, opts, at).length === 0)) errors.push(`${at}: matches none of the anyOf schemas`);
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  const type = s.type ?? (s.properties ? 'object' : undefined);
  if (type === undefined) return errors;
  const typeError = wrongType(type, value);
  if (typeError) return [...errors, `${at}: ${typeError}`];
  if (typeof value === 'string') errors.push(...stringErrors(s, value, at));
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${at}: ${value} < minimum ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${at}: ${value} > maximum ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) errors.push(`${at}: more than ${s.maxItems} items`);
    if (s.items) value.forEach((item, i) => errors.push(...schemaErrors(doc, s.items!, item, opts, `${at}[${i}]`)));
  }
  if (type === 'object') errors.push(...objectErrors(doc, s, value as Record<string, unknown>, opts, at));
  return errors;
}

function wrongType(type: NonNullable<Schema['type']>, value: unknown): string | undefined {
  const ok =
    type === 'integer'
      ? Number.isInteger(value)
      : type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 'array'
          ? Array.isArray(value)
          : type === 'object'
            ? typeof value === 'object' && value !== null && !Array.isArray(value)
            : typeof value === type;
  return ok ? undefined : `expected ${type}, got ${Array.isArray(value) ? 'array' : typeof value} ${JSON.stringify(value)?.slice(0, 80)}`;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function stringErrors(s: Schema, value: string, at: string): string[] {
  const errors: string[] = [];
  if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
  if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
  const valid =
    s.format === 'date-time'
      ? DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
      : s.format === 'uuid'
        ? UUID.test(value)
        : s.format === 'email'
          ? value.includes('@') && !value.includes(' ')
          : s.format === 'uri'
            ? URL.canParse(value)
            : true;
  if (!valid) errors.push(`${at}: ${JSON.stringify(value)} is not a ${s.format}`);
  return errors;
}

function objectErrors(doc: OpenApiDocument, s: Schema, value: Record<string, unknown>, opts: CheckOptions, at: string): string[] {
  const errors: string[] = [];
  const keys = Object.keys(value);
  for (const name of s.required ?? []) if (!(name in value)) errors.push(`${at}: required property ${name} is missing`);
  if (s.minProperties !== undefined && keys.length < s.minProperties) errors.push(`${at}: fewer than ${s.minProperties} properties`);
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) errors.push(`${at}: more than ${s.maxProperties} properties`);
  for (const key of keys) {
    const declared = s.properties?.[key];
    if (declared) errors.push(...schemaErrors(doc, declared, value[key], opts, `${at}.${key}`));
    else if (typeof s.additionalProperties === 'object') errors.push(...schemaErrors(doc, s.additionalProperties, value[key], opts, `${at}.${key}`));
    else if (s.additionalProperties === false) errors.push(`${at}: property ${key} is not allowed (additionalProperties: false)`);
    else if ((opts.strict ?? true) && s.additionalProperties !== true && !s.allOf) errors.push(`${at}: property ${key} is not declared in the schema`);
  }
  return errors;
}

/** For allOf in strict mode: every property must be declared by one of the parts. */
function undeclared(doc: OpenApiDocument, parts: Schema[], value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const resolved = parts.map((p) => resolve(doc, p));
  if (resolved.some((p) => p.additionalProperties !== undefined && p.additionalProperties !== false)) return [];
  const known = new Set(resolved.flatMap((p) => Object.keys(p.properties ?? {})));
  return Object.keys(value)
    .filter((k) => !known.has(k))
    .map((k) => `${at}: property ${k} is not declared in the schema`);
}

/**
 * The problems of a real response against the operation's declared response: the status must be
 * declared; a body needs a declared media type with a schema it conforms to; no body, no content.
 */
export function responseErrors(
  doc: OpenApiDocument,
  method: string,
  path: string,
  res: { status: number; contentType: string | null; body: unknown; text: string },
): string[] {
  const where = `${method.toUpperCase()} ${path} ${res.status}`;
  const declared = declaredResponse(doc, method, path, res.status);
  if (!declared) return [`${where}: status not declared in the OpenAPI document`];
  if (res.text === '') return declared.content && res.status !== 204 ? [`${where}: empty body, but the document declares content`] : [];
  const mediaType = (res.contentType ?? '').split(';')[0].trim();
  const media = declared.content?.[mediaType];
  if (!media?.schema) return [`${where}: body of type ${mediaType || '(none)'} has no schema in the document`];
  return schemaErrors(doc, media.schema, res.body).map((e) => `${where}: ${e}`);
}
