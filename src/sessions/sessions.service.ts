import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LessThan, Repository } from 'typeorm';
import { randomToken, secretsEqual, sha256 } from '../common/crypto.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { HotQuery } from '../database/hot-query.js';
import { User } from '../users/user.entity.js';
import { readCookie, serializeCookie } from '../web/cookies.js';
import { Session } from './session.entity.js';

export const SESSION_COOKIE = 'gh_session';
/** Before sign-in, forms are protected by a double-submit cookie instead of the session's secret. */
export const PRE_SESSION_CSRF_COOKIE = 'gh_csrf';

export interface ActiveSession {
  session: Session;
  user: User;
}

/**
 * Browser sessions in PostgreSQL (any instance serves any request): the cookie holds a 256-bit
 * token, the table only its SHA-256. A new token at every sign-in (no fixation); sign-out deletes
 * the row; a disabled user or a password changed after sign-in ends the session.
 */
const START = 'INSERT INTO sessions (token_hash, user_id, csrf_secret, expires_at) VALUES ($1, $2, $3, $4)';

@Injectable()
export class SessionsService {
  private hot: HotQuery | undefined;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private get secure(): boolean {
    return this.config.publicUrl.startsWith('https:');
  }

  /** Starts a session for the user and sets its cookie (a fresh token: any earlier one is dropped). */
  async start(userId: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const old = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (old) await this.sessions.delete({ tokenHash: sha256(old) });
    const token = randomToken();
    // One fixed INSERT (see HotQuery), not save(): that is BEGIN, INSERT and COMMIT, built by TypeORM each time.
    this.hot ??= new HotQuery(this.sessions.manager.connection);
    await this.hot.rows('sessions_start', START, [sha256(token), userId, randomToken(), new Date(Date.now() + this.config.sessionTtl * 1000)]);
    appendCookie(reply, serializeCookie(SESSION_COOKIE, token, { secure: this.secure, maxAge: this.config.sessionTtl }));
    if (Math.random() < 0.01) await this.sessions.delete({ expiresAt: LessThan(new Date()) });
  }

  /** The live session of this request, with its user; undefined when signed out or expired. */
  async current(req: FastifyRequest): Promise<ActiveSession | undefined> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token) return undefined;
    const session = await this.sessions.findOne({ where: { tokenHash: sha256(token) }, relations: { user: true } });
    if (!session?.user || session.expiresAt.getTime() <= Date.now()) return undefined;
    const user = session.user;
    if (user.status !== 'active' || user.passwordChangedAt.getTime() > session.createdAt.getTime()) return undefined;
    return { session, user };
  }

  /** Signs out: deletes the row and the cookie. */
  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token) await this.sessions.delete({ tokenHash: sha256(token) });
    appendCookie(reply, serializeCookie(SESSION_COOKIE, '', { secure: this.secure, maxAge: 0 }));
  }

  /** The CSRF token to put in a form: the session's secret, or before sign-in a double-submit cookie. */
  csrfToken(req: FastifyRequest, reply: FastifyReply, active: ActiveSession | undefined): string {
    if (active) return active.session.csrfSecret;
    const existing = readCookie(req.headers.cookie, PRE_SESSION_CSRF_COOKIE);
    if (existing) return existing;
    const token = randomToken();
    appendCookie(reply, serializeCookie(PRE_SESSION_CSRF_COOKIE, token, { secure: this.secure }));
    return token;
  }

  /**
   * True when the form's `csrf` field is this session's token. Forms shown before sign-in
   * (`preSession`) may instead match the double-submit cookie.
   */
  csrfValid(req: FastifyRequest, sent: string | undefined, active: ActiveSession | undefined, preSession: boolean): boolean {
    if (!sent || sent.length > 128) return false;
    if (active && secretsEqual(sent, active.session.csrfSecret)) return true;
    if (!preSession) return false;
    const cookie = readCookie(req.headers.cookie, PRE_SESSION_CSRF_COOKIE);
    return cookie !== undefined && secretsEqual(sent, cookie);
  }
}

export function appendCookie(reply: FastifyReply, cookie: string): void {
  const prior = reply.getHeader('set-cookie');
  const list = prior === undefined ? [] : Array.isArray(prior) ? prior.map(String) : [String(prior)];
  void reply.header('set-cookie', [...list, cookie]);
}
