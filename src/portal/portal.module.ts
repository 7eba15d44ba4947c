import { Module } from '@nestjs/common';
import { OAuthModule } from '../oauth/oauth.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { PortalAuthService } from './portal-auth.service.js';
import { PortalController } from './portal.controller.js';
import { SignInThrottle } from './sign-in-throttle.js';

/** Server-rendered pages: sign-up, sign-in, sign-out (issue 6 adds the developer portal itself). */
@Module({
  imports: [SessionsModule, UsersModule, OAuthModule],
  controllers: [PortalController],
  providers: [PortalAuthService, SignInThrottle],
})
export class PortalModule {}
