import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthGuard } from './auth.guard.js';
import { AUTHENTICATORS, type Authenticator } from './authenticator.js';

export interface AuthModuleOptions {
  /** The modules that provide (and export) the authenticators. */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** One class per credential scheme, each implementing `Authenticator`. */
  authenticators: Type<Authenticator>[];
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
      providers: [
        { provide: AUTHENTICATORS, useFactory: (...authenticators: Authenticator[]) => authenticators, inject: options.authenticators },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
