import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Client } from '../../clients/client.entity.js';
import { User } from '../../users/user.entity.js';

/**
 * One authorization: a user let a client have some scopes. Its id is the refresh-token family and
 * the `gid` claim of every access token issued from it, so revoking it kills them all.
 */
@Entity({ name: 'grants' })
@Index(['userId', 'clientPk'])
export class Grant {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ name: 'client_pk', type: 'uuid' })
  clientPk: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_pk' })
  client?: Relation<Client>;

  /** The scopes consented to; refreshes may narrow an access token, never this. */
  @Column({ type: 'text', array: true })
  scopes: string[];

  /** When the user signed in for this grant (ID tokens of its refreshes keep it); null before OpenID Connect. */
  @Column({ name: 'auth_time', type: 'timestamptz', nullable: true })
  authTime: Date | null;

  /** The portal session it was made in (the ID token's sid). */
  @Column({ type: 'text', nullable: true })
  sid: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Absolute lifetime of the family (REFRESH_TOKEN_TTL). */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: string | null;
}
