import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PoolConfig } from 'pg';

/**
 * The embedded default database: PGlite (real PostgreSQL compiled to WebAssembly) in this process,
 * served to the ordinary `pg` driver over a Unix socket, so that the same driver, the same TypeORM
 * code and the same migrations run on it.
 *
 * PGlite's socket server checks no password (it hands the start-up message to PGlite, which accepts
 * any user), so the socket is never on TCP: it lies in a directory only this OS user may enter (mode
 * 0700, owned by us), DATA_DIR/run, or, when that path is too long for a socket, a private directory
 * made by mkdtemp in the temporary directory and named in the lock file (mode 0600). PGlite's files
 * are in DATA_DIR/pglite, mode 0700 too, whatever DATA_DIR's own mode.
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

/** sun_path holds 108 bytes on Linux, 104 on macOS; the driver adds nothing to this path. */
const MAX_SOCKET_PATH = 100;
const SOCKET_NAME = '.s.PGSQL.5432';
/** A socket in the temporary directory is touched this often, so that no /tmp cleaner takes it away. */
const TOUCH_MS = 60 * 60 * 1000;

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
  let socket: SocketDir | undefined;
  try {
    socket = socketDir(dataDir);
    db = await PGlite.create({ dataDir: privateDir(join(dataDir, 'pglite')) });
    const socketPath = join(socket.dir, SOCKET_NAME);
    if (existsSync(socketPath)) rmSync(socketPath);
    server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 16 });
    await server.start();
    chmodSync(socketPath, 0o600);
    const info: LockInfo = { pid: process.pid, host: socket.dir, port: 5432, role };
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    const [s, d, dir] = [server, db, socket];
    const touch = dir.temporary ? setInterval(() => touchPath(dir.dir, socketPath), TOUCH_MS).unref() : undefined;
    return {
      connection: poolConfig(info),
      owner: true,
      stop: async () => {
        clearInterval(touch);
        await s.stop();
        await d.close();
        rmSync(lockFile, { force: true });
        dir.remove();
      },
    };
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    socket?.remove();
    closeSync(fd);
    rmSync(lockFile, { force: true });
    throw err;
  }
}

interface SocketDir {
  dir: string;
  /** True for a directory made in the temporary directory (DATA_DIR's path was too long). */
  temporary: boolean;
  remove(): void;
}

/**
 * Where the socket lives: a directory only this user may enter, so only this user (and root) can
 * connect. DATA_DIR/run when its socket path fits in sun_path, else a new private directory in the
 * temporary directory (whose path the lock file gives to the command line).
 */
function socketDir(dataDir: string): SocketDir {
  if (process.platform === 'win32') {
    throw new Error('The embedded database is served on a Unix socket, which Windows does not offer here: set DATABASE_URL to a PostgreSQL server');
  }
  const inData = join(dataDir, 'run');
  if (join(inData, SOCKET_NAME).length <= MAX_SOCKET_PATH) return { dir: privateDir(inData), temporary: false, remove: () => undefined };
  const base = [tmpdir(), '/tmp'].find((t) => join(t, 'gatehouse-db-XXXXXX', SOCKET_NAME).length <= MAX_SOCKET_PATH) ?? '/tmp';
  const dir = mkdtempSync(join(base, 'gatehouse-db-')); // created with mode 0700
  return { dir, temporary: true, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Makes `dir` (if needed) and makes sure only this user may enter it: a real directory, ours, mode 0700. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || (process.getuid !== undefined && st.uid !== process.getuid())) {
    throw new Error(`${dir} must be a directory owned by the user running Gatehouse (it is not): remove it and start again`);
  }
  chmodSync(dir, 0o700);
  return dir;
}

function touchPath(...paths: string[]): void {
  const now = new Date();
  for (const p of paths) {
    try {
      utimesSync(p, now, now);
    } catch {
      // Gone already: the command line cannot join any more, the server goes on.
    }
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
