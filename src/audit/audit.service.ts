import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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
  | 'oauth.token_revoked';

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
}
