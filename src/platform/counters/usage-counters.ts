import { Global, Injectable, Module } from '@nestjs/common';

/** What the overview counts that no table keeps: answered 429s, failed API-key and client authentications. */
export type CounterKind = 'rate_limited' | 'api_key_failed' | 'client_auth_failed';

const HOUR_MS = 3_600_000;

/**
 * Counters in memory, per kind and hour: `count()` is a Map update (no database write, no Date
 * made), so it may run on any request. The audit module's UsageAggregates drains them every
 * minute and at shutdown into the hourly `usage_counts` table (an upsert that adds, so every
 * instance flushes into the same rows).
 */
@Injectable()
export class UsageCounters {
  private counts = new Map<string, number>();

  count(kind: CounterKind, n = 1): void {
    const key = `${kind}|${Math.floor(Date.now() / HOUR_MS)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /** Everything counted since the last drain, as [kind, hour start, count]; the counters start again at zero. */
  drain(): [CounterKind, Date, number][] {
    const batch = this.counts;
    this.counts = new Map();
    return [...batch].map(([key, n]) => {
      const [kind, hour] = key.split('|');
      return [kind as CounterKind, new Date(Number(hour) * HOUR_MS), n];
    });
  }

  /** Puts a batch back after a failed write (added to what came in since). */
  restore(batch: readonly [CounterKind, Date, number][]): void {
    for (const [kind, hour, n] of batch) {
      const key = `${kind}|${hour.getTime() / HOUR_MS}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    }
  }
}

@Global()
@Module({ providers: [UsageCounters], exports: [UsageCounters] })
export class UsageCountersModule {}
