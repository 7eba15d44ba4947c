import type { EnvReader } from './env.js';

/** BENCH_ROUTES. */
export interface BenchSettings {
  /** Adds the unauthenticated benchmark routes GET /v1/ping, /v1/users-open and /v1/data-open. Never in production. */
  readonly benchRoutes: boolean;
}

export function benchSettings({ str, problem }: EnvReader, production: boolean): BenchSettings {
  const benchRaw = str('BENCH_ROUTES') ?? 'false';
  if (!['true', 'false'].includes(benchRaw)) problem('BENCH_ROUTES must be true or false');
  if (benchRaw === 'true' && production) problem('BENCH_ROUTES=true opens unauthenticated routes and is refused in production');
  return { benchRoutes: benchRaw === 'true' };
}
