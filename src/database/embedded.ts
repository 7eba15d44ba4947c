import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
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
}

const MAX_SOCKET_PATH = 100;

export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lockFile = join(dataDir, 'embedded.lock');
  const running = readLock(lockFile);
  if (running) {
    return { connection: poolConfig(running), owner: false, stop: async () => {} };
  }

  const fd = acquireLock(lockFile);
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
      ? { pid: process.pid, host: dataDir, port: 5432 }
      : { pid: process.pid, host: '127.0.0.1', port: Number(conn.split(':').pop()) };
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

/** The lock of a live process, or undefined (a stale lock of a dead process is removed). */
function readLock(lockFile: string): LockInfo | undefined {
  if (!existsSync(lockFile)) return undefined;
  try {
    const info = JSON.parse(readFileSync(lockFile, 'utf8')) as LockInfo;
    if (info.pid !== process.pid && isAlive(info.pid)) return info;
  } catch {
    // half-written or corrupt: treat as stale
  }
  rmSync(lockFile, { force: true });
  return undefined;
}

function acquireLock(lockFile: string): number {
  try {
    return openSync(lockFile, 'wx', 0o600);
  } catch {
    throw new Error(`The embedded database in ${lockFile} is being opened by another process; try again in a moment`);
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
