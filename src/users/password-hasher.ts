import { hash as hashOnPool, verify as verifyOnPool, type Options } from '@node-rs/argon2';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Niceness of the hashing threads (Linux; 0 = as the event loop, 19 = lowest). argon2id takes about
 * 8 to 25 ms of CPU per password; at equal priority, a few sign-ins in flight take most of a core
 * from the event loop, and every API request waits behind them. At 15 the event loop gets about 97 %
 * of a contended core (hashing still gets the rest, and all of it whenever the loop is idle).
 * Measured with `npm run bench` scenario 6 on one core (Bearer p99 while sign-ins run, against alone):
 * nice 10 gave 1.39 to 2.18 x over five runs, 15 gave 1.26 to 1.43 x over four, 19 gave 0.79 to
 * 1.15 x over four; sign-ins alone ran at raw argon2id speed at every setting. 19 was not taken:
 * under a saturated event loop it leaves hashing about 1.4 % of the core (2 sign-ins a second).
 */
export const HASHING_NICE = 15;

/**
 * An idle hashing thread exits after this long (a V8 isolate of its own is about 8 MB of resident
 * memory); the next sign-in starts one again, in a few milliseconds.
 */
export const IDLE_EXIT_MS = 5_000;

/**
 * The worker's code (CommonJS, run with `eval`, so it needs no file of its own next to the compiled
 * or the ts-jest sources). It lowers its own thread's priority (`/proc/thread-self` names the thread;
 * setpriority on a thread id applies to that thread only), then hashes and verifies synchronously:
 * each worker is one hashing thread.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, workerData.nice);
} catch {}
const argon2 = require(workerData.argon2);
parentPort.on('message', (m) => {
  try {
    const result = m.op === 'hash' ? argon2.hashSync(m.password, m.options) : argon2.verifySync(m.hash, m.password);
    parentPort.postMessage({ id: m.id, result });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

type Job = { op: 'hash'; password: string; options: Options } | { op: 'verify'; hash: string; password: string };
interface Pending {
  job: Job;
  resolve(value: string | boolean): void;
  reject(err: Error): void;
}

/**
 * argon2id (@node-rs/argon2) on a few worker threads of lower priority than the event loop: off the
 * event loop, as on libuv's thread pool, but without taking the loop's CPU while API requests wait.
 * One thread per core this process may run on (`os.availableParallelism()` follows the CPU
 * affinity, so a server pinned to one core hashes on one thread), at most 4; started on first use,
 * and gone again after IDLE_EXIT_MS without work.
 * Where worker threads cannot start, hashing falls back to libuv's pool.
 */
export class PasswordHasher {
  private readonly size = Math.max(1, Math.min(4, availableParallelism()));
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private started = 0;
  private broken = false;
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Threads that answered at least once: one that dies before its first answer cannot run here. */
  private readonly answered = new WeakSet<Worker>();

  hash(password: string, options: Options): Promise<string> {
    if (this.broken) return hashOnPool(password, options);
    return this.run({ op: 'hash', password, options }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    if (this.broken) return verifyOnPool(hash, password);
    return this.run({ op: 'verify', hash, password }) as Promise<boolean>;
  }

  private run(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? this.spawn();
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref(); // a job in flight keeps the process alive (e.g. the CLI awaiting a hash); an idle thread does not
      worker.postMessage({ id: this.nextId++, ...pending.job });
    }
  }

  private spawn(): Worker | undefined {
    if (this.started >= this.size) return undefined;
    let worker: Worker;
    try {
      const argon2 = createRequire(import.meta.url).resolve('@node-rs/argon2');
      worker = new Worker(WORKER, {
        eval: true,
        workerData: { argon2, nice: HASHING_NICE },
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      });
    } catch {
      this.fallBack();
      return undefined;
    }
    this.started++;
    worker.unref();
    worker.on('message', (m: { result?: string | boolean; error?: string }) => {
      this.answered.add(worker);
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref();
      this.scheduleIdleExit();
      if (pending) {
        if (m.error !== undefined) pending.reject(new Error(m.error));
        else pending.resolve(m.result!);
      }
      this.dispatch();
    });
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', () => this.lost(worker, new Error('password hashing thread exited')));
    return worker;
  }

  /** Once no job has come for IDLE_EXIT_MS, the idle threads exit (busy ones are left alone). */
  private scheduleIdleExit(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      for (const worker of this.idle.splice(0)) {
        this.started--;
        worker.removeAllListeners();
        void worker.terminate();
      }
    }, IDLE_EXIT_MS);
    this.idleTimer.unref();
  }

  /** A thread died: its job fails, and a new thread may start for the rest. */
  private lost(worker: Worker, err: Error): void {
    const pending = this.busy.get(worker);
    if (!this.busy.delete(worker) && !this.idle.includes(worker)) return;
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    this.started--;
    if (!this.answered.has(worker)) {
      // It never worked (e.g. the native module does not load in a worker): hash on libuv's pool instead.
      if (pending) this.queue.unshift(pending);
      this.fallBack();
      return;
    }
    pending?.reject(err);
    this.dispatch();
  }

  /** Worker threads are unavailable: everything queued goes to libuv's pool. */
  private fallBack(): void {
    this.broken = true;
    for (const p of this.queue.splice(0)) {
      const done = p.job.op === 'hash' ? hashOnPool(p.job.password, p.job.options) : verifyOnPool(p.job.hash, p.job.password);
      done.then(
        (v) => p.resolve(v),
        (e: Error) => p.reject(e),
      );
    }
  }
}
