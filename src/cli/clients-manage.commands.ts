import { AuditService } from '../audit/audit.service.js';
import { toClientView, type ClientView } from '../clients/client.dto.js';
import { Client, TOKEN_SIGNING_ALGS } from '../clients/client.entity.js';
import { homepageUrlProblem, postLogoutUrisProblem, redirectUrisProblem, scopesProblem } from '../clients/client-rules.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ClientsService } from '../clients/clients.service.js';
import { ChangeBusModule } from '../platform/change-bus/change-bus.module.js';
import type { Database } from '../platform/database/data-source.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { CliError, command, list, optional, optionalOneOf, problem, required } from './command.js';
import { CLIENTS_LIST_LIMIT } from './commands.js';

const LIST_LIMIT = CLIENTS_LIST_LIMIT;
const STATUSES = ['active', 'disabled'] as const;

/** The client as stored now (not the auth cache), or a one-line failure. */
async function findClient(db: Database, clientId: string): Promise<Client> {
  const client = clientId.length <= 200 ? await db.dataSource.getRepository(Client).findOneBy({ clientId }) : null;
  if (!client) throw new CliError(`No client has the client_id ${clientId.slice(0, 80)}`);
  return client;
}

export function clientText(c: ClientView): string[] {
  return [
    `client_id:     ${c.client_id}`,
    `name:          ${c.name}`,
    `type:          ${c.type} (${c.application_type})`,
    `status:        ${c.status}`,
    `owner_id:      ${c.owner_id ?? '(none)'}`,
    `grant_types:   ${c.grant_types.join(' ')}`,
    `scopes:        ${c.scopes.join(' ')}`,
    `redirect_uris: ${c.redirect_uris.join(' ') || '(none)'}`,
    `resource_server: ${c.resource_server ? 'yes (may introspect any access token of the API audience)' : 'no'}`,
    `access_token_signed_response_alg: ${c.access_token_signed_response_alg}`,
    `id_token_signed_response_alg:     ${c.id_token_signed_response_alg}`,
    `post_logout_redirect_uris: ${c.post_logout_redirect_uris.join(' ') || '(none)'}`,
    `homepage_url: ${c.homepage_url ?? '(none)'}`,
    `created_at:    ${c.created_at}`,
  ];
}

export const clientsList = command({
  imports: [UsersModule],
  parse: (flags) => ({ owner: optional(flags, 'owner') }),
  async run({ app, db }, { owner }) {
    let ownerId: string | undefined;
    if (owner !== undefined) {
      const user = await app.get(UsersService).findByEmail(owner);
      if (!user) throw new CliError(`No user has the email ${owner}`);
      ownerId = user.id;
    }
    const rows = await db.dataSource
      .getRepository(Client)
      .find({ where: ownerId ? { ownerId } : {}, order: { createdAt: 'DESC', id: 'DESC' }, take: LIST_LIMIT + 1 });
    const data = rows.slice(0, LIST_LIMIT).map(toClientView);
    const text = data.map((c) => `${c.client_id}  ${c.type.padEnd(12)}  ${c.status.padEnd(8)}  ${c.name}`);
    if (rows.length > LIST_LIMIT) text.push(`(first ${LIST_LIMIT} shown: narrow with --owner)`);
    return { json: { data, more: rows.length > LIST_LIMIT }, text: text.length ? text : ['(no clients)'] };
  },
});

export const clientsGet = command({
  parse: (flags) => ({ clientId: required(flags, 'client-id') }),
  async run({ db }, { clientId }) {
    const view = toClientView(await findClient(db, clientId));
    return { json: { ...view }, text: clientText(view) };
  },
});

export const clientsUpdate = command({
  imports: [ChangeBusModule, ClientsModule],
  parse(flags) {
    const clientId = required(flags, 'client-id');
    const status = optionalOneOf(flags, 'status', STATUSES);
    const scopesFlag = optional(flags, 'scopes');
    const scopes = scopesFlag === undefined ? undefined : list(scopesFlag);
    const urisFlag = flags['redirect-uris'];
    const redirectUris = typeof urisFlag === 'string' ? [...new Set(urisFlag.split(/\s+/).filter(Boolean))] : undefined;
    const accessTokenSignedResponseAlg = optionalOneOf(flags, 'access-token-signed-response-alg', TOKEN_SIGNING_ALGS);
    const idTokenSignedResponseAlg = optionalOneOf(flags, 'id-token-signed-response-alg', TOKEN_SIGNING_ALGS);
    const algs = { accessTokenSignedResponseAlg, idTokenSignedResponseAlg };
    const logoutFlag = flags['post-logout-redirect-uris'];
    const postLogoutRedirectUris = typeof logoutFlag === 'string' ? [...new Set(logoutFlag.split(/\s+/).filter(Boolean))] : undefined;
    const homeFlag = flags['homepage-url'];
    // An empty --homepage-url '' removes it.
    const homepageUrl = typeof homeFlag === 'string' ? homeFlag.trim() || null : undefined;
    const homepageIssue = homepageUrl ? homepageUrlProblem(homepageUrl) : undefined;
    if (homepageIssue) problem(`--homepage-url: ${homepageIssue}`);
    const noAlg = !algs.accessTokenSignedResponseAlg && !algs.idTokenSignedResponseAlg;
    const nothing = [status, scopes, redirectUris, postLogoutRedirectUris, homepageUrl].every((v) => v === undefined);
    if (nothing && noAlg) {
      problem(
        'nothing to change: give --status, --scopes, --redirect-uris, --post-logout-redirect-uris, --homepage-url, --access-token-signed-response-alg and/or --id-token-signed-response-alg',
      );
    }
    const logoutIssue = postLogoutRedirectUris && postLogoutUrisProblem(postLogoutRedirectUris);
    if (logoutIssue) problem(`--post-logout-redirect-uris: ${logoutIssue}`);
    const scopesIssue = scopes && scopesProblem(scopes);
    if (scopesIssue) problem(`--scopes: ${scopesIssue}`);
    return { clientId, status, scopes, redirectUris, postLogoutRedirectUris, homepageUrl, algs };
  },
  async run({ app, db }, { clientId, status, scopes, redirectUris, postLogoutRedirectUris, homepageUrl, algs }) {
    const client = await findClient(db, clientId);
    const uris = redirectUris ?? client.redirectUris;
    const problem = redirectUrisProblem(client.grantTypes, uris);
    if (problem) throw CliError.usage(`--redirect-uris: ${problem}`);
    const fields = Object.fromEntries(
      Object.entries({ status, scopes, redirectUris, postLogoutRedirectUris, homepageUrl, ...algs }).filter(([, v]) => v !== undefined),
    );
    await app.get(ClientsService).update(client, fields);
    const audit = app.get(AuditService);
    if (status !== undefined && status !== client.status) {
      await audit.record({ type: status === 'disabled' ? 'client.disabled' : 'client.enabled', target: client.clientId, details: { via: 'cli' } });
    }
    if (
      scopes !== undefined ||
      redirectUris !== undefined ||
      postLogoutRedirectUris !== undefined ||
      homepageUrl !== undefined ||
      algs.accessTokenSignedResponseAlg ||
      algs.idTokenSignedResponseAlg
    ) {
      await audit.record({
        type: 'client.updated',
        target: client.clientId,
        details: {
          via: 'cli',
          scopes,
          redirect_uris: redirectUris,
          post_logout_redirect_uris: postLogoutRedirectUris,
          homepage_url: homepageUrl,
          access_token_signed_response_alg: algs.accessTokenSignedResponseAlg,
          id_token_signed_response_alg: algs.idTokenSignedResponseAlg,
        },
      });
    }
    const view = toClientView(await findClient(db, clientId));
    return { json: { ...view }, text: [`Updated ${view.name}`, ...clientText(view)] };
  },
});

export const clientsDelete = command({
  imports: [ChangeBusModule, ClientsModule],
  parse: (flags) => ({ clientId: required(flags, 'client-id') }),
  async run({ app, db }, { clientId }) {
    const client = await findClient(db, clientId);
    await db.dataSource.getRepository(Client).delete({ id: client.id });
    await app.get(ClientsService).changed(client.clientId);
    await app.get(AuditService).record({ type: 'client.deleted', target: client.clientId, details: { via: 'cli', byAdmin: true } });
    return { json: { client_id: client.clientId, deleted: true }, text: [`Deleted client "${client.name}" (${client.clientId})`] };
  },
});
