import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PoolConfig } from 'pg';

/**
 * The embedded default database: PGlite (real PostgreSQL compiled to WebAssembly) in this process,
 * served to the ordinary `pg` driver over a Unix socket in DATA_DIR (or loopback when the path is too
 * long), so that the same driver, the same TypeORM code and the same migrations run on it.
 *
 * PGlite's files can be opened by one process only. The process that opens them writes
 * DATA_DIR/embedded.lock with its pid and where it serves; another process (the command line while
 * the server runs) reads it and connects to that socket instead of opening the files a second time.
 */
export interface EmbeddedDatabase {
  readonly connection: PoolConfig;
  /** True when this process opened the files; false when it joined a running server. */
  readonly owner: boolean;
  stop(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  port: number;
  /** A server serves for as long as it runs; the command line only for one command. */
  role: EmbeddedRole;
}

export type EmbeddedRole = 'server' | 'cli';

/** How long to wait for a command line that holds the files, or for a lock being written. */
const WAIT_MS = 30_000;

const MAX_SOCKET_PATH = 100;

export async function startEmbeddedDatabase(dataDir: string, role: EmbeddedRole = 'server'): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lockFile = join(dataDir, 'embedded.lock');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const lock = readLock(lockFile);
    // Join a running server. A server never joins a command line (its socket ends with the command):
    // it waits for the command to finish, as does a second command line.
    if (lock.state === 'held' && lock.info.role === 'server') {
      return { connection: poolConfig(lock.info), owner: false, stop: async () => {} };
    }
    if (lock.state === 'free') {
      const fd = tryLock(lockFile);
      if (fd !== undefined) return openOwned(dataDir, lockFile, fd, role);
    }
    if (Date.now() > deadline) {
      throw new Error(`The embedded database in ${dataDir} is held by another process (see ${lockFile}); try again when it has finished`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openOwned(dataDir: string, lockFile: string, fd: number, role: EmbeddedRole): Promise<EmbeddedDatabase> {
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
    const socketPath = join(dataDir, '.s.PGSQL.5432');
    const useSocket = socketPath.length <= MAX_SOCKET_PATH && process.platform !== 'win32';
    if (useSocket && existsSync(socketPath)) rmSync(socketPath);
    server = useSocket
      ? new PGLiteSocketServer({ db, path: socketPath, maxConnections: 16 })
      : new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
    const conn = server.getServerConn();
    const info: LockInfo = useSocket
      ? { pid: process.pid, host: dataDir, port: 5432, role }
      : { pid: process.pid, host: '127.0.0.1', port: Number(conn.split(':').pop()), role };
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    const s = server;
    const d = db;
    return {
      connection: poolConfig(info),
      owner: true,
      stop: async () => {
        await s.stop();
        await d.close();
        rmSync(lockFile, { force: true });
      },
    };
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    closeSync(fd);
    rmSync(lockFile, { force: true });
    throw err;
  }
}

function poolConfig(info: LockInfo): PoolConfig {
  return { host: info.host, port: info.port, user: 'postgres', database: 'postgres', max: 8 };
}

type LockState = { state: 'free' } | { state: 'held'; info: LockInfo } | { state: 'busy' };

/**
 * Who holds the files. A lock being written (empty, young) is busy, not stale; the lock of a dead
 * process, or one that stayed unreadable for long, is removed.
 */
function readLock(lockFile: string): LockState {
  let stat;
  try {
    stat = statSync(lockFile);
  } catch {
    return { state: 'free' };
  }
  try {
    const info = JSON.parse(readFileSync(lockFile, 'utf8')) as LockInfo;
    if (info.pid !== process.pid && isAlive(info.pid)) return { state: 'held', info };
  } catch {
    if (Date.now() - stat.mtimeMs < WAIT_MS) return { state: 'busy' };
  }
  rmSync(lockFile, { force: true });
  return { state: 'free' };
}

function tryLock(lockFile: string): number | undefined {
  try {
    return openSync(lockFile, 'wx', 0o600);
  } catch {
    return undefined; // another process took it first
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
