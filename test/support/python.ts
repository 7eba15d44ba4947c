import { spawnSync } from 'node:child_process';

/**
 * Debian's Python with Debian's python3-authlib (and python3-requests): the interop suite's relying
 * party. Not the `python3` on PATH, which may be another installation without them.
 */
export const AUTHLIB_PYTHON = '/usr/bin/python3';
export const AUTHLIB_PACKAGES = ['python3-authlib', 'python3-requests'];

/** Why the Authlib suite cannot run here, or undefined when it can. */
export function authlibMissing(): string | undefined {
  const run = spawnSync(AUTHLIB_PYTHON, ['-c', 'import authlib, requests'], { encoding: 'utf8' });
  if (run.status === 0) return undefined;
  return `the Authlib interop suite needs ${AUTHLIB_PYTHON} with Debian's ${AUTHLIB_PACKAGES.join(' and ')}: sudo apt-get install -y --no-install-recommends ${AUTHLIB_PACKAGES.join(' ')}`;
}
