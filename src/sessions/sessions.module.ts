import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session } from './session.entity.js';
import { SessionsService } from './sessions.service.js';
import { UserSessionsService } from './user-sessions.service.js';
import { ShownOnce } from './shown-once.entity.js';
import { ShownOnceService } from './shown-once.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const SESSIONS_ENTITIES = [Session, ShownOnce];

@Module({
  imports: [TypeOrmModule.forFeature([Session, ShownOnce])],
  providers: [SessionsService, UserSessionsService, ShownOnceService],
  exports: [SessionsService, UserSessionsService, ShownOnceService],
})
export class SessionsModule {}
