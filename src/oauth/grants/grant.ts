import type { FormBody } from '../../platform/http/form.js';
import type { AuthenticatedClient } from '../client-auth.service.js';

/** RFC 6749 5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  /** OpenID Connect: when the grant holds the openid scope. */
  id_token?: string;
}

export interface GrantContext {
  client: AuthenticatedClient;
  form: FormBody;
  ip: string;
}

/** One class per grant type, chosen by `grant_type` (CONTRIBUTING: "adding a grant type"). */
export interface GrantHandler {
  readonly grantType: string;
  handle(ctx: GrantContext): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
