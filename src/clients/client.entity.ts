import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../users/user.entity.js';
import { ClientSecret } from './client-secret.entity.js';
import type { CreatedVia } from './lineage.js';

export type ClientType = 'confidential' | 'public';
/**
 * OpenID Connect Dynamic Client Registration's `application_type`: `native` marks a public client
 * running on the user's device, whose loopback redirect URIs match on any port (RFC 8252 7.3).
 */
export type ApplicationType = 'web' | 'native';
export const APPLICATION_TYPES: readonly ApplicationType[] = ['web', 'native'];
/**
 * The JWS algorithms a client may choose for the tokens issued to it (its access tokens, and its ID
 * tokens): ES256 (the default) or RS256, which RFC 9068 2.1 and OpenID Connect require servers to offer.
 */
export type TokenSigningAlg = 'ES256' | 'RS256';
export const TOKEN_SIGNING_ALGS: readonly TokenSigningAlg[] = ['ES256', 'RS256'];
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

  /** OpenID Connect RP-Initiated Logout: where the end-session endpoint may send the browser back (exact match). */
  @Column({ name: 'post_logout_redirect_uris', type: 'text', array: true, default: '{}' })
  postLogoutRedirectUris: string[];

  /** The application's home page, shown (as a link) on the sign-in and consent pages; https, or http on loopback. */
  @Column({ name: 'homepage_url', type: 'text', nullable: true })
  homepageUrl: string | null;

  /** First-party clients (Swagger UI) skip the consent page. */
  @Column({ name: 'first_party', type: 'boolean', default: false })
  firstParty: boolean;

  @Column({ type: 'text', default: 'active' })
  status: 'active' | 'disabled';

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

  /**
   * Set by admins only: with `users:read`, this client's own (client-credentials) tokens list the
   * whole user directory, not only its owner's record. See DirectoryService.
   */
  @Column({ name: 'directory_access', type: 'boolean', default: false })
  directoryAccess: boolean;

  /**
   * Set by admins only, on confidential clients: a resource server of the API audience, which may
   * introspect any access token issued for it (not only its own). See RevocationService.introspect.
   */
  @Column({ name: 'resource_server', type: 'boolean', default: false })
  resourceServer: boolean;
  /** Signs the access tokens issued to this client (our name; as OpenID Connect names the ID-token one). */
  @Column({ name: 'access_token_signed_response_alg', type: 'text', default: 'ES256' })
  accessTokenSignedResponseAlg: TokenSigningAlg;

  /** OpenID Connect Dynamic Client Registration's `id_token_signed_response_alg`: signs its ID tokens. */
  @Column({ name: 'id_token_signed_response_alg', type: 'text', default: 'ES256' })
  idTokenSignedResponseAlg: TokenSigningAlg;

  @OneToMany(() => ClientSecret, (s) => s.client)
  secrets?: Relation<ClientSecret>[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) // milliseconds, as in the page cursors
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** When it last obtained a token: written in batches (ClientUsageService), not on every request. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
