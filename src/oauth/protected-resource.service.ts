import { Injectable } from '@nestjs/common';
import type { ResourceMetadataLocator } from '../auth/resource-metadata.js';
import { ALL_SCOPES } from '../auth/scopes.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { ProblemCode, ProblemError } from '../platform/http/problem.js';

/** The path of the API Gatehouse protects itself; its routes' Bearer challenges name the metadata. */
export const API_PATH = '/v1';
export const METADATA_PATH = '/.well-known/oauth-protected-resource';
/** OpenID Connect scopes ask for identity claims, not for the API: not listed as the resource's scopes. */
const IDENTITY_SCOPES: ReadonlySet<string> = new Set(['openid', 'email']);

export interface ProtectedResourceDocument {
  resource: string;
  resource_name: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  jwks_uri: string;
  resource_documentation: string;
}

/**
 * RFC 9728 metadata of the `/v1` API: its identifier is the access tokens' audience (API_AUDIENCE),
 * Gatehouse its authorization server. Served at `/.well-known/oauth-protected-resource` and, when the
 * audience is the default `$PUBLIC_URL/v1`, also where RFC 9728 3.1 puts it for that identifier
 * (`/.well-known/oauth-protected-resource/v1`), which is then the URL the API's challenges name.
 */
@Injectable()
export class ProtectedResourceService implements ResourceMetadataLocator {
  private readonly doc: ProtectedResourceDocument;
  /** Where RFC 9728 3.1 puts the metadata of the audience, when Gatehouse is at that place. */
  private readonly pathInserted: string | undefined;
  readonly metadataUrl: string;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    const base = config.publicUrl;
    this.doc = {
      resource: config.audience,
      resource_name: 'Gatehouse API',
      authorization_servers: [config.issuer],
      scopes_supported: ALL_SCOPES.filter((s) => !IDENTITY_SCOPES.has(s)),
      bearer_methods_supported: ['header'],
      jwks_uri: `${base}/.well-known/jwks.json`,
      resource_documentation: `${base}/docs`,
    };
    this.pathInserted = config.audience === `${base}${API_PATH}` ? `${base}${METADATA_PATH}${API_PATH}` : undefined;
    this.metadataUrl = this.pathInserted ?? `${base}${METADATA_PATH}`;
  }

  /** The document at `/.well-known/oauth-protected-resource`. */
  document(): ProtectedResourceDocument {
    return this.doc;
  }

  /** The document at `/.well-known/oauth-protected-resource/v1`: only when that is where RFC 9728 puts the audience's. */
  documentForApiPath(): ProtectedResourceDocument {
    if (this.pathInserted === undefined) {
      throw new ProblemError(
        ProblemCode.NotFound,
        `No metadata here: this API's resource identifier (API_AUDIENCE) is ${this.config.audience}, not ${this.config.publicUrl}${API_PATH}; its metadata is at ${this.config.publicUrl}${METADATA_PATH}`,
      );
    }
    return this.doc;
  }

  urlFor(routePath: string): string | undefined {
    return routePath === API_PATH || routePath.startsWith(`${API_PATH}/`) ? this.metadataUrl : undefined;
  }
}
