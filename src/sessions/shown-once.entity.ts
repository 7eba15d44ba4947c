import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Session } from './session.entity.js';

/**
 * A secret the portal shows once after a redirect (post/redirect/get): sealed with a key derived from
 * MASTER_KEY (never stored in clear), bound to the browser session that made it, deleted by the GET
 * that shows it, and useless after `expires_at` (a few minutes). Deleted with its session.
 */
@Entity({ name: 'shown_once' })
export class ShownOnce {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  /** What the value is (`api_key`, `client_secret`) and the id of the thing it belongs to. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text' })
  subject: string;

  /** AES-256-GCM (`Sealer`, purpose `shown-once`) of the JSON payload, which names the session and subject again. */
  @Column({ type: 'text' })
  sealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Index()
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
