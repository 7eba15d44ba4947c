import type { Strategy } from 'passport';

export type StrategyOutcome<T> = { ok: true; user: T } | { ok: false; challenge: string | number | undefined };

/**
 * Runs a passport strategy on a request without passport's middleware (and without Nest's
 * AuthGuard, which drops the strategy's challenge): the outcome comes back as a value, so the
 * guard can shape RFC 6750 errors itself. Errors thrown by `validate()` are rejected as they are.
 */
export function runStrategy<T>(strategy: Strategy, req: object): Promise<StrategyOutcome<T>> {
  return new Promise((resolve, reject) => {
    const s = Object.create(strategy) as Strategy & {
      success(user: T): void;
      fail(challenge?: string | number, status?: number): void;
      error(err: unknown): void;
      pass(): void;
      redirect(): void;
    };
    s.success = (user) => resolve({ ok: true, user });
    s.fail = (challenge) => resolve({ ok: false, challenge });
    s.error = (err) => reject(err instanceof Error ? err : new Error(String(err)));
    s.pass = () => resolve({ ok: false, challenge: undefined });
    s.redirect = () => resolve({ ok: false, challenge: undefined });
    (s.authenticate as (req: unknown, options: object) => void).call(s, req, {});
  });
}
