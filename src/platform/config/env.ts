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
