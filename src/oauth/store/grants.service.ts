import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { RevocationList } from './revocation-list.js';

export type RevocationReason = 'code_reuse' | 'refresh_token_reuse' | 'revoked_by_client' | 'consent_withdrawn' | 'user_disabled' | 'password_changed';

/**
 * Grants (one per authorization; the refresh-token family and the `gid` of its access tokens):
 * revoking one ends its refresh tokens at once and its access tokens on the next request.
 */
@Injectable()
export class GrantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly revocations: RevocationList,
  ) {}

  /**
   * Revokes one grant (a no-op when already revoked or unknown) and tells every instance. Inside a
   * transaction (`em`), the caller announces it with `announce` once the transaction commits:
   * told earlier, another instance could re-read the grant before the commit and cache it as alive.
   */
  async revoke(gid: string, reason: RevocationReason, em?: EntityManager): Promise<void> {
    await (em ?? this.dataSource.manager).query(`UPDATE grants SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [
      gid,
      reason,
    ]);
    if (em) this.revocations.invalidateGrant(gid);
    else await this.announce(gid);
  }

  /** Tells every instance that this grant was revoked (after the revoking transaction committed). */
  announce(gid: string): Promise<void> {
    return this.revocations.announceGrant(gid);
  }

  /** Revokes every live grant a user gave a client; returns their ids. */
  async revokeForUserAndClient(userId: string, clientPk: string, reason: RevocationReason): Promise<string[]> {
    const [rows] = await this.dataSource.query<[{ id: string }[], number]>(
      `UPDATE grants SET revoked_at = now(), revoked_reason = $3 WHERE user_id = $1 AND client_pk = $2 AND revoked_at IS NULL RETURNING id`,
      [userId, clientPk, reason],
    );
    for (const r of rows) await this.announce(r.id);
    return rows.map((r) => r.id);
  }
}
