/**
 * A passport strategy's own `authenticate()` run the way passport's middleware runs it: on a copy of
 * the strategy whose `success`, `fail` and `error` actions settle the answer. Differences from
 * passport.authenticate(): the strategy's verify callback is `verify`, which may answer synchronously
 * (a credential answered from memory costs no promise), and the answer is returned rather than written
 * to `req.user`.
 *
 * The copy is made once per strategy, not per request: `authenticate()` is synchronous up to the
 * verify step, so one call's outcome is read back before any other call can start. A verify step that
 * needs I/O hands back its promise, which is the answer; the strategy's callback is then not used.
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

const UNSETTLED = 0;
const SUCCESS = 1;
const FAILURE = 2;
const PENDING = 3;

/** Runs one strategy; `run(req)` answers the credential the strategy reads from `req`. */
export class StrategyRunner<T> {
  private readonly copy: { authenticate(req: object, options: object): void };
  private state = UNSETTLED;
  private value: T | Promise<T> | undefined;
  private failure: unknown;

  constructor(spec: StrategyRun<T>) {
    const copy = Object.create(spec.strategy) as Record<string, unknown> & { authenticate(req: object, options: object): void };
    copy[spec.verifyField] = (credential: string, done: Done<T>): void => {
      let answer: T | Promise<T>;
      try {
        answer = spec.verify(credential);
      } catch (err) {
        return done(err);
      }
      if (answer instanceof Promise) this.settle(PENDING, answer, undefined);
      else done(null, answer);
    };
    copy.success = (user: T): void => this.settle(SUCCESS, user, undefined);
    copy.fail = (challenge: unknown, status?: number): void => this.settle(FAILURE, undefined, spec.refuse(challenge, status));
    copy.error = (err: unknown): void => this.settle(FAILURE, undefined, err ?? new Error('the strategy failed'));
    copy.redirect = copy.pass = (): void => this.settle(FAILURE, undefined, new Error('a credential strategy may not redirect or pass'));
    this.copy = copy;
  }

  run(req: object): T | Promise<T> {
    this.state = UNSETTLED;
    this.value = undefined;
    this.failure = undefined;
    this.copy.authenticate(req, {});
    const { state, value, failure } = this;
    this.value = this.failure = undefined;
    if (state === SUCCESS || state === PENDING) return value as T | Promise<T>;
    if (state === FAILURE) throw failure;
    throw new Error('the strategy did not answer');
  }

  private settle(state: number, value: T | Promise<T> | undefined, failure: unknown): void {
    if (this.state !== UNSETTLED) return;
    this.state = state;
    this.value = value;
    this.failure = failure;
  }
}
