import type { ErrorResponse, HttpShapedError } from '../platform/http/http-error.js';
import { signInLocation } from '../platform/http/return-to.js';

/**
 * A signed-in page asked for without a (valid) session: the browser goes to sign in. After a GET it
 * comes back to the page; after a form POST to the route's `returnTo` page, or the portal's home (a
 * form is not re-sent).
 */
export class SignInRequired extends Error implements HttpShapedError {
  readonly location: string;

  constructor(method: string, url: string, returnTo: string | undefined) {
    super('Sign in to see this page');
    this.name = 'SignInRequired';
    const page = method === 'GET' || method === 'HEAD' ? url : returnTo;
    this.location = page ? signInLocation(page) : '/portal/signin';
  }

  toResponse(): ErrorResponse {
    return { status: 303, headers: { Location: this.location, 'Cache-Control': 'no-store' }, body: undefined };
  }
}
