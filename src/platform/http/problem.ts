import type { ValidationError } from 'class-validator';
/**
 * RFC 9457 problem details for the management API. Domain errors carry a code (an enum) and are
 * mapped to HTTP here, at the edge; `errors` lists field problems for validation failures.
 */
export enum ProblemCode {
  BadRequest = 'bad_request',
  ValidationFailed = 'validation_failed',
  NotFound = 'not_found',
  Conflict = 'conflict',
  Forbidden = 'forbidden',
  Unauthorized = 'unauthorized',
  MethodNotAllowed = 'method_not_allowed',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  TooManyRequests = 'too_many_requests',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal_error',
}

const STATUS: Record<ProblemCode, number> = {
  [ProblemCode.BadRequest]: 400,
  [ProblemCode.ValidationFailed]: 400,
  [ProblemCode.Unauthorized]: 401,
  [ProblemCode.Forbidden]: 403,
  [ProblemCode.NotFound]: 404,
  [ProblemCode.MethodNotAllowed]: 405,
  [ProblemCode.Conflict]: 409,
  [ProblemCode.PayloadTooLarge]: 413,
  [ProblemCode.UnsupportedMediaType]: 415,
  [ProblemCode.TooManyRequests]: 429,
  [ProblemCode.Internal]: 500,
  [ProblemCode.ServiceUnavailable]: 503,
};

const TITLE: Record<ProblemCode, string> = {
  [ProblemCode.BadRequest]: 'Bad request',
  [ProblemCode.ValidationFailed]: 'The request is not valid',
  [ProblemCode.Unauthorized]: 'Authentication required',
  [ProblemCode.Forbidden]: 'Forbidden',
  [ProblemCode.NotFound]: 'Not found',
  [ProblemCode.MethodNotAllowed]: 'Method not allowed',
  [ProblemCode.Conflict]: 'Conflict',
  [ProblemCode.PayloadTooLarge]: 'Request body too large',
  [ProblemCode.UnsupportedMediaType]: 'Unsupported media type',
  [ProblemCode.TooManyRequests]: 'Too many requests',
  [ProblemCode.Internal]: 'Internal error',
  [ProblemCode.ServiceUnavailable]: 'Service unavailable',
};

export interface FieldError {
  field: string;
  message: string;
}

/** class-validator's errors as field errors, nested properties as `parent.child` (the global ValidationPipe and the portal's forms). */
export function fieldErrorsOf(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...fieldErrorsOf(e.children, field));
  }
  return out;
}

export class ProblemError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = STATUS[code];
  }

  static notFound(what: string): ProblemError {
    return new ProblemError(ProblemCode.NotFound, `${what} was not found`);
  }

  static badRequest(detail: string): ProblemError {
    return new ProblemError(ProblemCode.BadRequest, detail);
  }

  static validation(errors: FieldError[]): ProblemError {
    return new ProblemError(ProblemCode.ValidationFailed, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }

  static conflict(detail: string): ProblemError {
    return new ProblemError(ProblemCode.Conflict, detail);
  }

  static forbidden(detail: string): ProblemError {
    return new ProblemError(ProblemCode.Forbidden, detail);
  }

  body(instance: string): Record<string, unknown> {
    return {
      type: `urn:gatehouse:problem:${this.code}`,
      title: TITLE[this.code],
      status: this.status,
      detail: this.detail,
      instance,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}
