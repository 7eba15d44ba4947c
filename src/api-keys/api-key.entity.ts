import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Client } from '../clients/client.entity.js';
import type { CreatedVia } from '../clients/lineage.js';
import { User } from '../users/user.entity.js';
import type { ApiKeyEnvironment } from './api-key-format.js';

/**
 * An API key. The key itself is never stored: only its SHA-256 digest, its public id (the first 12
 * random characters, to find the row in one indexed look-up) and its last four characters (to tell
 * keys apart in lists). Status is derived: revoked (`revoked_at`), expired (`expires_at`), or active.
 * A rotation creates a new row (`rotated_from` points to the old one) and sets the old row's
 * `expires_at` to the end of the grace period.
 */
@Entity({ name: 'api_keys' })
@Index(['ownerId', 'createdAt', 'id'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User>;

  /** The owner's client the key was made for (optional); deleting the client deletes its keys. */
  @Index()
  @Column({ name: 'client_pk', type: 'uuid', nullable: true })
  clientPk: string | null;

  @ManyToOne(() => Client, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'client_pk' })
  client?: Relation<Client>;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: 'live' })
  environment: ApiKeyEnvironment;

  @Column({ name: 'lookup_id', type: 'text', unique: true })
  lookupId: string;

  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash: Buffer;

  @Column({ type: 'text' })
  last4: string;

  @Column({ type: 'text', array: true, default: '{}' })
  scopes: string[];

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'rotated_from', type: 'uuid', nullable: true })
  rotatedFrom: string | null;

  /** When the key was rotated (its grace period ends at `expires_at`). */
  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;

  /** Lineage (see `lineage.ts`): how it was made; null = made before lineage was recorded (belongs to its owner directly). */
  @Column({ name: 'created_via', type: 'text', nullable: true })
  createdVia: CreatedVia | null;

  /** The consent (grant) of the user token it was made with; it stops when that grant is revoked. No foreign key: a grant gone is a grant revoked. */
  @Index()
  @Column({ name: 'parent_grant_id', type: 'uuid', nullable: true })
  parentGrantId: string | null;

  /** The client (app) that made it through a token; deleting that client deletes it. */
  @Index()
  @Column({ name: 'parent_client_pk', type: 'uuid', nullable: true })
  parentClientPk: string | null;

  @ManyToOne(() => Client, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'parent_client_pk' })
  parentClient?: Relation<Client>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) // milliseconds, as in the page cursors
  createdAt: Date;

  /** Updated in batches every few seconds, not on every request. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
