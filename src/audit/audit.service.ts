import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import { AuditEvent, type AuditOutcome } from './audit-event.entity.js';

export type AuditType =
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_up'
  | 'oauth.token_issued'
  | 'oauth.code_reuse_detected'
  | 'oauth.refresh_reuse_detected'
  | 'oauth.consent_granted'
  | 'oauth.consent_withdrawn'
  | 'oauth.token_revoked'
  | 'client.created'
  | 'client.updated'
  | 'client.deleted'
  | 'client.secret_rotated'
  | 'admin.user_changed';

export interface AuditInput {
  type: AuditType;
  outcome?: AuditOutcome;
  actorUserId?: string | null;
  actorClientId?: string | null;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Writes the audit trail. `record()` never rejects: a failed write is logged, never turned into a
 * failed request, so callers may fire and forget (`void audit.record(...)`).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(e: AuditInput): Promise<void> {
    try {
      await this.events.insert({
        type: e.type,
        outcome: e.outcome ?? 'success',
        actorUserId: e.actorUserId ?? null,
        actorClientId: e.actorClientId ?? null,
        target: e.target ?? null,
        ip: e.ip ?? null,
        details: (e.details ?? {}) as never, // jsonb: TypeORM's deep-partial type cannot express an open record
      });
    } catch (err) {
      this.logger.warn(`could not write audit event ${e.type}: ${(err as Error).message}`);
    }
  }

  /** Newest first, filtered; for the admin API. */
  async list(filter: AuditFilter, limit: number, cursor: string | undefined): Promise<Page<AuditEventView>> {
    const after = decodeCursor(cursor);
    const qb = this.events
      .createQueryBuilder('e')
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.andWhere('(e.created_at, e.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    if (filter.type) qb.andWhere('e.type = :type', { type: filter.type });
    if (filter.outcome) qb.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
    if (filter.actorUserId) qb.andWhere('e.actor_user_id = :actor', { actor: filter.actorUserId });
    if (filter.since) qb.andWhere('e.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.created_at < :until', { until: filter.until });
    return toPage(await qb.getMany(), limit, (e) => ({
      id: e.id,
      type: e.type,
      outcome: e.outcome,
      actor_user_id: e.actorUserId,
      actor_client_id: e.actorClientId,
      target: e.target,
      ip: e.ip,
      details: e.details,
      created_at: e.createdAt.toISOString(),
    }));
  }
}

export interface AuditFilter {
  type?: string;
  outcome?: string;
  actorUserId?: string;
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
