import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './app.js';

/**
 * A PostgreSQL server of our own (initdb + pg_ctl on a free port), so a test can stop and start
 * the database under a running Gatehouse. Runs as the `postgres` user when the tests run as root.
 */
export interface ThrowawayPostgres {
  readonly url: string;
  stop(): void;
  start(): void;
  /** Freezes the server (SIGSTOP to every process of the cluster): connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  destroy(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error('PostgreSQL server binaries not found in /usr/lib/postgresql');
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version, 'bin');
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gh-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const pg = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, pg, gid);
    chmodSync(dir, 0o700);
  }
  const run = (cmd: string, args: string[]): void => {
    const full = join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
    else execFileSync(full, args, { stdio: 'pipe' });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = (): void => run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    pause: () => signalCluster(data, 'SIGSTOP'),
    resume: () => signalCluster(data, 'SIGCONT'),
    start,
    destroy: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends `signal` to the postmaster of the cluster in `data` and to all its children. */
function signalCluster(data: string, signal: NodeJS.Signals): void {
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number);
  for (const p of [pid, ...children]) process.kill(p, signal);
}
