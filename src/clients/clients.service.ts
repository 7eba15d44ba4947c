import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { digestsEqual, randomBase62, sha256 } from '../common/crypto.js';
import { Client, type ClientType, type GrantType } from './client.entity.js';
import { ClientSecret } from './client-secret.entity.js';

export interface CreateClientInput {
  name: string;
  type: ClientType;
  ownerId: string | null;
  grantTypes: GrantType[];
  scopes: string[];
  redirectUris: string[];
  firstParty?: boolean;
  /** A fixed client_id (first-party clients); generated otherwise. */
  clientId?: string;
}

export interface ClientWithSecrets {
  client: Client;
  /** Digests of the secrets valid now (current and, during a rotation's grace, the previous). */
  secrets: { hash: Buffer; expiresAt: number | undefined }[];
}

/** Client secrets carry a prefix so secret scanners can find leaked ones. */
export const CLIENT_SECRET_PREFIX = 'gth_cs_';
const CACHE_TTL_MS = 5_000;

/**
 * OAuth clients and their secrets. Secrets are 256-bit random strings, shown once, stored as
 * SHA-256 digests, compared in constant time. Lookups for client authentication are cached for a
 * few seconds (the token endpoint is hot); writes drop the cache entry.
 */
@Injectable()
export class ClientsService {
  private readonly cache = new Map<string, { value: ClientWithSecrets | null; at: number }>();

  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    @InjectRepository(ClientSecret) private readonly secrets: Repository<ClientSecret>,
  ) {}

  async create(input: CreateClientInput): Promise<{ client: Client; clientSecret: string | undefined }> {
    return this.clients.manager.transaction(async (em) => {
      const client = await em.getRepository(Client).save(
        em.getRepository(Client).create({
          clientId: input.clientId ?? `gth_${randomBase62(22)}`,
          name: input.name,
          type: input.type,
          ownerId: input.ownerId,
          grantTypes: input.grantTypes,
          scopes: input.scopes,
          redirectUris: input.redirectUris,
          firstParty: input.firstParty ?? false,
        }),
      );
      let clientSecret: string | undefined;
      if (input.type === 'confidential') {
        clientSecret = newSecret();
        await em.getRepository(ClientSecret).insert({ clientPk: client.id, secretHash: sha256(clientSecret), hint: clientSecret.slice(-4), expiresAt: null });
      }
      return { client, clientSecret };
    });
  }

  async findByClientId(clientId: string): Promise<Client | null> {
    return (await this.authLookup(clientId))?.client ?? null;
  }

  /** The client and its valid secret digests, from a short cache. */
  async authLookup(clientId: string): Promise<ClientWithSecrets | null> {
    const hit = this.cache.get(clientId);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
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
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { value, at: Date.now() });
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
    this.invalidate(client.clientId);
    return { clientSecret, previousSecretExpiresAt };
  }

  /** Changes stored fields of a client (by its row id) and drops it from the cache. */
  async update(id: string, fields: Partial<Pick<Client, 'name' | 'grantTypes' | 'scopes' | 'redirectUris' | 'status'>>): Promise<void> {
    await this.clients.update({ id }, fields);
    this.cache.clear();
  }

  invalidate(clientId: string): void {
    this.cache.delete(clientId);
  }
}

function newSecret(): string {
  return `${CLIENT_SECRET_PREFIX}${randomBase62(43)}`;
}
