import { AuditService } from '../audit/audit.service.js';
import { APPLICATION_TYPES, TOKEN_SIGNING_ALGS, type ClientType, type GrantType } from '../clients/client.entity.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ClientsService } from '../clients/clients.service.js';
import { ChangeBusModule } from '../platform/change-bus/change-bus.module.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import {
  applicationTypeProblem,
  grantsProblem,
  homepageUrlProblem,
  postLogoutUrisProblem,
  redirectUrisProblem,
  resourceServerProblem,
  scopesProblem,
} from '../clients/client-rules.js';
import { CliError, command, list, oneOf, optional, optionalOneOf, problem, required } from './command.js';
import { CLI_LINEAGE } from '../clients/lineage.js';

const TYPES: readonly ClientType[] = ['confidential', 'public'];
const DEFAULT_GRANTS: Record<ClientType, string> = { confidential: 'client_credentials', public: 'authorization_code refresh_token' };
const DEFAULT_SCOPES = 'users:read data:read';
const MAX_NAME = 200;
/** --directory-access: what the client's own tokens with users:read see on GET /v1/users (see DirectoryService). */
const ACCESS = ['whole', 'owner'] as const;
/** --introspect: any access token of the API audience (a resource server), or only the client's own tokens. */
const INTROSPECT = ['any', 'own'] as const;

export const clientsCreate = command({
  imports: [UsersModule, ClientsModule],
  parse(flags) {
    const name = required(flags, 'name');
    if (name.length > MAX_NAME) problem(`--name must be at most ${MAX_NAME} characters`);
    const type = oneOf('type', optional(flags, 'type') ?? 'confidential', TYPES);
    const applicationType = oneOf('application-type', optional(flags, 'application-type') ?? 'web', APPLICATION_TYPES);
    const grants = list(optional(flags, 'grants') ?? DEFAULT_GRANTS[type]);
    const scopes = list(optional(flags, 'scopes') ?? DEFAULT_SCOPES);
    const redirectUris = [...new Set((optional(flags, 'redirect-uris') ?? '').split(/\s+/).filter(Boolean))];
    const postLogoutRedirectUris = [...new Set((optional(flags, 'post-logout-redirect-uris') ?? '').split(/\s+/).filter(Boolean))];
    const logoutIssue = postLogoutUrisProblem(postLogoutRedirectUris);
    if (logoutIssue) problem(`--post-logout-redirect-uris: ${logoutIssue}`);
    const homepageUrl = optional(flags, 'homepage-url');
    const homepageIssue = homepageUrl === undefined ? undefined : homepageUrlProblem(homepageUrl);
    if (homepageIssue) problem(`--homepage-url: ${homepageIssue}`);
    const issue =
      applicationTypeProblem(type, applicationType) ??
      grantsProblem(type, grants) ??
      scopesProblem(scopes) ??
      redirectUrisProblem(grants as GrantType[], redirectUris);
    if (issue) problem(issue);
    const directoryAccess = oneOf('directory-access', optional(flags, 'directory-access') ?? 'owner', ACCESS) === 'whole';
    const accessTokenSignedResponseAlg = optionalOneOf(flags, 'access-token-signed-response-alg', TOKEN_SIGNING_ALGS);
    const idTokenSignedResponseAlg = optionalOneOf(flags, 'id-token-signed-response-alg', TOKEN_SIGNING_ALGS);
    return {
      name,
      owner: optional(flags, 'owner'),
      type,
      applicationType,
      grantTypes: grants as GrantType[],
      scopes,
      redirectUris,
      postLogoutRedirectUris,
      homepageUrl: homepageUrl ?? null,
      directoryAccess,
      accessTokenSignedResponseAlg,
      idTokenSignedResponseAlg,
    };
  },
  async run({ app }, { owner, directoryAccess, ...input }) {
    let ownerId: string | null = null;
    if (owner !== undefined) {
      const user = await app.get(UsersService).findByEmail(owner);
      if (!user) throw new CliError(`No user has the email ${owner}: create one first with users:create`);
      ownerId = user.id;
    }
    const clients = app.get(ClientsService);
    const { client, clientSecret } = await clients.create({ ...input, ownerId, lineage: CLI_LINEAGE });
    if (directoryAccess) await clients.update(client, { directoryAccess });
    const text = [`Created ${client.type} client "${client.name}"`, `  client_id:     ${client.clientId}`];
    if (clientSecret) text.push(`  client_secret: ${clientSecret}   (shown once: store it now)`);
    text.push(`  tokens signed: access ${client.accessTokenSignedResponseAlg}, ID ${client.idTokenSignedResponseAlg}`);
    return { json: { client_id: client.clientId, ...(clientSecret ? { client_secret: clientSecret } : {}) }, text };
  },
});

export const clientsDirectory = command({
  imports: [ChangeBusModule, UsersModule, ClientsModule],
  parse(flags) {
    return { clientId: required(flags, 'client-id'), access: oneOf('access', required(flags, 'access'), ACCESS) };
  },
  async run({ app }, { clientId, access }) {
    const clients = app.get(ClientsService);
    const client = await clients.findByClientId(clientId);
    if (!client) throw new CliError(`No client has the client_id ${clientId}`);
    const directoryAccess = access === 'whole';
    await clients.update(client, { directoryAccess });
    await app.get(AuditService).record({ type: 'client.updated', target: client.clientId, details: { via: 'cli', directory_access: directoryAccess } });
    return {
      json: { client_id: client.clientId, directory_access: directoryAccess },
      text: [`${client.name} (${client.clientId}): its own tokens with users:read now see ${directoryAccess ? 'every user' : "only its owner's record"}`],
    };
  },
});

export const clientsResourceServer = command({
  imports: [ChangeBusModule, UsersModule, ClientsModule],
  parse(flags) {
    return { clientId: required(flags, 'client-id'), introspect: oneOf('introspect', required(flags, 'introspect'), INTROSPECT) };
  },
  async run({ app }, { clientId, introspect }) {
    const clients = app.get(ClientsService);
    const client = await clients.findByClientId(clientId);
    if (!client) throw new CliError(`No client has the client_id ${clientId.slice(0, 80)}`);
    const resourceServer = introspect === 'any';
    const refused = resourceServer ? resourceServerProblem(client.type) : undefined;
    if (refused) throw new CliError(`${client.clientId}: ${refused}`);
    if (client.resourceServer !== resourceServer) {
      await clients.update(client, { resourceServer });
      await app.get(AuditService).record({ type: 'client.updated', target: client.clientId, details: { via: 'cli', resource_server: resourceServer } });
    }
    return {
      json: { client_id: client.clientId, resource_server: resourceServer },
      text: [
        `${client.name} (${client.clientId}): at POST /oauth2/introspect it may now ask about ${resourceServer ? 'any access token issued for the API audience (a resource server)' : 'its own tokens only'}`,
      ],
    };
  },
});
