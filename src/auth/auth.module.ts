import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthGuard } from './auth.guard.js';
import { AUTHENTICATORS, RATE_LIMITERS, ROLE_CHECK, type Authenticator, type RateLimiter, type RoleCheck } from './authenticator.js';
import { RESOURCE_METADATA, type ResourceMetadataLocator } from './resource-metadata.js';

export interface AuthModuleOptions {
  /** The modules that export what the authenticators, the role check and the rate limiters need. */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** One class per credential scheme, each implementing `Authenticator`. */
  authenticators: Type<Authenticator>[];
  /** Checks `@Auth({ role })`. */
  roleCheck: Type<RoleCheck>;
  /** One class per `@Auth({ rateLimit })` policy. */
  rateLimiters: Type<RateLimiter>[];
  /** Where the protected resources' RFC 9728 metadata is (the `resource_metadata` of their Bearer challenges); none: no such parameter. */
  resourceMetadata?: Type<ResourceMetadataLocator>;
}

/**
 * The auth core: the one global guard that applies `@Auth()`, fed with the authenticators the
 * feature modules contribute (the composition root, AppModule, names them). It imports no feature.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule, ...options.imports],
      // The core provides the classes it is given; their own dependencies come from the imported modules.
      providers: [
        ...options.authenticators,
        options.roleCheck,
        ...options.rateLimiters,
        { provide: AUTHENTICATORS, useFactory: (...authenticators: Authenticator[]) => authenticators, inject: options.authenticators },
        { provide: ROLE_CHECK, useExisting: options.roleCheck },
        { provide: RATE_LIMITERS, useFactory: (...limiters: RateLimiter[]) => limiters, inject: options.rateLimiters },
        ...(options.resourceMetadata ? [options.resourceMetadata, { provide: RESOURCE_METADATA, useExisting: options.resourceMetadata }] : []),
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
