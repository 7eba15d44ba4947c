import { AsyncLocalStorage } from 'node:async_hooks';

/** What the audit trail needs to know about the HTTP request an event happens in. */
export interface RequestContext {
  /** The client's address, as Fastify resolved it (`TRUSTED_PROXIES` decides whether X-Forwarded-For counts). */
  ip: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `next` (the rest of the request: guard, pipes, handler, services) inside the request's
 * context, so an audit event recorded deep in a service knows its address without every service
 * taking an `ip` parameter. Installed as a Fastify preHandler hook in app.factory.ts.
 */
export function runInRequestContext(ctx: RequestContext, next: () => void): void {
  storage.run(ctx, next);
}

/** The current request's context; undefined outside a request (the command line, timers). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
