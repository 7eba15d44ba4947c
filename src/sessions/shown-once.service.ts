import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { Sealer } from '../platform/crypto.js';
import { isUuid } from '../users/users.service.js';
import { ShownOnce } from './shown-once.entity.js';

/** How long a value waits for the page that shows it (the redirect follows at once; a slow network gets minutes). */
export const SHOWN_ONCE_SECONDS = 300;

export type ShownOnceKind = 'api_key' | 'client_secret';

/** What the page that shows a secret once gets back, with the details the action returned. */
export interface ShownValue {
  secret: string;
  /** Whatever else the action's page shows (e.g. until when the previous key works). */
  extra: Record<string, string>;
}

/**
 * Post/redirect/get for secrets: the POST that makes a secret parks it here (sealed, bound to the
 * session, for SHOWN_ONCE_SECONDS) and redirects; the GET takes it (read and delete in one statement),
 * so a reload, a second tab or another session finds nothing and says "already shown". In PostgreSQL,
 * not in memory: the GET may reach another instance, and a restart does not lose it within its lifetime.
 */
@Injectable()
export class ShownOnceService {
  private readonly sealer: Sealer;

  constructor(
    @InjectRepository(ShownOnce) private readonly rows: Repository<ShownOnce>,
    @InjectConfig() config: AppConfig,
  ) {
    this.sealer = new Sealer(config.masterKey, 'shown-once');
  }

  /** Parks `secret` for the session; the ticket (a random uuid) goes into the redirect's path. */
  async park(sessionId: string, kind: ShownOnceKind, subject: string, secret: string, extra: Record<string, string> = {}): Promise<string> {
    const sealed = this.sealer.seal(Buffer.from(JSON.stringify({ sessionId, kind, subject, secret, extra })));
    const expiresAt = new Date(Date.now() + SHOWN_ONCE_SECONDS * 1000);
    const row = await this.rows.save(this.rows.create({ sessionId, kind, subject, sealed, expiresAt }));
    // Old tickets nobody opened: cleared as new ones come (bounded work, no timer).
    void this.rows
      .createQueryBuilder()
      .delete()
      .where('expires_at < now()')
      .execute()
      .catch(() => undefined);
    return row.id;
  }

  /** The value once, for its own session, kind and subject only; undefined when taken, expired, or not this session's. */
  async take(sessionId: string, kind: ShownOnceKind, subject: string, ticket: string): Promise<ShownValue | undefined> {
    if (!isUuid(ticket)) return undefined;
    const result = await this.rows.query<unknown[]>(
      `DELETE FROM shown_once WHERE id = $1 AND session_id = $2 AND kind = $3 AND subject = $4 RETURNING sealed, expires_at`,
      [ticket, sessionId, kind, subject],
    );
    // PostgreSQL answers [rows, count] to a DELETE ... RETURNING; be lenient about the driver's shape.
    const rows = (Array.isArray(result[0]) ? result[0] : result) as { sealed: string; expires_at: Date | string }[];
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= Date.now()) return undefined;
    try {
      const v = JSON.parse(this.sealer.open(row.sealed).toString()) as {
        sessionId: string;
        kind: string;
        subject: string;
        secret: string;
        extra: Record<string, string>;
      };
      if (v.sessionId !== sessionId || v.kind !== kind || v.subject !== subject) return undefined;
      return { secret: v.secret, extra: v.extra };
    } catch {
      return undefined; // sealed with another master key, or altered
    }
  }
}
