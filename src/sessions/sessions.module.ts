import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session } from './session.entity.js';
import { SessionsService } from './sessions.service.js';
import { UserSessionsService } from './user-sessions.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const SESSIONS_ENTITIES = [Session];

@Module({
  imports: [TypeOrmModule.forFeature([Session])],
  providers: [SessionsService, UserSessionsService],
  exports: [SessionsService, UserSessionsService],
})
export class SessionsModule {}
