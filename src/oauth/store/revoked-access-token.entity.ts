import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An access token revoked through POST /oauth2/revoke: its jti is refused until it would expire. */
@Entity({ name: 'revoked_access_tokens' })
export class RevokedAccessToken {
  @PrimaryColumn({ type: 'text' })
  jti: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
