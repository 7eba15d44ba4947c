/**
 * A passport strategy's own `authenticate()` run the way passport's middleware runs it: on a
 * per-request copy of the strategy whose `success`, `fail` and `error` actions settle the answer. Two
 * differences from passport.authenticate(): the strategy's verify callback is `verify`, which may
 * answer synchronously (a credential answered from memory costs no promise), and the answer is
 * returned rather than written to `req.user`.
 */
type Done<T> = (err: unknown, user?: T | false) => void;

export interface StrategyRun<T> {
  /** The strategy instance (its `authenticate` reads the credential from the request). */
  readonly strategy: object;
  /** The property its `authenticate` calls as the verify callback (`_verify` for passport-http-bearer, `verify` for passport-headerapikey). */
  readonly verifyField: string;
  /** Verifies the credential the strategy extracted. */
  readonly verify: (credential: string) => T | Promise<T>;
  /** The error for passport's `fail()` (no credential, or the verify step found no user). */
  readonly refuse: (challenge: unknown, status?: number) => Error;
}

export function runStrategy<T>(run: StrategyRun<T>, req: object): T | Promise<T> {
  let settled = false;
  let value: T | undefined;
  let failure: unknown;
  let resolve: ((v: T) => void) | undefined;
  let reject: ((e: unknown) => void) | undefined;
  const settle = (v: T | undefined, e: unknown): void => {
    if (settled) return;
    settled = true;
    value = v;
    failure = e;
    if (e !== undefined) reject?.(e);
    else resolve?.(v as T);
  };
  const copy = Object.create(run.strategy) as Record<string, unknown> & { authenticate(req: object, options: object): void };
  copy[run.verifyField] = (credential: string, done: Done<T>): void => {
    let answer: T | Promise<T>;
    try {
      answer = run.verify(credential);
    } catch (err) {
      return done(err);
    }
    if (answer instanceof Promise)
      answer.then(
        (u) => done(null, u),
        (err: unknown) => done(err),
      );
    else done(null, answer);
  };
  copy.success = (user: T): void => settle(user, undefined);
  copy.fail = (challenge: unknown, status?: number): void => settle(undefined, run.refuse(challenge, status));
  copy.error = (err: unknown): void => settle(undefined, err ?? new Error('the strategy failed'));
  copy.redirect = copy.pass = (): void => settle(undefined, new Error('a credential strategy may not redirect or pass'));
  copy.authenticate(req, {});
  if (settled) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the strategy or verify step raised, as it is
    if (failure !== undefined) throw failure;
    return value as T;
  }
  return new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
}
