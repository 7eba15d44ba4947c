import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { digestsEqual, randomBase62, sha256 } from '../platform/crypto.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { Client, type ApplicationType, type ClientType, type GrantType, type TokenSigningAlg } from './client.entity.js';
import { ClientSecret } from './client-secret.entity.js';
import type { Lineage } from './lineage.js';

export interface CreateClientInput {
  name: string;
  type: ClientType;
  ownerId: string | null;
  grantTypes: GrantType[];
  scopes: string[];
  redirectUris: string[];
  /** OpenID Connect RP-Initiated Logout: where the end-session endpoint may send the browser back. */
  postLogoutRedirectUris?: string[];
  /** Shown as a link on the sign-in and consent pages. */
  homepageUrl?: string | null;
  /** Default web; native lets loopback redirect URIs of a public client match on any port. */
  applicationType?: ApplicationType;
  firstParty?: boolean;
  /** What signs its access tokens and its ID tokens; ES256 when absent. */
  accessTokenSignedResponseAlg?: TokenSigningAlg;
  idTokenSignedResponseAlg?: TokenSigningAlg;
  /** A fixed client_id (first-party clients); generated otherwise. */
  clientId?: string;
  /** How it was made (none: it belongs to its owner directly, as before lineage). */
  lineage?: Lineage;
}

export interface ClientWithSecrets {
  client: Client;
  /** Digests of the secrets valid now (current and, during a rotation's grace, the previous). */
  secrets: { hash: Buffer; expiresAt: number | undefined }[];
}

/** Client secrets carry a prefix so secret scanners can find leaked ones. */
export const CLIENT_SECRET_PREFIX = 'gth_cs_';
/** The safety net under the change bus: how long a cached look-up is trusted without a notification. */
const CACHE_TTL_MS = 5_000;
/** Change-bus channel: payload is the client_id of a client that changed (or `*`: forget every client). */
export const CLIENTS_CHANNEL = 'clients';
/** The CLIENTS_CHANNEL payload that means "any client may have changed". */
export const ALL_CLIENTS = '*';
const ALL = ALL_CLIENTS;

/**
 * OAuth clients and their secrets. Secrets are 256-bit random strings, shown once, stored as
 * SHA-256 digests, compared in constant time. Lookups for client authentication are cached for a
 * few seconds (the token endpoint is hot); a write anywhere (update, deletion, secret rotation) is
 * announced on the change bus and every instance drops its entry at once.
 */
@Injectable()
export class ClientsService implements OnModuleInit {
  private readonly logger = new Logger(ClientsService.name);
  private readonly cache = new Map<string, { value: ClientWithSecrets | null; at: number }>();
  /** Bumped on every invalidation: a look-up that raced with one must not fill the cache. */
  private generation = 0;

  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    @InjectRepository(ClientSecret) private readonly secrets: Repository<ClientSecret>,
    /** Absent in command-line contexts that do not import the change bus. */
    @Optional() private readonly bus?: ChangeBus,
  ) {}

  onModuleInit(): void {
    this.bus?.subscribe(CLIENTS_CHANNEL, (clientId) => (clientId === ALL ? this.clear() : this.invalidate(clientId)));
    this.bus?.onReset(() => this.clear());
  }

  async create(input: CreateClientInput): Promise<{ client: Client; clientSecret: string | undefined }> {
    const created = await this.clients.manager.transaction(async (em) => {
      const client = await em.getRepository(Client).save(
        em.getRepository(Client).create({
          clientId: input.clientId ?? `gth_${randomBase62(22)}`,
          name: input.name,
          type: input.type,
          ownerId: input.ownerId,
          grantTypes: input.grantTypes,
          scopes: input.scopes,
          redirectUris: input.redirectUris,
          postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
          homepageUrl: input.homepageUrl ?? null,
          applicationType: input.applicationType ?? 'web',
          firstParty: input.firstParty ?? false,
          accessTokenSignedResponseAlg: input.accessTokenSignedResponseAlg ?? 'ES256',
          idTokenSignedResponseAlg: input.idTokenSignedResponseAlg ?? 'ES256',
          createdVia: input.lineage?.createdVia ?? null,
          parentGrantId: input.lineage?.parentGrantId ?? null,
          parentClientPk: input.lineage?.parentClientPk ?? null,
        }),
      );
      let clientSecret: string | undefined;
      if (input.type === 'confidential') {
        clientSecret = newSecret();
        await em.getRepository(ClientSecret).insert({ clientPk: client.id, secretHash: sha256(clientSecret), hint: clientSecret.slice(-4), expiresAt: null });
      }
      return { client, clientSecret };
    });
    // An unknown client_id is cached too (as null): a look-up made just before, here or on another
    // instance, must not keep answering "unknown" for the cache's lifetime (the Swagger UI client
    // registered at start was refused for 5 s that way).
    await this.changed(created.client.clientId);
    return created;
  }

  async findByClientId(clientId: string): Promise<Client | null> {
    return (await this.authLookup(clientId))?.client ?? null;
  }

  /** The client and its valid secret digests, from a short cache. */
  async authLookup(clientId: string): Promise<ClientWithSecrets | null> {
    const hit = this.cache.get(clientId);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
    const generation = this.generation;
    const client = await this.clients.findOneBy({ clientId });
    let value: ClientWithSecrets | null = null;
    if (client) {
      const rows = await this.secrets.find({
        where: [
          { clientPk: client.id, expiresAt: IsNull() },
          { clientPk: client.id, expiresAt: MoreThan(new Date()) },
        ],
      });
      value = { client, secrets: rows.map((r) => ({ hash: r.secretHash, expiresAt: r.expiresAt?.getTime() })) };
    }
    if (generation === this.generation) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(clientId, { value, at: Date.now() });
    }
    return value;
  }

  /** True when `secret` is one of the client's valid secrets (constant time per candidate). */
  secretMatches(entry: ClientWithSecrets, secret: string): boolean {
    const digest = sha256(secret);
    const now = Date.now();
    let ok = false;
    for (const s of entry.secrets) {
      if (digestsEqual(digest, s.hash) && (s.expiresAt === undefined || s.expiresAt > now)) ok = true;
    }
    return ok;
  }

  /** Issues a new secret; the previous ones stay valid for `graceSeconds` (0 = end now). */
  async rotateSecret(client: Client, graceSeconds: number): Promise<{ clientSecret: string; previousSecretExpiresAt: Date }> {
    const clientSecret = newSecret();
    const previousSecretExpiresAt = new Date(Date.now() + graceSeconds * 1000);
    await this.secrets.manager.transaction(async (em) => {
      await em
        .getRepository(ClientSecret)
        .createQueryBuilder()
        .update()
        .set({ expiresAt: previousSecretExpiresAt })
        .where('client_pk = :pk AND (expires_at IS NULL OR expires_at > :at)', { pk: client.id, at: previousSecretExpiresAt })
        .execute();
      await em.getRepository(ClientSecret).insert({ clientPk: client.id, secretHash: sha256(clientSecret), hint: clientSecret.slice(-4), expiresAt: null });
    });
    await this.changed(client.clientId);
    return { clientSecret, previousSecretExpiresAt };
  }

  /** Changes stored fields of a client and drops it (only it) from every instance's cache. */
  async update(
    client: Pick<Client, 'id' | 'clientId'>,
    fields: Partial<
      Pick<
        Client,
        | 'name'
        | 'grantTypes'
        | 'scopes'
        | 'redirectUris'
        | 'postLogoutRedirectUris'
        | 'homepageUrl'
        | 'applicationType'
        | 'status'
        | 'directoryAccess'
        | 'accessTokenSignedResponseAlg'
        | 'idTokenSignedResponseAlg'
        | 'resourceServer'
      >
    >,
  ): Promise<void> {
    await this.clients.update({ id: client.id }, fields);
    await this.changed(client.clientId);
  }

  /** Drops a client from this instance's cache. */
  invalidate(clientId: string): void {
    this.generation++;
    this.cache.delete(clientId);
  }

  clear(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Tells every instance (this one at once) that a client changed; call after the change committed. */
  async changed(clientId: string): Promise<void> {
    if (clientId === ALL) this.clear();
    else this.invalidate(clientId);
    try {
      await this.bus?.publish(CLIENTS_CHANNEL, clientId);
    } catch (err) {
      // Committed already: the other instances see it when their cache entry expires.
      this.logger.warn(`could not announce a client change: ${(err as Error).message}`);
    }
  }
}

function newSecret(): string {
  return `${CLIENT_SECRET_PREFIX}${randomBase62(43)}`;
}
