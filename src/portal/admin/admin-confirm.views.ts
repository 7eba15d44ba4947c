import type { ApiKeyView } from '../../api-keys/api-key.dto.js';
import type { Client } from '../../clients/client.entity.js';
import { html } from '../../platform/html/html.js';
import type { Confirmation } from '../confirm.views.js';

/** The one-time notices of the admin lists (`?done=`): fixed texts, never text from the URL. */
export const ADMIN_NOTICES: Readonly<Record<string, string>> = {
  'user-disabled': 'The user was disabled: their sessions, tokens, clients and keys stopped working.',
  'user-enabled': 'The user was enabled again.',
  'user-admin': 'The user is now an admin.',
  'user-developer': 'The user is now a developer.',
  'user-unlocked': 'Sign-in was unlocked for the user.',
  'client-deleted': 'The application was deleted.',
  'client-disabled': 'The application was disabled: it gets no tokens, and its access tokens are refused.',
  'client-enabled': 'The application was enabled again.',
  'client-directory': "The application's tokens now see the whole user directory.",
  'client-owner-only': "The application's tokens now see only its owner's record.",
  'client-resource-server': 'The application is now a resource server: it may introspect any access token of the API.',
  'client-own-tokens': 'The application may now introspect only its own tokens.',
  'key-revoked': 'The API key was revoked on every instance.',
};

type UserLike = { id: string; email: string; role: string; status: string };

/** The user actions of the console: the form's `action`, the page's words and the notice after. */
export const USER_ACTIONS: Readonly<Record<string, { verb: string; what: string; done: string; danger: boolean; detailPath?: string; detailOnly?: true }>> = {
  disable: {
    verb: 'Disable',
    what: 'They can no longer sign in; their sessions end, and the tokens of their code-flow apps, the clients they own and their API keys stop working at once.',
    done: 'user-disabled',
    danger: true,
  },
  enable: { verb: 'Enable', what: 'They can sign in again; their clients and API keys work again.', done: 'user-enabled', danger: false },
  make_admin: {
    verb: 'Make admin',
    what: 'They get the admin console and the admin API: every user, application, key and the audit trail.',
    done: 'user-admin',
    danger: true,
  },
  make_developer: { verb: 'Make developer', what: 'They lose the admin console and the admin API.', done: 'user-developer', danger: true },
  unlock: {
    verb: 'Unlock sign-in',
    what: 'Failed sign-ins counted against the account are forgotten.',
    done: 'user-unlocked',
    danger: false,
    detailPath: 'unlock',
  },
  // Only from the user's detail page (`back=detail`): its POST is the detail page's own route.
  sign_out_everywhere: {
    verb: 'Sign out everywhere',
    what: 'Every session of theirs ends at once, in every browser; they can sign in again.',
    done: 'sessions-ended',
    danger: true,
    detailPath: 'sessions/end',
    detailOnly: true,
  },
};

/**
 * The confirmation of a user action. From the list, Confirm POSTs the action to the list's route and
 * Cancel goes back to the list as it was (`back` is its query); from the detail page (`back=detail`),
 * both go to the detail page's own routes.
 */

export function userConfirmation(u: UserLike, action: string, back: string): Confirmation | undefined {
  const a = USER_ACTIONS[action];
  const detail = `/portal/admin/users/${u.id}`;
  if (back === 'detail') {
    if (!a.detailPath) return undefined;
    const what = html`<p>${a.verb} for the account <strong>${u.email}</strong> (${u.role}, ${u.status}).</p>
      <p>${a.what}</p>`;
    return { heading: `${a.verb}: ${u.email}?`, what, action: `${detail}/${a.detailPath}`, fields: {}, confirm: a.verb, danger: a.danger, cancel: detail };
  }
  if (a.detailOnly) return undefined;
  return {
    heading: `${a.verb}: ${u.email}?`,
    what: html`<p>${a.verb} the account <strong>${u.email}</strong> (${u.role}, ${u.status}).</p>
      <p>${a.what}</p>`,
    action: `/portal/admin/users/${u.id}`,
    fields: { action, back },
    confirm: a.verb,
    danger: a.danger,
    cancel: `/portal/admin/users${back ? `?${back}` : ''}`,
  };
}

/** The client actions: which POST, which field, the words and the notice. */
export const CLIENT_ACTIONS: Readonly<
  Record<string, { path: string; fields: Record<string, string>; verb: string; what: string; done: string; danger: boolean }>
> = {
  delete: {
    path: 'delete',
    fields: {},
    verb: 'Delete',
    what: 'It is removed for good: it gets no more tokens, the access and refresh tokens it holds stop working at once, and its owner cannot undo it.',
    done: 'client-deleted',
    danger: true,
  },
  disable: {
    path: 'status',
    fields: { status: 'disabled' },
    verb: 'Disable',
    what: 'It gets no tokens, and the access tokens it holds are refused at once on every instance, until it is enabled again.',
    done: 'client-disabled',
    danger: true,
  },
  enable: { path: 'status', fields: { status: 'active' }, verb: 'Enable', what: 'It may get tokens again.', done: 'client-enabled', danger: false },
  allow_directory: {
    path: 'directory',
    fields: { access: 'whole' },
    verb: 'Allow the whole directory',
    what: 'Its own tokens with users:read will see every user on GET /v1/users, not only its owner.',
    done: 'client-directory',
    danger: true,
  },
  owner_only: {
    path: 'directory',
    fields: { access: 'owner' },
    verb: 'Owner only',
    what: "Its own tokens with users:read will see only its owner's record (unless the owner is an admin).",
    done: 'client-owner-only',
    danger: false,
  },
  make_resource_server: {
    path: 'resource-server',
    fields: { introspect: 'any' },
    verb: 'Make resource server',
    what: 'It may introspect any access token issued for the API audience, not only its own.',
    done: 'client-resource-server',
    danger: true,
  },
  own_tokens: {
    path: 'resource-server',
    fields: { introspect: 'own' },
    verb: 'Own tokens only',
    what: 'It may introspect only its own tokens again.',
    done: 'client-own-tokens',
    danger: false,
  },
};

/** The notice after a client POST, by the path and the value sent. */
export function clientDone(path: string, value: string): string {
  const hit = Object.values(CLIENT_ACTIONS).find((a) => a.path === path && Object.values(a.fields).every((v) => v === value));
  return hit?.done ?? '';
}

export const FIRST_PARTY_WARNING =
  'This is a first-party client (Gatehouse itself uses it, e.g. Swagger UI\'s "Authorize"). It cannot be deleted from the console; disabling it breaks that feature until you enable it again.';

export function clientConfirmation(c: Client, action: string, owner: string | undefined): Confirmation {
  const a = CLIENT_ACTIONS[action];
  const at = `/portal/admin/clients/${encodeURIComponent(c.clientId)}`;
  return {
    heading: `${a.verb}: ${c.name}?`,
    what: html`<p>
        ${a.verb} the application <strong>${c.name}</strong> (<code>${c.clientId}</code>), ${c.type}, owned by
        ${owner ?? html`<span class="muted">nobody (system)</span>`}.
      </p>
      <p>${a.what}</p>`,
    warning: c.firstParty ? FIRST_PARTY_WARNING : undefined,
    action: `${at}/${a.path}`,
    fields: a.fields,
    confirm: a.verb,
    danger: a.danger,
    cancel: '/portal/admin/clients',
  };
}

export function keyConfirmation(k: ApiKeyView, owner: string | undefined): Confirmation {
  return {
    heading: `Revoke the API key ${k.name}?`,
    what: html`<p>
        Revoke <strong>${k.name}</strong> (<code>${k.start}…${k.last4}</code>), owned by ${owner ?? k.owner_id}, scopes <code>${k.scopes.join(' ')}</code>.
      </p>
      <p>It stops working at once on every instance; this cannot be undone (its owner can create a new key).</p>`,
    action: `/portal/admin/keys/${k.id}/revoke`,
    confirm: 'Revoke',
    danger: true,
    cancel: '/portal/admin/keys',
  };
}
