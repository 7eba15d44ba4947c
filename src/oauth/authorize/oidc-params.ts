/**
 * The OpenID Connect parameters of an authorization request (Core 3.1.2.1) that Gatehouse acts on:
 * `nonce`, `prompt`, `max_age`, `login_hint`. Request objects and registration are refused with their
 * own error codes (Core 6.1, 6.2, 7.2.1), since Gatehouse supports none of them.
 */
export interface OidcParams {
  nonce: string | undefined;
  /** `none`, `login` and/or `consent`. */
  prompt: ReadonlySet<Prompt>;
  /** Seconds: re-authenticate when the sign-in is older. */
  maxAge: number | undefined;
  /** Prefills the sign-in form's email. */
  loginHint: string | undefined;
}

export type Prompt = 'none' | 'login' | 'consent';
const PROMPTS: readonly string[] = ['none', 'login', 'consent'];
export const MAX_NONCE = 512;
const MAX_LOGIN_HINT = 320;
/** max_age: whole seconds, at most ten digits. */
const SECONDS = /^\d{1,10}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what a hint may not hold
const CONTROL = /[\x00-\x1f\x7f]/;

export type OidcError = {
  error: 'invalid_request' | 'request_not_supported' | 'request_uri_not_supported' | 'registration_not_supported';
  description: string;
};

/** Reads the OpenID Connect parameters (each sent at most once: the caller checked); an error for a bad value. */
export function oidcParams(one: (name: string) => string | undefined): OidcParams | OidcError {
  if (one('request') !== undefined) return { error: 'request_not_supported', description: 'Request objects (the request parameter) are not supported' };
  if (one('request_uri') !== undefined) return { error: 'request_uri_not_supported', description: 'The request_uri parameter is not supported' };
  if (one('registration') !== undefined) return { error: 'registration_not_supported', description: 'The registration parameter is not supported' };
  const nonce = one('nonce') || undefined;
  if (nonce !== undefined && nonce.length > MAX_NONCE) return invalid(`The nonce is longer than ${MAX_NONCE} characters`);
  const prompt = promptOf(one('prompt'));
  if (!(prompt instanceof Set)) return prompt;
  const maxAgeParam = one('max_age');
  if (maxAgeParam !== undefined && !SECONDS.test(maxAgeParam)) return invalid('max_age must be a whole number of seconds (0 or more)');
  const hint = one('login_hint');
  const loginHint = hint && hint.length <= MAX_LOGIN_HINT && !CONTROL.test(hint) ? hint : undefined;
  return { nonce, prompt, maxAge: maxAgeParam === undefined ? undefined : Number(maxAgeParam), loginHint };
}

function promptOf(value: string | undefined): Set<Prompt> | OidcError {
  if (value === undefined || value === '') return new Set();
  const values = value.split(' ');
  const unknown = values.find((v) => !PROMPTS.includes(v));
  if (unknown !== undefined) return invalid(`The prompt value ${JSON.stringify(unknown.slice(0, 40))} is not supported: use none, login or consent`);
  const set = new Set(values as Prompt[]);
  if (set.has('none') && set.size > 1) return invalid('prompt=none cannot be combined with other prompt values');
  return set;
}

function invalid(description: string): OidcError {
  return { error: 'invalid_request', description };
}

/** True when the sign-in is older than max_age allows (Core 3.1.2.1), in whole seconds; max_age=0 always (as prompt=login). */
export function signInTooOld(signedInAt: Date, maxAge: number | undefined, now = Date.now()): boolean {
  return maxAge === 0 || (maxAge !== undefined && Math.floor((now - signedInAt.getTime()) / 1000) > maxAge);
}

/**
 * The request to come back to after a forced sign-in: without `login` in prompt, and without
 * max_age=0 (Keycloak's reading: the same as prompt=login), so that the fresh sign-in satisfies it
 * instead of asking again. A shorter max_age than the time the user takes to sign in is met as well,
 * since the new session starts when the password is accepted.
 */
export function afterSignIn(params: OidcParams): OidcParams {
  const prompt = new Set([...params.prompt].filter((p) => p !== 'login'));
  return { ...params, prompt, maxAge: params.maxAge === 0 ? undefined : params.maxAge };
}

/** Adds the parameters to a query being rebuilt (canonicalQuery). */
export function appendOidcParams(q: URLSearchParams, params: OidcParams): void {
  if (params.nonce !== undefined) q.set('nonce', params.nonce);
  if (params.prompt.size > 0) q.set('prompt', [...params.prompt].join(' '));
  if (params.maxAge !== undefined) q.set('max_age', String(params.maxAge));
  if (params.loginHint !== undefined) q.set('login_hint', params.loginHint);
}
