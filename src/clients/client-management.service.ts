import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { decodeCursor, toPage, type Page } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { CallerService, type ActingUser } from './caller.service.js';
import { Client, type ClientType, type GrantType } from './client.entity.js';
import { CreateClientDto, toClientView, UpdateClientDto, type ClientView } from './client.dto.js';
import { clientRuleErrors, resourceServerProblem } from './client-rules.js';
import { ClientsService } from './clients.service.js';
import { auditLineage, refuseMoreThanHeld } from './lineage.js';
import { containsPattern } from '../platform/database/like.js';

const DEFAULT_GRANTS: Record<ClientType, GrantType[]> = { confidential: ['client_credentials'], public: ['authorization_code', 'refresh_token'] };
const DEFAULT_SCOPES = ['data:read'];

export interface ClientFilter {
  q?: string;
  ownerId?: string;
  status?: 'active' | 'disabled';
}
export const DEFAULT_GRACE_SECONDS = 86400;

/**
 * The management API's view of clients: every read and write is scoped by the owner, so another
 * owner's client is always 404, never 403 (nothing tells it exists).
 */
@Injectable()
export class ClientManagementService {
  constructor(
    @InjectRepository(Client) private readonly repo: Repository<Client>,
    private readonly clients: ClientsService,
    private readonly audit: AuditService,
    private readonly callers: CallerService,
  ) {}

  /** The caller's clients; with `all` (admins), every owner's, narrowed by `filter`. */
  async list(caller: ActingUser, limit: number, cursor: string | undefined, all = false, filter: ClientFilter = {}): Promise<Page<ClientView>> {
    const after = decodeCursor(cursor);
    const qb = this.repo
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.parentClient', 'pc')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (!all) qb.andWhere('c.owner_id = :owner', { owner: caller.userId });
    else if (filter.ownerId) qb.andWhere('c.owner_id = :owner', { owner: filter.ownerId });
    if (all && filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (all && filter.q) {
      qb.andWhere("(c.name ILIKE :q ESCAPE '\\' OR c.client_id ILIKE :q ESCAPE '\\')", { q: containsPattern(filter.q) });
    }
    if (after) qb.andWhere('(c.created_at, c.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    return toPage(await qb.getMany(), limit, toClientView);
  }

  /** Admins: disable a client (its access tokens are refused on every instance at once) or enable it again. */
  async setStatus(admin: ActingUser, clientId: string, status: 'active' | 'disabled'): Promise<ClientView> {
    const client = await this.get(admin, clientId, true);
    if (client.status !== status) {
      await this.clients.update(client, { status });
      void this.audit.record({
        type: status === 'disabled' ? 'client.disabled' : 'client.enabled',
        actorUserId: admin.userId,
        target: client.clientId,
        ip: admin.ip,
      });
    }
    return toClientView(await this.get(admin, clientId, true));
  }

  /** Admins: allow the client's own tokens the whole user directory on GET /v1/users, or take it back. */
  async setDirectoryAccess(admin: ActingUser, clientId: string, allowed: boolean): Promise<ClientView> {
    const client = await this.get(admin, clientId, true);
    if (client.directoryAccess !== allowed) {
      await this.clients.update(client, { directoryAccess: allowed });
      void this.audit.record({
        type: 'client.updated',
        actorUserId: admin.userId,
        target: client.clientId,
        ip: admin.ip,
        details: { directory_access: allowed },
      });
    }
    return toClientView(await this.get(admin, clientId, true));
  }

  /**
   * Admins: mark a confidential client as a resource server of the API audience (it may introspect
   * any access token issued for it), or take that back. A public client is refused (400).
   */
  async setResourceServer(admin: ActingUser, clientId: string, on: boolean): Promise<ClientView> {
    const client = await this.get(admin, clientId, true);
    const problem = on ? resourceServerProblem(client.type) : undefined;
    if (problem) throw ProblemError.badRequest(`Client ${client.clientId}: ${problem}`);
    if (client.resourceServer !== on) {
      await this.clients.update(client, { resourceServer: on });
      void this.audit.record({
        type: 'client.updated',
        actorUserId: admin.userId,
        target: client.clientId,
        ip: admin.ip,
        details: { resource_server: on },
      });
    }
    return toClientView(await this.get(admin, clientId, true));
  }

  /** The client_ids of the first-party clients (Gatehouse's own, e.g. Swagger UI's): the console disables them, never deletes. */
  async firstPartyIds(): Promise<Set<string>> {
    const rows = await this.repo.find({ where: { firstParty: true }, select: { clientId: true } });
    return new Set(rows.map((r) => r.clientId));
  }

  async get(caller: ActingUser, clientId: string, asAdmin = false): Promise<Client> {
    const where = asAdmin ? { clientId } : { clientId, ownerId: caller.userId };
    const client = clientId.length <= 200 ? await this.repo.findOne({ where, relations: { parentClient: true } }) : null;
    if (!client) throw ProblemError.notFound(`Client ${clientId.slice(0, 80)}`);
    return client;
  }

  async create(caller: ActingUser, dto: CreateClientDto): Promise<ClientView & { client_secret?: string }> {
    const type = dto.type ?? 'confidential';
    const grantTypes = dto.grant_types ?? DEFAULT_GRANTS[type];
    const scopes = dto.scopes ?? DEFAULT_SCOPES;
    const redirectUris = [...new Set(dto.redirect_uris ?? [])];
    const applicationType = dto.application_type ?? 'web';
    const postLogoutRedirectUris = [...new Set(dto.post_logout_redirect_uris ?? [])];
    const homepageUrl = dto.homepage_url || null;
    check(caller, { type, applicationType }, grantTypes, scopes, redirectUris, postLogoutRedirectUris, homepageUrl);
    refuseMoreThanHeld(caller.principal, caller.role, scopes, 'register a client');
    const lineage = await this.callers.lineage(caller);
    const { client, clientSecret } = await this.clients.create({
      name: dto.name,
      type,
      applicationType,
      ownerId: caller.userId,
      grantTypes,
      scopes,
      redirectUris,
      accessTokenSignedResponseAlg: dto.access_token_signed_response_alg,
      idTokenSignedResponseAlg: dto.id_token_signed_response_alg,
      postLogoutRedirectUris,
      homepageUrl,
      lineage,
    });
    void this.audit.record({
      type: 'client.created',
      actorUserId: caller.userId,
      actorClientId: caller.principal?.clientId ?? null,
      target: client.clientId,
      ip: caller.ip,
      details: { type, application_type: applicationType, grant_types: grantTypes, scopes, ...algs(client), ...auditLineage(lineage) },
    });
    const view = toClientView(await this.get(caller, client.clientId));
    return { ...view, ...(clientSecret ? { client_secret: clientSecret } : {}) };
  }

  async update(caller: ActingUser, clientId: string, dto: UpdateClientDto): Promise<ClientView> {
    const client = await this.get(caller, clientId);
    const grantTypes = dto.grant_types ?? client.grantTypes;
    const scopes = dto.scopes ?? client.scopes;
    const redirectUris = dto.redirect_uris ? [...new Set(dto.redirect_uris)] : client.redirectUris;
    const applicationType = dto.application_type ?? client.applicationType;
    const postLogoutRedirectUris = dto.post_logout_redirect_uris ? [...new Set(dto.post_logout_redirect_uris)] : client.postLogoutRedirectUris;
    const homepageUrl = dto.homepage_url === undefined ? client.homepageUrl : dto.homepage_url || null;
    check(caller, { type: client.type, applicationType }, grantTypes, scopes, redirectUris, postLogoutRedirectUris, homepageUrl);
    // The whole result, not only what changed: new redirect URIs or grant types on a client with more
    // than the caller holds would hand the caller that client's tokens.
    refuseMoreThanHeld(caller.principal, caller.role, scopes, 'change a client that has');
    Object.assign(client, {
      name: dto.name ?? client.name,
      applicationType,
      grantTypes,
      scopes,
      redirectUris,
      postLogoutRedirectUris,
      homepageUrl,
      accessTokenSignedResponseAlg: dto.access_token_signed_response_alg ?? client.accessTokenSignedResponseAlg,
      idTokenSignedResponseAlg: dto.id_token_signed_response_alg ?? client.idTokenSignedResponseAlg,
    });
    const saved = await this.repo.save(client);
    await this.clients.changed(client.clientId);
    void this.audit.record({
      type: 'client.updated',
      actorUserId: caller.userId,
      target: client.clientId,
      ip: caller.ip,
      details: {
        application_type: applicationType,
        grant_types: grantTypes,
        scopes,
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutRedirectUris,
        homepage_url: homepageUrl,
        ...algs(client),
      },
    });
    return toClientView(saved);
  }

  async remove(caller: ActingUser, clientId: string, asAdmin = false): Promise<void> {
    const client = await this.get(caller, clientId, asAdmin);
    // Gatehouse's own clients (Swagger UI's) are disabled, never deleted, from the console and the API (the operator's CLI still can).
    if (client.firstParty) throw ProblemError.conflict('A first-party client cannot be deleted: disable it instead');
    await this.repo.delete({ id: client.id });
    await this.clients.changed(client.clientId);
    void this.audit.record({ type: 'client.deleted', actorUserId: caller.userId, target: client.clientId, ip: caller.ip, details: { by_admin: asAdmin } });
  }

  async rotateSecret(
    caller: ActingUser,
    clientId: string,
    graceSeconds = DEFAULT_GRACE_SECONDS,
  ): Promise<{ client_id: string; client_secret: string; previous_secret_expires_at: string }> {
    const client = await this.get(caller, clientId);
    if (client.type !== 'confidential') throw ProblemError.badRequest('A public client has no secret to rotate');
    // A new secret is the client's every scope: never to a caller that holds less.
    refuseMoreThanHeld(caller.principal, caller.role, client.scopes, 'rotate the secret of a client that has');
    const { clientSecret, previousSecretExpiresAt } = await this.clients.rotateSecret(client, graceSeconds);
    void this.audit.record({
      type: 'client.secret_rotated',
      actorUserId: caller.userId,
      target: client.clientId,
      ip: caller.ip,
      details: { grace_period_seconds: graceSeconds },
    });
    return { client_id: client.clientId, client_secret: clientSecret, previous_secret_expires_at: previousSecretExpiresAt.toISOString() };
  }
}

/** The signing algorithms of a client, for the audit trail (snake_case, as every detail key). */
function algs(c: Client): { access_token_signed_response_alg: string; id_token_signed_response_alg: string } {
  return { access_token_signed_response_alg: c.accessTokenSignedResponseAlg, id_token_signed_response_alg: c.idTokenSignedResponseAlg };
}

function check(
  caller: ActingUser,
  kind: { type: ClientType; applicationType: string },
  grants: string[],
  scopes: string[],
  uris: string[],
  logoutUris: string[],
  homepageUrl: string | null,
): void {
  const errors = clientRuleErrors(caller.role, kind, grants, scopes, uris, logoutUris, homepageUrl);
  if (errors.length) throw ProblemError.validation(errors);
}
