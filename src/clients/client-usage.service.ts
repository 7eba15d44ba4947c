import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const FLUSH_EVERY_MS = 10_000;
/** A client's last use is written at most this often: a busy client costs one UPDATE a minute, not one per token. */
const AT_MOST_EVERY_MS = 60_000;
const MAX_PENDING = 50_000;

/**
 * `clients.last_used_at` (when an application last obtained a token) without a database write per
 * token: the token endpoint calls touch() (a Map write), and flush() writes the collected times every
 * few seconds and at shutdown, in one UPDATE, skipping a client written less than a minute ago.
 */
@Injectable()
export class ClientUsageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClientUsageService.name);
  private pending = new Map<string, number>();
  private readonly written = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.flush().catch((err: unknown) => this.logger.warn(`clients.last_used_at flush failed: ${String(err)}`)),
      FLUSH_EVERY_MS,
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch((err: unknown) => this.logger.warn(`clients.last_used_at flush at shutdown failed: ${String(err)}`));
  }

  /** Records that the client (its primary key) obtained a token now. */
  touch(clientPk: string, at: number = Date.now()): void {
    if (this.pending.size >= MAX_PENDING && !this.pending.has(clientPk)) return;
    this.pending.set(clientPk, at);
  }

  /** Writes the collected uses (each client at most once a minute); on failure they are kept for the next flush. */
  async flush(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    const due = [...batch].filter(([pk, at]) => at - (this.written.get(pk) ?? 0) >= AT_MOST_EVERY_MS);
    if (!due.length) return 0;
    try {
      await this.dataSource.query(
        `UPDATE clients AS c SET last_used_at = v.at
           FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
          WHERE c.id = v.id AND (c.last_used_at IS NULL OR c.last_used_at < v.at)`,
        [due.map(([pk]) => pk), due.map(([, at]) => new Date(at).toISOString())],
      );
      if (this.written.size > MAX_PENDING) this.written.clear();
      for (const [pk, at] of due) this.written.set(pk, at);
      return due.length;
    } catch (err) {
      for (const [pk, at] of batch) if (!this.pending.has(pk)) this.pending.set(pk, at);
      throw err;
    }
  }
}
