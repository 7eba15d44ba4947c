import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Client } from './client.entity.js';

/**
 * A client secret, stored only as its SHA-256 digest (the secret itself has 256 bits of entropy, so a
 * fast hash is right: docs/contract.md, "Credentials"). A client has one current secret and, after a
 * rotation, the previous one until `expires_at`.
 */
@Entity({ name: 'client_secrets' })
export class ClientSecret {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'client_pk', type: 'uuid' })
  clientPk: string;

  @ManyToOne(() => Client, (c) => c.secrets, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_pk' })
  client?: Relation<Client>;

  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash: Buffer;

  /** The last four characters, to tell secrets apart in lists. */
  @Column({ type: 'text' })
  hint: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
