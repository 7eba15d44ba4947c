import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LessThan, Repository } from 'typeorm';
import { createHmac, hkdfSync } from 'node:crypto';
import { randomToken, secretsEqual, sha256 } from '../platform/crypto.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { HotQuery } from '../platform/database/hot-query.js';
import { User } from '../users/user.entity.js';
import { cookieName, readCookie, serializeCookie } from '../platform/http/cookies.js';
import { Session } from './session.entity.js';

/** The session cookie's name over plain HTTP; `__Host-gh_session` over HTTPS (see cookieName). */
export const SESSION_COOKIE = 'gh_session';
/** Before sign-in, forms are protected by a signed double-submit cookie instead of the session's secret. */
export const PRE_SESSION_CSRF_COOKIE = 'gh_csrf';
/** A pre-session token: 32 random bytes and their HMAC (base64url, 43 characters each). */
const PRE_SESSION_TOKEN = /^([A-Za-z0-9_-]{43})([A-Za-z0-9_-]{43})$/;

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
  private readonly secure: boolean;
  /** The cookies' names: `__Host-` prefixed over HTTPS. */
  readonly sessionCookie: string;
  private readonly csrfCookie: string;
  /** Signs pre-session CSRF tokens (HKDF of MASTER_KEY): a value this server did not make is refused. */
  private readonly preSessionKey: Buffer;
  private readonly origin: string;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.secure = config.publicUrl.startsWith('https:');
    this.sessionCookie = cookieName(SESSION_COOKIE, this.secure);
    this.csrfCookie = cookieName(PRE_SESSION_CSRF_COOKIE, this.secure);
    this.preSessionKey = Buffer.from(hkdfSync('sha256', config.masterKey, 'gatehouse', 'pre-session csrf', 32));
    this.origin = new URL(config.publicUrl).origin;
  }

  /** Starts a session for the user and sets its cookie (a fresh token: any earlier one is dropped). */
  async start(userId: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const old = readCookie(req.headers.cookie, this.sessionCookie);
    if (old) await this.sessions.delete({ tokenHash: sha256(old) });
    const token = randomToken();
    // One fixed INSERT (see HotQuery), not save(): that is BEGIN, INSERT and COMMIT, built by TypeORM each time.
    this.hot ??= new HotQuery(this.sessions.manager.connection);
    await this.hot.rows('sessions_start', START, [sha256(token), userId, randomToken(), new Date(Date.now() + this.config.sessionTtl * 1000)]);
    appendCookie(reply, serializeCookie(this.sessionCookie, token, { secure: this.secure, maxAge: this.config.sessionTtl }));
    if (Math.random() < 0.01) await this.sessions.delete({ expiresAt: LessThan(new Date()) });
  }

  /** True when the request carries a session cookie (valid or not): the session schemes' `present`. */
  cookieSent(req: FastifyRequest): boolean {
    return readCookie(req.headers.cookie, this.sessionCookie) !== undefined;
  }

  /** The live session of this request, with its user; undefined when signed out or expired. */
  async current(req: FastifyRequest): Promise<ActiveSession | undefined> {
    const token = readCookie(req.headers.cookie, this.sessionCookie);
    if (!token) return undefined;
    const session = await this.sessions.findOne({ where: { tokenHash: sha256(token) }, relations: { user: true } });
    if (!session?.user || session.expiresAt.getTime() <= Date.now()) return undefined;
    const user = session.user;
    if (user.status !== 'active' || user.passwordChangedAt.getTime() > session.createdAt.getTime()) return undefined;
    return { session, user };
  }

  /** Signs out: deletes the row and the cookie. */
  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = readCookie(req.headers.cookie, this.sessionCookie);
    if (token) await this.sessions.delete({ tokenHash: sha256(token) });
    appendCookie(reply, serializeCookie(this.sessionCookie, '', { secure: this.secure, maxAge: 0 }));
  }

  /** The CSRF token to put in a form: the session's secret, or before sign-in a signed double-submit cookie. */
  csrfToken(req: FastifyRequest, reply: FastifyReply, active: ActiveSession | undefined): string {
    if (active) return active.session.csrfSecret;
    const existing = this.preSessionToken(req);
    if (existing) return existing;
    const nonce = randomToken();
    const token = `${nonce}${this.sign(nonce)}`;
    appendCookie(reply, serializeCookie(this.csrfCookie, token, { secure: this.secure }));
    return token;
  }

  /**
   * True when the form's `csrf` field is this session's token. Forms shown before sign-in
   * (`preSession`) may instead match the double-submit cookie, if this server signed it and the
   * request does not come from another site or origin (Sec-Fetch-Site, Origin): over HTTPS the
   * `__Host-` cookie cannot be planted by a sibling origin, and over plain HTTP the browser's own
   * headers still name where the form was posted from. That stops login CSRF.
   */
  csrfValid(req: FastifyRequest, sent: string | undefined, active: ActiveSession | undefined, preSession: boolean): boolean {
    if (!sent || sent.length > 128) return false;
    if (active && secretsEqual(sent, active.session.csrfSecret)) return true;
    if (!preSession || !this.sameOrigin(req)) return false;
    const cookie = this.preSessionToken(req);
    return cookie !== undefined && secretsEqual(sent, cookie);
  }

  /** The request's pre-session cookie when this server signed it. */
  private preSessionToken(req: FastifyRequest): string | undefined {
    const m = PRE_SESSION_TOKEN.exec(readCookie(req.headers.cookie, this.csrfCookie) ?? '');
    return m && secretsEqual(m[2], this.sign(m[1])) ? m[0] : undefined;
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.preSessionKey).update(nonce).digest('base64url');
  }

  /**
   * Sec-Fetch-Site when the browser sends it (all current ones); else Origin. Our pages send
   * `Referrer-Policy: no-referrer`, under which a browser's own same-origin form post says
   * `Origin: null`, so null is not taken as another origin.
   */
  private sameOrigin(req: FastifyRequest): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin' || site === 'none';
    const origin = req.headers.origin;
    return origin === undefined || origin === 'null' || origin === this.origin;
  }
}

export function appendCookie(reply: FastifyReply, cookie: string): void {
  const prior = reply.getHeader('set-cookie');
  const list = prior === undefined ? [] : Array.isArray(prior) ? prior.map(String) : [String(prior)];
  void reply.header('set-cookie', [...list, cookie]);
}
