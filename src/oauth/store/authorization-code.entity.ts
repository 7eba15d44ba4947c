import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Client } from '../../clients/client.entity.js';
import { User } from '../../users/user.entity.js';

/** An authorization code: only its SHA-256 is stored; single use, 60 s. */
@Entity({ name: 'authorization_codes' })
export class AuthorizationCode {
  @PrimaryColumn({ name: 'code_hash', type: 'bytea' })
  codeHash: Buffer;

  @Column({ name: 'client_pk', type: 'uuid' })
  clientPk: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_pk' })
  client?: Relation<Client>;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** The grant the exchange creates; known in advance so that a second use can revoke it. */
  @Column({ name: 'grant_id', type: 'uuid' })
  grantId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** False when the authorization request left redirect_uri out (one registered): the token request may too. */
  @Column({ name: 'redirect_uri_explicit', type: 'boolean', default: true })
  redirectUriExplicit: boolean;

  @Column({ type: 'text', array: true })
  scopes: string[];

  /** The S256 PKCE challenge, when one was sent. */
  @Column({ name: 'code_challenge', type: 'text', nullable: true })
  codeChallenge: string | null;

  /** OpenID Connect: the request's nonce, echoed in the ID token. */
  @Column({ type: 'text', nullable: true })
  nonce: string | null;

  /** When the user signed in (the portal session's start): the ID token's auth_time. */
  @Column({ name: 'auth_time', type: 'timestamptz', nullable: true })
  authTime: Date | null;

  /** The portal session the code was issued in: the ID token's sid. */
  @Column({ type: 'text', nullable: true })
  sid: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
