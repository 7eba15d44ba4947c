import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../users/user.entity.js';
import { ClientSecret } from './client-secret.entity.js';

export type ClientType = 'confidential' | 'public';
/**
 * OpenID Connect Dynamic Client Registration's `application_type`: `native` marks a public client
 * running on the user's device, whose loopback redirect URIs match on any port (RFC 8252 7.3).
 */
export type ApplicationType = 'web' | 'native';
export const APPLICATION_TYPES: readonly ApplicationType[] = ['web', 'native'];
export type GrantType = 'client_credentials' | 'authorization_code' | 'refresh_token';
export const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'authorization_code', 'refresh_token'];

@Entity({ name: 'clients' })
export class Client {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The public identifier a client sends as `client_id`. */
  @Column({ name: 'client_id', type: 'text', unique: true })
  clientId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: ClientType;

  @Column({ name: 'application_type', type: 'text', default: 'web' })
  applicationType: ApplicationType;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User>;

  @Column({ name: 'grant_types', type: 'text', array: true, default: '{}' })
  grantTypes: GrantType[];

  @Column({ type: 'text', array: true, default: '{}' })
  scopes: string[];

  @Column({ name: 'redirect_uris', type: 'text', array: true, default: '{}' })
  redirectUris: string[];

  /** First-party clients (Swagger UI) skip the consent page. */
  @Column({ name: 'first_party', type: 'boolean', default: false })
  firstParty: boolean;

  @Column({ type: 'text', default: 'active' })
  status: 'active' | 'disabled';

  @OneToMany(() => ClientSecret, (s) => s.client)
  secrets?: Relation<ClientSecret>[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) // milliseconds, as in the page cursors
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
