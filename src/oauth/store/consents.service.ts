import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import { ClientsService } from '../../clients/clients.service.js';
import { GrantsService } from './grants.service.js';

/** A key or an application an app made through a user's consent (what withdrawing that consent stops). */
export interface MadeThrough {
  kind: 'key' | 'client';
  /** The key's id, or the application's client_id. */
  id: string;
  name: string;
}

/** Consent remembered per user and client: the union of the scopes the user has allowed it. */
@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly grants: GrantsService,
    private readonly clients: ClientsService,
    private readonly audit: AuditService,
  ) {}

  /** True when the user already allowed this client every one of these scopes. */
  async covers(userId: string, clientPk: string, scopes: readonly string[]): Promise<boolean> {
    const rows = await this.dataSource.query<{ scopes: string[] }[]>(`SELECT scopes FROM consents WHERE user_id = $1 AND client_pk = $2`, [userId, clientPk]);
    return rows.length > 0 && scopes.every((s) => rows[0].scopes.includes(s));
  }

  async remember(userId: string, clientPk: string, scopes: readonly string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO consents (user_id, client_pk, scopes) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, client_pk) DO UPDATE
         SET scopes = ARRAY(SELECT DISTINCT unnest(consents.scopes || EXCLUDED.scopes) ORDER BY 1), updated_at = now()`,
      [userId, clientPk, scopes],
    );
  }

  /**
   * The clients that can act for this user, newest first (the portal's "connected apps"): those the
   * user consented to, and those holding a live grant without a consent, which are the first-party
   * clients that skip the consent page (Swagger UI among them, with the admin scope for an admin).
   * The scopes are the consented ones, or those of the live grants.
   */
  async listForUser(userId: string): Promise<{ clientId: string; name: string; scopes: string[]; since: Date; updated: Date; made: MadeThrough[] }[]> {
    const rows = await this.dataSource.query<{ client_id: string; name: string; scopes: string[]; created_at: Date; updated_at: Date }[]>(
      `WITH live AS (
         SELECT g.client_pk, array_agg(DISTINCT s ORDER BY s) AS scopes, min(g.created_at) AS created_at, max(g.created_at) AS updated_at
           FROM grants g, unnest(g.scopes) AS s
          WHERE g.user_id = $1 AND g.revoked_at IS NULL AND g.expires_at > now()
          GROUP BY g.client_pk)
       SELECT c.client_id, c.name, COALESCE(k.scopes, live.scopes) AS scopes,
              COALESCE(k.created_at, live.created_at) AS created_at, COALESCE(k.updated_at, live.updated_at) AS updated_at
         FROM clients c
         LEFT JOIN consents k ON k.client_pk = c.id AND k.user_id = $1
         LEFT JOIN live ON live.client_pk = c.id
        WHERE k.id IS NOT NULL OR live.client_pk IS NOT NULL
        ORDER BY 5 DESC, c.client_id
        LIMIT 500`,
      [userId],
    );
    const made = await this.madeThrough(userId);
    return rows.map((r) => ({
      clientId: r.client_id,
      name: r.name,
      scopes: r.scopes,
      since: new Date(r.created_at),
      updated: new Date(r.updated_at),
      made: made.get(r.client_id) ?? [],
    }));
  }

  /**
   * Per app (client_id), the keys and applications still working that it made through this user's live
   * consents: what withdrawing each consent stops. `clientId` narrows it to one app.
   */
  async madeThrough(userId: string, clientId?: string): Promise<Map<string, MadeThrough[]>> {
    const rows = await this.dataSource.query<{ kind: 'key' | 'client'; id: string; name: string; app: string }[]>(
      `SELECT 'key' AS kind, k.id::text AS id, k.name, c.client_id AS app, k.created_at
         FROM api_keys k JOIN grants g ON g.id = k.parent_grant_id JOIN clients c ON c.id = g.client_pk
        WHERE k.owner_id = $1 AND g.user_id = $1 AND g.revoked_at IS NULL AND k.revoked_at IS NULL
          AND (k.expires_at IS NULL OR k.expires_at > now()) AND ($2::text IS NULL OR c.client_id = $2)
       UNION ALL
       SELECT 'client', x.client_id, x.name, c.client_id, x.created_at
         FROM clients x JOIN grants g ON g.id = x.parent_grant_id JOIN clients c ON c.id = g.client_pk
        WHERE x.owner_id = $1 AND g.user_id = $1 AND g.revoked_at IS NULL AND ($2::text IS NULL OR c.client_id = $2)
       ORDER BY 5 DESC LIMIT 1000`,
      [userId, clientId ?? null],
    );
    const byApp = new Map<string, MadeThrough[]>();
    for (const r of rows) {
      const list = byApp.get(r.app) ?? [];
      list.push({ kind: r.kind, id: r.id, name: r.name });
      byApp.set(r.app, list);
    }
    return byApp;
  }

  /**
   * The user takes back what they allowed a client: the consent is forgotten and every grant they
   * gave it (refresh tokens and, through the Bearer check, access tokens) is revoked.
   * False when there is no such client.
   */
  async withdraw(userId: string, clientId: string, ip: string): Promise<boolean> {
    const client = clientId.length <= 200 ? await this.clients.findByClientId(clientId) : null;
    if (!client) return false;
    const stopped = (await this.madeThrough(userId, client.clientId)).get(client.clientId) ?? [];
    await this.dataSource.query(`DELETE FROM consents WHERE user_id = $1 AND client_pk = $2`, [userId, client.id]);
    // A code issued a moment ago must not create a new grant after the withdrawal.
    await this.dataSource.query(`UPDATE authorization_codes SET used_at = now() WHERE user_id = $1 AND client_pk = $2 AND used_at IS NULL`, [
      userId,
      client.id,
    ]);
    const revoked = await this.grants.revokeForUserAndClient(userId, client.id, 'consent_withdrawn');
    void this.audit.record({
      type: 'oauth.consent_withdrawn',
      actorUserId: userId,
      actorClientId: client.clientId,
      target: client.clientId,
      ip,
      details: {
        revoked_grants: revoked.length,
        stopped_keys: stopped.filter((m) => m.kind === 'key').map((m) => m.id),
        stopped_clients: stopped.filter((m) => m.kind === 'client').map((m) => m.id),
      },
    });
    return true;
  }
}
