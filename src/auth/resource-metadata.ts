/**
 * RFC 9728 5.1: a protected resource names its metadata document in the `resource_metadata`
 * parameter of its Bearer challenges, so a client that got a 401 can find the authorization server.
 * The module that owns the metadata implements this and registers it with
 * `AuthModule.forRoot({ resourceMetadata })`; the auth core never knows which paths are the resource.
 */
export interface ResourceMetadataLocator {
  /** The metadata URL for a route (its path pattern, e.g. `/v1/users/:id`), or undefined when the route is no protected resource. */
  urlFor(routePath: string): string | undefined;
}

export const RESOURCE_METADATA = Symbol('RESOURCE_METADATA');

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard on a protected resource's routes: what their Bearer challenges name as `resource_metadata`. */
    resourceMetadata?: string;
  }
}
