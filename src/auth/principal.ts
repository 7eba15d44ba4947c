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
