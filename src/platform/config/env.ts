import { existsSync, readFileSync } from 'node:fs';

/** Environment variables as the configuration reads them. */
export type Env = Record<string, string | undefined>;

/** Reads `.env` in the working directory into the given environment, without overriding. */
export function readDotEnv(env: NodeJS.ProcessEnv = process.env, file = '.env'): void {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    // No lazy `(.*?)\s*$`: it backtracks quadratically on a long line of spaces; trim() does the same, linearly.
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2].trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    if (env[m[1]] === undefined) env[m[1]] = value;
  }
}

/** The process environment, with `.env` applied. The only place that touches process.env. */
export function processEnv(): Env {
  readDotEnv();
  return process.env;
}

/**
 * How every concern reads its variables: `str` (trimmed, blank = unset) and `int` (a whole number in
 * a range, else a problem and the fallback). Problems accumulate in reading order, so one
 * ConfigError names every bad value.
 */
export interface EnvReader {
  readonly str: (name: string) => string | undefined;
  readonly int: (name: string, fallback: number, min: number, max: number) => number;
  /** Records a problem; the configuration is refused once every concern has been read. */
  readonly problem: (message: string) => void;
  /** Problems so far, in the order they were found. */
  readonly problems: readonly string[];
}

export function envReader(env: Env): EnvReader {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const problem = (message: string): void => {
    problems.push(message);
  };
  return { str, int, problem, problems };
}
