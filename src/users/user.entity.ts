import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type UserRole = 'admin' | 'developer';
/** `invited`: an admin invited the user, who has not yet set a password (cannot sign in). */
export type UserStatus = 'active' | 'disabled' | 'invited';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased, so uniqueness is case-insensitive. */
  @Column({ type: 'text', unique: true })
  email: string;

  @Column({ name: 'display_name', type: 'text', default: '' })
  displayName: string;

  /** argon2id PHC string; never returned, never logged. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'text', default: 'developer' })
  role: UserRole;

  @Column({ type: 'text', default: 'active' })
  status: UserStatus;

  @Column({ name: 'password_changed_at', type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt: Date;

  /** When an admin last unlocked sign-in: every failed-sign-in count of the account from before then is forgotten. */
  @Column({ name: 'sign_in_unlocked_at', type: 'timestamptz', precision: 3, nullable: true })
  signInUnlockedAt: Date | null;

  /** When the user proved they receive mail at `email` (a verification or invitation link); null: never. */
  @Column({ name: 'email_verified_at', type: 'timestamptz', precision: 3, nullable: true })
  emailVerifiedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) // milliseconds, as in the page cursors
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
