import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';

export type ChangeHandler = (payload: string) => void;

const CHANNEL = /^[a-z][a-z0-9_]{0,62}$/;
const RESET = '\0reset';
const MAX_BACKOFF_MS = 10_000;
/** A silent network failure would otherwise go unseen: the listening connection is probed this often. */
const HEARTBEAT_MS = 5_000;

/**
 * Tells every instance that something changed (a key revoked, a client disabled), so each can drop
 * what it cached. With DATABASE_URL: PostgreSQL LISTEN/NOTIFY on a dedicated connection. With the
 * embedded PGlite there is one server process, so an in-process emitter is enough (the command line
 * can still write: caches that rely on this bus keep a short TTL as a safety net).
 *
 * The publisher's own subscribers are told at once, in process; the others when PostgreSQL delivers.
 * While the listening connection is down, `live` is false (caches must not be trusted) and, once it
 * is back, subscribers of `onReset` are told that notifications may have been missed.
 */
@Injectable()
export class ChangeBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChangeBus.name);
  private readonly local = new EventEmitter().setMaxListeners(100);
  private readonly channels = new Set<string>();
  private client: pg.Client | undefined;
  private connected = false;
  private stopped = false;
  private backoff = 500;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Bumped on every change told to this process (and on every reset): see `epoch`. */
  private changes = 0;
  /** Queries on the listening connection, one at a time (pg deprecates overlapping queries on one client). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** True when every change published anywhere reaches this process. */
  get live(): boolean {
    return this.config.databaseUrl === undefined || this.connected;
  }

  /**
   * A number that changes whenever anything was published, delivered or reset on this bus: a memo
   * of answers that depend on any cached fact (AuthMemo) is valid only while the epoch it was made
   * in lasts. Changes are rare, so forgetting everything on each one costs nothing that matters.
   */
  get epoch(): number {
    return this.changes;
  }

  /** True when only this process can publish (embedded database): notifications cannot cross processes. */
  get inProcessOnly(): boolean {
    return this.config.databaseUrl === undefined;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.databaseUrl) await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const c = this.client;
    this.client = undefined;
    this.connected = false;
    await c?.end().catch(() => undefined);
  }

  subscribe(channel: string, handler: ChangeHandler): void {
    assertChannel(channel);
    this.local.on(channel, handler);
    if (!this.channels.has(channel)) {
      this.channels.add(channel);
      const client = this.client;
      if (this.connected && client) this.serial(client, `LISTEN ${channel}`).catch((err: unknown) => this.client === client && this.lost(err));
    }
  }

  /** Called when the listening connection came back: changes may have been missed meanwhile. */
  onReset(handler: () => void): void {
    this.local.on(RESET, handler);
  }

  /** Tells every instance (this one at once). Call after the change is committed. */
  async publish(channel: string, payload: string): Promise<void> {
    assertChannel(channel);
    this.tell(channel, payload);
    if (this.config.databaseUrl) await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Every delivery, local or from PostgreSQL, and every reset: the epoch first, then the subscribers. */
  private tell(channel: string, payload?: string): void {
    this.changes++;
    this.local.emit(channel, payload);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      application_name: 'gatehouse-listen',
      connectionTimeoutMillis: 5000,
      query_timeout: 5000,
      keepAlive: true,
    });
    // Events of a client already replaced are ignored.
    const lost = (err: unknown): void => {
      if (this.client === client) this.lost(err);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', (n) => {
      if (n.channel !== RESET) this.tell(n.channel, n.payload ?? '');
    });
    this.client = client;
    this.queue = Promise.resolve();
    try {
      await client.connect();
      for (const channel of this.channels) await this.serial(client, `LISTEN ${channel}`);
      const wasDown = this.backoff > 500;
      this.connected = true;
      this.backoff = 500;
      if (wasDown) this.logger.log('change notifications: listening again');
      this.tell(RESET);
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => void this.serial(client, 'SELECT 1').catch(lost), HEARTBEAT_MS);
      this.heartbeat.unref();
    } catch (err) {
      lost(err);
    }
  }

  private serial(client: pg.Client, sql: string): Promise<unknown> {
    const next = this.queue.then(() => client.query(sql));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private lost(err: unknown): void {
    if (this.stopped || this.retry) return;
    if (this.connected) this.logger.warn(`change notifications lost (${err instanceof Error ? err.message : String(err)}); reconnecting`);
    this.connected = false;
    clearInterval(this.heartbeat);
    this.tell(RESET);
    const c = this.client;
    this.client = undefined;
    c?.removeAllListeners('end');
    c?.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.backoff);
    this.retry.unref();
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }
}

function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel) || channel === 'error') throw new Error(`invalid change channel name: ${channel}`);
}
