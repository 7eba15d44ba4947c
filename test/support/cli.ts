import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { runNode, type NodeRun } from './build.js';
import { TEST_MASTER_KEY } from './env.js';

/** The built operator CLI, as `npm run -s cli --` runs it. */
export const CLI_MAIN = resolve(process.cwd(), 'dist/src/cli/main.js');

/** Runs the CLI in an empty directory (no stray .env) with only the variables given; `input` goes to its stdin. */
export function cli(args: string[], env: Record<string, string>, input?: string): Promise<NodeRun> {
  return runNode([CLI_MAIN, ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', MASTER_KEY: TEST_MASTER_KEY, ...env },
    input,
  });
}

/** With --json, stdout is one JSON object on one line, nothing else. */
export function json(run: NodeRun): Record<string, unknown> {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout.endsWith('\n')).toBe(true);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  const value = JSON.parse(run.stdout) as unknown;
  expect(value).toEqual(expect.any(Object));
  return value as Record<string, unknown>;
}

/** A failure: the given status, nothing on stdout, one message (no stack trace) on stderr. */
export function failed(run: NodeRun, code: number, message: RegExp): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: '' });
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}
