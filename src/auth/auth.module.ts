import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ApiKeyStrategy } from '../api-keys/api-key.strategy.js';
import { AuthGuard } from './auth.guard.js';
import { BearerStrategy } from '../oauth/bearer.strategy.js';
import { SessionAuth } from '../sessions/session-auth.js';

/** Passport strategies, the portal session, and the one global guard that applies them per `@Auth()`. */
@Module({
  imports: [PassportModule, OAuthModule, ApiKeysModule, SessionsModule],
  providers: [BearerStrategy, ApiKeyStrategy, SessionAuth, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
