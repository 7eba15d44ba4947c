import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addUsageCounts } from '../audit/usage-aggregates.service.js';

const FLUSH_EVERY_MS = 5_000;
const MAX_PENDING = 50_000;

/**
 * `last_used_at` without a database write per request: uses are collected in memory (one entry per
 * key, the latest time) and written every few seconds, and at shutdown, with one UPDATE.
 */
@Injectable()
export class ApiKeyUsageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyUsageService.name);
  private pending = new Map<string, number>();
  /** Uses per key since the last flush (the overview's busiest keys), added to the hour's row of `usage_counts`. */
  private uses = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => this.logger.warn(`last_used_at flush failed: ${String(err)}`)), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch((err: unknown) => this.logger.warn(`last_used_at flush at shutdown failed: ${String(err)}`));
  }

  /** Records a use at `at` (ms since the epoch, or a Date; now by default). No Date is made per request: flush() makes them. */
  touch(keyId: string, at: number | Date = Date.now()): void {
    if (this.pending.size >= MAX_PENDING && !this.pending.has(keyId)) return; // bounded: a flush is due anyway
    this.pending.set(keyId, typeof at === 'number' ? at : at.getTime());
    this.uses.set(keyId, (this.uses.get(keyId) ?? 0) + 1);
  }

  /** Writes the collected uses; on failure they are kept for the next flush. */
  async flush(): Promise<number> {
    await this.flushUses();
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const times = ids.map((id) => new Date(batch.get(id)!).toISOString());
    try {
      await this.dataSource.query(
        `UPDATE api_keys AS k SET last_used_at = v.at
           FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
          WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)`,
        [ids, times],
      );
      return ids.length;
    } catch (err) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      throw err;
    }
  }

  /** Adds the uses counted since the last flush to this hour's `api_key_used` rows; kept for the next flush on failure. */
  private async flushUses(): Promise<void> {
    if (this.uses.size === 0) return;
    const batch = this.uses;
    this.uses = new Map();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    try {
      await addUsageCounts(
        this.dataSource,
        [...batch].map(([subject, count]) => ({ hour, kind: 'api_key_used', subject, count })),
      );
    } catch (err) {
      for (const [id, n] of batch) this.uses.set(id, (this.uses.get(id) ?? 0) + n);
      throw err;
    }
  }
}
