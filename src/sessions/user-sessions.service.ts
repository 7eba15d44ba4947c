import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Not, Repository } from 'typeorm';
import { isUuid } from '../users/users.service.js';
import { Session } from './session.entity.js';

export interface SessionView {
  id: string;
  created_at: string;
  expires_at: string;
}

/**
 * A user's own sign-in sessions: list them (the account page, an admin's user page), end one, end all
 * but the current one, end all. Every query is scoped by the user: another user's session id is not found.
 */
@Injectable()
export class UserSessionsService {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  /** The user's live sessions, newest first (sessions from before the last password change no longer count). */
  async list(userId: string, passwordChangedAt?: Date): Promise<SessionView[]> {
    const rows = await this.sessions.find({
      where: { userId, expiresAt: MoreThan(new Date()), ...(passwordChangedAt ? { createdAt: MoreThan(passwordChangedAt) } : {}) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return rows.map((s) => ({ id: s.id, created_at: s.createdAt.toISOString(), expires_at: s.expiresAt.toISOString() }));
  }

  /** Ends one of the user's sessions; false when the user has no session with this id. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    if (!isUuid(sessionId)) return false;
    const res = await this.sessions.delete({ id: sessionId, userId });
    return (res.affected ?? 0) > 0;
  }

  /** Ends every session of the user but `keepId`; returns how many ended. */
  async endOthers(userId: string, keepId: string): Promise<number> {
    const res = await this.sessions.delete({ userId, id: Not(keepId) });
    return res.affected ?? 0;
  }

  /** Ends every session of the user (a password reset, an admin's action). */
  async endAll(userId: string): Promise<number> {
    const res = await this.sessions.delete({ userId });
    return res.affected ?? 0;
  }
}
