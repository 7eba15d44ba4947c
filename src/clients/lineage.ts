import type { Principal } from '../auth/principal.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { ALL_SCOPES } from '../auth/scopes.js';
import type { UserRole } from '../users/user.entity.js';

/**
 * How a client or an API key was made (its lineage):
 * - `session`: by its owner in the portal (or with the portal session on the API);
 * - `cli`: by the operator on the command line;
 * - `grant`: by an app, with a user's token of the code flow (`parent_grant_id` is that consent);
 * - `client`: by a client acting for its owner with a client-credentials token.
 * For `grant` and `client`, `parent_client_pk` is the app that made it. NULL: made before lineage was
 * recorded; such a credential belongs to its owner directly.
 */
export type CreatedVia = 'session' | 'cli' | 'grant' | 'client';

export interface Lineage {
  createdVia: CreatedVia;
  parentGrantId: string | null;
  /** The creating client's internal id (clients.id). */
  parentClientPk: string | null;
}

/** The lineage of something a request makes: `parentClientPk` is the pk of the request's client (when a token made it). */
export function lineageOf(principal: Pick<Principal, 'scheme' | 'grantId'>, parentClientPk: string | null): Lineage {
  if (principal.scheme === 'session') return { createdVia: 'session', parentGrantId: null, parentClientPk: null };
  if (principal.grantId !== undefined) return { createdVia: 'grant', parentGrantId: principal.grantId, parentClientPk };
  return { createdVia: 'client', parentGrantId: null, parentClientPk };
}

/** The lineage of what the operator makes on the command line. */
export const CLI_LINEAGE: Lineage = Object.freeze({ createdVia: 'cli', parentGrantId: null, parentClientPk: null });

/**
 * The scopes a credential made through this request may hold ("never more"): a token's own scopes
 * (already bounded by its client and its grant); the portal session acts with its user's full rights
 * (every scope, `admin` only for admins).
 */
export function holdableScopes(principal: Principal | undefined, role: UserRole): ReadonlySet<string> {
  if (!principal || principal.scheme === 'session') return new Set(ALL_SCOPES.filter((s) => s !== 'admin' || role === 'admin'));
  return principal.scopes;
}

/** The scopes of `wanted` the request does not hold itself. */
export function scopesBeyond(principal: Principal | undefined, role: UserRole, wanted: Iterable<string>): string[] {
  const holdable = holdableScopes(principal, role);
  return [...new Set(wanted)].filter((s) => !holdable.has(s));
}

/**
 * Refuses (403 insufficient_scope, naming them) a credential with scopes the request does not hold:
 * `what` says what was asked ("create a key", "rotate this key").
 */
export function refuseMoreThanHeld(principal: Principal | undefined, role: UserRole, wanted: Iterable<string>, what: string): void {
  const missing = scopesBeyond(principal, role, wanted);
  if (missing.length === 0) return;
  const scope = missing.join(' ');
  throw new ResourceAuthError(
    403,
    'insufficient_scope',
    `You cannot ${what} with ${scope}: this credential does not hold ${missing.length > 1 ? 'these scopes' : 'this scope'} itself, and nothing made through it may hold more than it does`,
    true,
    scope,
    principal?.scheme === 'apiKey' ? 'ApiKey' : 'Bearer',
  );
}

/** The lineage in an audit event's details (the creating client is the event's actor client). */
export function auditLineage(l: Lineage): { created_via: CreatedVia; parent_grant_id: string | null } {
  return { created_via: l.createdVia, parent_grant_id: l.parentGrantId };
}

/** Where a client or key came from, as the API shows it (added fields; nothing renamed). */
export interface Provenance {
  /** `session`, `cli`, `grant`, `client`, or null: made before lineage was recorded (its owner's directly). */
  created_via: CreatedVia | null;
  /** The app that made it through a token, or null (made by its owner or the operator). */
  created_by: { client_id: string; name: string } | null;
  /** The consent (grant) of the user token it was made with: withdrawing it stops this. */
  parent_grant_id: string | null;
}

export function provenanceOf(row: {
  createdVia: CreatedVia | null;
  parentGrantId: string | null;
  parentClient?: { clientId: string; name: string } | null;
}): Provenance {
  return {
    created_via: row.createdVia,
    created_by: row.parentClient ? { client_id: row.parentClient.clientId, name: row.parentClient.name } : null,
    parent_grant_id: row.parentGrantId,
  };
}

/**
 * Change-bus channel: payload is the id of a grant (a consent of the code flow) that was revoked.
 * OAuth announces it (src/oauth/store/revocation-list.ts); lineage status listens, to drop what it
 * knows of that grant. Named here because oauth imports clients, never the reverse.
 */
export const GRANTS_CHANNEL = 'grants';
