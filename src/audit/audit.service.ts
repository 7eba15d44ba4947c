import { Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { boundedDetails } from './audit-details.js';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../platform/http/pagination.js';
import { AuditEvent, type AuditOutcome } from './audit-event.entity.js';

/** Every kind of event in the audit trail (the admin console's filter offers these). */
export const AUDIT_TYPES = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_up',
  'auth.sign_out',
  'oauth.token_issued',
  'oauth.token_revoked',
  'oauth.code_reuse_detected',
  'oauth.refresh_reuse_detected',
  'oauth.consent_granted',
  'oauth.consent_withdrawn',
  'client.created',
  'client.updated',
  'client.deleted',
  'client.disabled',
  'client.enabled',
  'client.secret_rotated',
  'client.previous_secret_ended',
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'api_key.renamed',
  'api_key.grace_ended',
  'admin.user_changed',
  'admin.user_unlocked',
  'admin.user_created',
  'admin.user_invited',
  'admin.password_reset_sent',
  'admin.verification_sent',
  'account.password_changed',
  'account.password_reset_requested',
  'account.password_reset',
  'account.email_change_requested',
  'account.email_verified',
  'account.invite_accepted',
  'account.sessions_ended',
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditInput {
  type: AuditType;
  outcome?: AuditOutcome;
  actorUserId?: string | null;
  actorClientId?: string | null;
  target?: string | null;
  /** The client's address: `req.ip`, or `principal.ip` / `caller.ip` in services. */
  ip?: string | null;
  /** Never a secret: ids, names, scopes, counts. */
  details?: Record<string, unknown>;
}

interface Row {
  type: string;
  outcome: AuditOutcome;
  actorUserId: string | null;
  actorClientId: string | null;
  target: string | null;
  ip: string | null;
  details: string;
  createdAt: Date;
}

/** Buffered events are written at least this often... */
export const AUDIT_FLUSH_MS = 1000;
/** ...or as soon as this many wait. */
export const AUDIT_FLUSH_ROWS = 500;
/** Beyond this (a long database outage), new buffered events are dropped and counted, so memory stays bounded. */
const MAX_BUFFERED = 50_000;

/**
 * Writes the audit trail. `record()` inserts at once and never rejects: a failed write is logged,
 * never turned into a failed request, so callers may fire and forget (`void audit.record(...)`).
 * `enqueue()` is for hot paths (every token issued): the event is stamped with its time and address
 * now and written with others in one multi-row INSERT every second, or every 500 events, and at
 * shutdown; the request never waits for it.
 */
@Injectable()
export class AuditService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private buffer: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private again = false;
  private dropped = 0;

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), AUDIT_FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Shutdown writes the buffer three times, each a no-op when nothing came in since: here; after
   * the HTTP server finished its requests in flight (a Fastify onClose hook in app.factory.ts); and
   * last, while the database is still open.
   */
  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.events.manager.connection.isInitialized) await this.flush();
    if (this.buffer.length > 0) this.logger.warn(`${this.buffer.length} audit events could not be written before shutdown`);
  }

  async record(e: AuditInput): Promise<void> {
    try {
      await this.insert([toRow(e)]);
    } catch (err) {
      this.logger.warn(`could not write audit event ${e.type}: ${(err as Error).message}`);
    }
  }

  /** Records without a database round trip in the request: written by the next batch. */
  enqueue(e: AuditInput): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.dropped++;
      return;
    }
    this.buffer.push(toRow(e));
    if (this.buffer.length >= AUDIT_FLUSH_ROWS) void this.flush();
  }

  /** Writes every buffered event (one INSERT per batch); one flush at a time. Never rejects. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    if (this.buffer.length === 0) return Promise.resolve();
    this.flushing = this.writeBuffered().finally(() => {
      this.flushing = undefined;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.flushing;
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, AUDIT_FLUSH_ROWS * 4);
      try {
        await this.insert(batch);
      } catch (err) {
        // Kept for the next flush (in front, so the order stays), within the bound.
        this.buffer = [...batch, ...this.buffer].slice(0, MAX_BUFFERED);
        this.logger.warn(`could not write ${batch.length} buffered audit events (kept for the next try): ${(err as Error).message}`);
        return;
      }
    }
    if (this.dropped > 0) {
      this.logger.warn(`${this.dropped} audit events were dropped while the database could not be written`);
      this.dropped = 0;
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    await this.events.query(
      `INSERT INTO audit_events (type, outcome, actor_user_id, actor_client_id, target, ip, details, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[])`,
      [
        rows.map((r) => r.type),
        rows.map((r) => r.outcome),
        rows.map((r) => r.actorUserId),
        rows.map((r) => r.actorClientId),
        rows.map((r) => r.target),
        rows.map((r) => r.ip),
        rows.map((r) => r.details),
        rows.map((r) => r.createdAt.toISOString()),
      ],
    );
  }

  /** Newest first, filtered; for the admin API and the admin pages. */
  async list(filter: AuditFilter, limit: number, cursor: string | undefined): Promise<Page<AuditEventView>> {
    const after = decodeCursor(cursor);
    const qb = this.filtered(filter)
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.andWhere('(e.created_at, e.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    return toPage(await qb.getMany(), limit, toView);
  }

  /**
   * The page before `before` (a cursor of the first event of a page), newest first: for "Previous
   * page". `more` says whether there are newer events still (another previous page).
   */
  async listBefore(filter: AuditFilter, limit: number, before: string): Promise<{ data: AuditEventView[]; more: boolean }> {
    const at = decodeCursor(before)!;
    const qb = this.filtered(filter)
      .orderBy('e.created_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(limit + 1);
    qb.andWhere('(e.created_at, e.id) > (:at, :id)', { at: at.createdAt, id: at.id });
    const rows = await qb.getMany();
    return { data: rows.slice(0, limit).reverse().map(toView), more: rows.length > limit };
  }

  /** Every event of a filter, newest first, at most `max` (the CSV export). */
  async listAll(filter: AuditFilter, max: number): Promise<AuditEventView[]> {
    const rows = await this.filtered(filter).orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').limit(max).getMany();
    return rows.map(toView);
  }

  private filtered(filter: AuditFilter) {
    const qb = this.events.createQueryBuilder('e');
    if (filter.type) qb.andWhere('e.type = :type', { type: filter.type });
    if (filter.outcome) qb.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
    if (filter.actorUserId) qb.andWhere('e.actor_user_id = :actor', { actor: filter.actorUserId });
    if (filter.actorClientId) qb.andWhere('e.actor_client_id = :actorClient', { actorClient: filter.actorClientId });
    if (filter.since) qb.andWhere('e.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.created_at < :until', { until: filter.until });
    return qb;
  }
}

function toView(e: AuditEvent): AuditEventView {
  return {
    id: e.id,
    type: e.type,
    outcome: e.outcome,
    actor_user_id: e.actorUserId,
    actor_client_id: e.actorClientId,
    target: e.target,
    ip: e.ip,
    details: e.details,
    created_at: e.createdAt.toISOString(),
  };
}

function toRow(e: AuditInput): Row {
  return {
    type: e.type,
    outcome: e.outcome ?? 'success',
    actorUserId: e.actorUserId ?? null,
    actorClientId: e.actorClientId ?? null,
    target: e.target ?? null,
    ip: e.ip ?? null,
    details: boundedDetails(e.details ?? {}),
    createdAt: new Date(),
  };
}

export interface AuditFilter {
  type?: string;
  outcome?: string;
  actorUserId?: string;
  actorClientId?: string;
  since?: Date;
  until?: Date;
}

export interface AuditEventView {
  id: string;
  type: string;
  outcome: string;
  actor_user_id: string | null;
  actor_client_id: string | null;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  created_at: string;
}
