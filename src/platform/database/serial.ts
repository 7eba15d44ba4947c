import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';

/**
 * Runs transactions one at a time on the embedded database. PGlite is one PostgreSQL session
 * behind pglite-socket's multiplexer, and many concurrent transactions from several pool
 * connections were measured to stall it (20 parallel code exchanges hung; with this gate they
 * pass). PGlite runs one statement at a time anyway, so taking turns in-process costs no
 * throughput. With DATABASE_URL the gate is open and PostgreSQL's row locks do the work.
 */
@Injectable()
export class TransactionGate {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly enabled: boolean;

  constructor(@InjectConfig() config: AppConfig) {
    this.enabled = config.databaseUrl === undefined;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (!this.enabled) return task();
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
