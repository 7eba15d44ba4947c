import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { OAuthModule } from '../oauth/oauth.module.js';
import { AuthGuard } from './auth.guard.js';
import { BearerStrategy } from './bearer.strategy.js';

/** Passport strategies and the one global guard that applies them per `@Auth()`. */
@Module({
  imports: [PassportModule, OAuthModule],
  providers: [BearerStrategy, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
