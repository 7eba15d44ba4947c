import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type FindOptionsWhere } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { Client } from '../clients/client.entity.js';
import { CallerService } from '../clients/caller.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { auditLineage, provenanceOf, refuseMoreThanHeld, type Lineage } from '../clients/lineage.js';
import { decodeCursor, toPage, type Page, type PageQuery } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { isUuid } from '../users/users.service.js';
import { applyKeyFilter, type KeyFilter } from './api-key-filters.js';
import { displayStart, generateApiKey, type ApiKeyEnvironment } from './api-key-format.js';
import { ApiKey } from './api-key.entity.js';
import { API_KEYS_CHANNEL } from './api-key-verifier.service.js';
import {
  KEY_FIELD_WORDS,
  KEY_SCOPES,
  type ApiKeyView,
  type CreateApiKeyDto,
  type CreatedApiKey,
  type RotatedApiKey,
  type RotateApiKeyDto,
} from './api-key.dto.js';

export const DEFAULT_GRACE_SECONDS = 86400;

export interface IssueKeyInput {
  ownerId: string;
  clientPk: string | null;
  name: string;
  scopes: string[];
  expiresAt: Date | null;
  environment: ApiKeyEnvironment;
  rotatedFrom?: string;
  /** How it was made (none: it belongs to its owner directly). */
  lineage?: Lineage;
}

/**
 * API keys of their owners: list, create, get, rotate (a new row; the old key works until the grace
 * deadline), revoke; admins list and revoke anyone's. Every query is scoped by the owner, so another
 * owner's key is 404. Revocations and rotations are published on the change bus so that every
 * instance drops the key from its cache at once.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly callers: CallerService,
    private readonly clients: ClientsService,
    private readonly bus: ChangeBus,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, q: PageQuery & { status?: KeyFilter }): Promise<Page<ApiKeyView>> {
    return this.page((await this.callers.of(principal)).userId, q);
  }

  async adminList(principal: Principal, q: PageQuery & { owner_id?: string }): Promise<Page<ApiKeyView>> {
    await this.callers.admin(principal);
    return this.page(q.owner_id, q);
  }

  async get(principal: Principal, id: string): Promise<ApiKeyView> {
    return toView(await this.find({ id, ownerId: (await this.callers.of(principal)).userId }, id));
  }

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    const caller = await this.callers.of(principal);
    const ownerId = caller.userId;
    const client = await this.clientFor(principal, ownerId, dto.client_id);
    const scopes = [...new Set(dto.scopes)];
    // Never more: a token makes a key with at most the scopes it holds itself (the portal session: the user's).
    refuseMoreThanHeld(principal, caller.role, scopes, 'create a key');
    // A key made for a client has at most that client's scopes.
    let grantable: string[] = [...KEY_SCOPES];
    if (client) grantable = grantable.filter((s) => client.scopes.includes(s));
    const refused = scopes.filter((s) => !grantable.includes(s));
    if (refused.length > 0) {
      throw ProblemError.validation([
        { field: 'scopes', message: `you may not grant ${refused.join(', ')}; grantable here: ${grantable.join(', ') || '(none)'}` },
      ]);
    }
    let expiresAt: Date | null = null;
    if (dto.expires_at !== undefined) {
      expiresAt = new Date(dto.expires_at);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
        throw ProblemError.validation([{ field: 'expires_at', message: KEY_FIELD_WORDS.expires_at_passed }]);
      }
    }
    const name = dto.name.trim() || dto.name;
    const lineage = await this.callers.lineage(caller);
    const { row, key } = await this.issue({ ownerId, clientPk: client?.id ?? null, name, scopes, expiresAt, environment: dto.environment ?? 'live', lineage });
    void this.audit.record({
      type: 'api_key.created',
      actorUserId: ownerId,
      actorClientId: principal.clientId ?? null,
      ip: principal.ip,
      target: row.id,
      details: {
        name,
        scopes,
        start: displayStart(row.environment, row.lookupId),
        expires_at: expiresAt?.toISOString() ?? null,
        client_id: client?.clientId ?? null,
        ...auditLineage(lineage),
      },
    });
    return { ...toView(await this.find({ id: row.id }, row.id)), key };
  }

  /** Creates a key with no further checks: for the command line and the services above. */
  async issue(input: IssueKeyInput, repo: Repository<ApiKey> = this.keys): Promise<{ row: ApiKey; key: string }> {
    const generated = generateApiKey(input.environment);
    const row = await repo.save(
      repo.create({
        ownerId: input.ownerId,
        clientPk: input.clientPk,
        name: input.name,
        environment: input.environment,
        lookupId: generated.lookupId,
        keyHash: generated.hash,
        last4: generated.last4,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        revokedAt: null,
        rotatedFrom: input.rotatedFrom ?? null,
        createdVia: input.lineage?.createdVia ?? null,
        parentGrantId: input.lineage?.parentGrantId ?? null,
        parentClientPk: input.lineage?.parentClientPk ?? null,
        rotatedAt: null,
        lastUsedAt: null,
      }),
    );
    return { row, key: generated.key };
  }

  async rotate(principal: Principal, id: string, dto: RotateApiKeyDto | undefined): Promise<RotatedApiKey> {
    const caller = await this.callers.of(principal);
    const ownerId = caller.userId;
    if (!isUuid(id)) throw notFound(id);
    const grace = dto?.grace_period_seconds ?? DEFAULT_GRACE_SECONDS;
    const lineage = await this.callers.lineage(caller);
    const { row, key, previousExpiresAt } = await this.keys.manager.transaction(async (em) => {
      const repo = em.getRepository(ApiKey);
      const old = await repo.findOne({ where: { id, ownerId }, lock: { mode: 'pessimistic_write' } });
      if (!old) throw notFound(id);
      const now = Date.now();
      if (old.revokedAt) throw ProblemError.conflict('This API key is revoked and cannot be rotated; create a new key');
      if (old.rotatedAt) throw ProblemError.conflict('This API key was already rotated; rotate the key that replaced it');
      if (old.expiresAt && old.expiresAt.getTime() <= now) throw ProblemError.conflict('This API key has expired and cannot be rotated; create a new key');
      // Never more: the new key is handed to the caller, so the caller must hold every scope it has.
      refuseMoreThanHeld(principal, caller.role, old.scopes, 'rotate a key that has');
      const deadline = new Date(now + grace * 1000);
      const previous = old.expiresAt && old.expiresAt < deadline ? old.expiresAt : deadline;
      await repo.update({ id: old.id }, { expiresAt: previous, rotatedAt: new Date(now) });
      // The new key is the rotating caller's: it derives from the request that made it (and keeps rotated_from).
      const issued = await this.issue({ ...old, rotatedFrom: old.id, lineage }, repo);
      return { ...issued, previousExpiresAt: previous };
    });
    await this.bus.publish(API_KEYS_CHANNEL, id);
    void this.audit.record({
      type: 'api_key.rotated',
      actorUserId: ownerId,
      actorClientId: principal.clientId ?? null,
      ip: principal.ip,
      target: id,
      details: { new_key_id: row.id, grace_period_seconds: grace, previous_key_expires_at: previousExpiresAt.toISOString(), ...auditLineage(lineage) },
    });
    const fresh = await this.find({ id: row.id }, row.id);
    return { ...toView(fresh), key, previous_key_expires_at: previousExpiresAt.toISOString() };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    const caller = await this.callers.of(principal);
    await this.revokeWhere(id, caller.userId);
    this.auditRevoked(principal, caller.userId, id, false);
  }

  async adminRevoke(principal: Principal, id: string): Promise<void> {
    const caller = await this.callers.admin(principal);
    await this.revokeWhere(id, undefined);
    this.auditRevoked(principal, caller.userId, id, true);
  }

  /** The operator's command line: any owner's keys (or one owner's), newest first. */
  operatorList(ownerId: string | undefined, limit: number): Promise<Page<ApiKeyView>> {
    return this.page(ownerId, { limit });
  }

  async operatorGet(id: string): Promise<ApiKeyView> {
    return toView(await this.find({ id }, id));
  }

  /** As adminRevoke, for the command line (no principal: audited with via "cli"). */
  async operatorRevoke(id: string): Promise<ApiKeyView> {
    await this.revokeWhere(id, undefined);
    await this.audit.record({ type: 'api_key.revoked', target: id, details: { by_admin: true, via: 'cli' } });
    return this.operatorGet(id);
  }

  private auditRevoked(principal: Principal, actorUserId: string, id: string, byAdmin: boolean): void {
    void this.audit.record({
      type: 'api_key.revoked',
      actorUserId,
      actorClientId: principal.clientId ?? null,
      ip: principal.ip,
      target: id,
      details: { by_admin: byAdmin },
    });
  }

  /** Revokes now (idempotent: a second revoke keeps the first time). Another owner's key is 404. */
  private async revokeWhere(id: string, ownerId: string | undefined): Promise<void> {
    if (!isUuid(id)) throw notFound(id);
    const qb = this.keys
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'COALESCE(revoked_at, now())' })
      .where('id = :id', { id });
    if (ownerId !== undefined) qb.andWhere('owner_id = :ownerId', { ownerId });
    const result = await qb.execute();
    if (!result.affected) throw notFound(id);
    await this.bus.publish(API_KEYS_CHANNEL, id);
  }

  private async page(ownerId: string | undefined, q: PageQuery & { status?: KeyFilter }): Promise<Page<ApiKeyView>> {
    const limit = q.limit ?? 20;
    const after = decodeCursor(q.cursor);
    const qb = this.keys
      .createQueryBuilder('k')
      .leftJoinAndSelect('k.client', 'c')
      .leftJoinAndSelect('k.parentClient', 'pc')
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(limit + 1);
    if (ownerId !== undefined) qb.andWhere('k.owner_id = :ownerId', { ownerId });
    if (after) qb.andWhere('(k.created_at, k.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    applyKeyFilter(qb, q.status);
    return toPage(await qb.getMany(), limit, (k) => toView(k));
  }

  private async find(where: FindOptionsWhere<ApiKey>, id: string): Promise<ApiKey> {
    const row = isUuid(id) ? await this.keys.findOne({ where, relations: { client: true, parentClient: true } }) : null;
    if (!row) throw notFound(id);
    return row;
  }

  /** The client a new key is for: the one named (it must be the owner's), or the calling client. */
  private async clientFor(principal: Principal, ownerId: string, clientId: string | undefined): Promise<Client | null> {
    const wanted = clientId ?? (principal.kind === 'client' ? principal.clientId : undefined);
    if (wanted === undefined) return null;
    const client = await this.clients.findByClientId(wanted);
    if (!client || client.ownerId !== ownerId) throw ProblemError.validation([{ field: 'client_id', message: 'client_id is not one of your clients' }]);
    return client;
  }
}

function notFound(id: string): ProblemError {
  return ProblemError.notFound(`API key ${id.slice(0, 64)}`);
}

export function toView(k: ApiKey, clientId: string | null = k.client?.clientId ?? null): ApiKeyView {
  const now = Date.now();
  return {
    id: k.id,
    name: k.name,
    start: displayStart(k.environment, k.lookupId),
    last4: k.last4,
    environment: k.environment,
    scopes: k.scopes,
    client_id: clientId,
    owner_id: k.ownerId,
    status: k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt.getTime() <= now ? 'expired' : 'active',
    expires_at: k.expiresAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    rotated_from: k.rotatedFrom,
    rotated_at: k.rotatedAt?.toISOString() ?? null,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    ...provenanceOf(k),
  };
}
