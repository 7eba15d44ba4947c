/** Who a request acts for, once the guard has authenticated it. */
export interface Principal {
  /** `client`: a client acting for itself (client credentials); `user`: a user through a client or a session; `api_key`: a legacy key. */
  readonly kind: 'client' | 'user' | 'api_key';
  /** The token's `sub`, or the key's owner. */
  readonly subject: string;
  /** The user whose data this request may reach (absent for client-credentials tokens). */
  readonly userId: string | undefined;
  readonly clientId: string | undefined;
  /** The grant (consent, `gid` claim) a code-flow token comes from: what a credential made through it derives from. */
  readonly grantId?: string;
  readonly apiKeyId?: string;
  readonly scopes: ReadonlySet<string>;
  readonly scheme: 'bearer' | 'apiKey' | 'session';
  /** The address the request came from (as Fastify resolved it, see TRUSTED_PROXIES): for the audit trail. */
  readonly ip?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * The Principal a request carries (`req.principal`): the authenticated one's fields, and the address
 * read from the request only when something asks (the audit trail), so the hot path neither copies
 * an object literal nor asks the socket for its peer on every request.
 */
export class RequestPrincipal implements Principal {
  readonly kind: Principal['kind'];
  readonly subject: string;
  readonly userId: string | undefined;
  readonly clientId: string | undefined;
  readonly grantId: string | undefined;
  readonly apiKeyId: string | undefined;
  readonly scopes: ReadonlySet<string>;
  readonly scheme: Principal['scheme'];
  readonly #req: { readonly ip: string };

  constructor(base: Principal, req: { readonly ip: string }) {
    this.kind = base.kind;
    this.subject = base.subject;
    this.userId = base.userId;
    this.clientId = base.clientId;
    this.grantId = base.grantId;
    this.apiKeyId = base.apiKeyId;
    this.scopes = base.scopes;
    this.scheme = base.scheme;
    this.#req = req;
  }

  get ip(): string {
    return this.#req.ip;
  }
}
