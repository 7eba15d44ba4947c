import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UsageCounters } from '../platform/counters/usage-counters.js';

export const USAGE_FLUSH_MS = 60_000;

/** Adds counts to the hourly rows of `usage_counts` (several instances add to the same row). */
export async function addUsageCounts(ds: DataSource, rows: readonly { hour: Date; kind: string; subject: string; count: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await ds.query(
    `INSERT INTO usage_counts (hour, kind, subject, count)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (hour, kind, subject) DO UPDATE SET count = usage_counts.count + EXCLUDED.count`,
    [rows.map((r) => r.hour.toISOString()), rows.map((r) => r.kind), rows.map((r) => r.subject), rows.map((r) => r.count)],
  );
}

/** Drains the in-memory UsageCounters into `usage_counts` every minute and at shutdown; a failed write keeps them for the next. */
@Injectable()
export class UsageAggregates implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageAggregates.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counters: UsageCounters,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), USAGE_FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.dataSource.isInitialized) await this.flush();
  }

  /** Writes what was counted; never rejects. */
  async flush(): Promise<void> {
    const batch = this.counters.drain();
    try {
      await addUsageCounts(
        this.dataSource,
        batch.map(([kind, hour, count]) => ({ hour, kind, subject: '', count })),
      );
    } catch (err) {
      this.counters.restore(batch);
      this.logger.warn(`could not write usage counts (kept for the next try): ${(err as Error).message}`);
    }
  }
}
