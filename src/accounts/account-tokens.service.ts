import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { randomToken, sha256 } from '../platform/crypto.js';
import { AccountToken, type AccountTokenPurpose } from './account-token.entity.js';

/** How long each kind of link works, in seconds: verification 24 h, password reset 1 h, invitation 7 days. */
export const ACCOUNT_TOKEN_TTL: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 3600,
  invite: 7 * 24 * 3600,
};

/** A token as it comes in a link: 32 random bytes, base64url. Anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Why a link does not work: never issued (or altered), already used, or too old. */
export type TokenRefusal = 'unknown' | 'used' | 'expired';

export type TokenCheck = { ok: true; token: AccountToken } | { ok: false; why: TokenRefusal };

/**
 * The links Gatehouse sends by email. Each is 256 random bits; only their SHA-256 is stored, with the
 * user, the purpose and the address it went to. One live link per user and purpose: issuing a new one
 * ends the older ones, and using one ends every other of its purpose. A link of one purpose is
 * unknown to every other.
 */
@Injectable()
export class AccountTokensService {
  constructor(@InjectRepository(AccountToken) private readonly tokens: Repository<AccountToken>) {}

  /** A new link's token (returned once, in clear, for the email) for this user, purpose and address. */
  async issue(userId: string, purpose: AccountTokenPurpose, email: string): Promise<string> {
    const token = randomToken();
    await this.tokens.manager.transaction(async (m) => {
      await m.update(AccountToken, { userId, purpose, usedAt: IsNull() }, { usedAt: new Date() });
      const expiresAt = new Date(Date.now() + ACCOUNT_TOKEN_TTL[purpose] * 1000);
      await m.insert(AccountToken, { tokenHash: sha256(token), userId, purpose, email, expiresAt, usedAt: null });
    });
    return token;
  }

  /** The link's row when it still works (for the page that shows its form); nothing is used up. */
  async check(raw: unknown, purpose: AccountTokenPurpose): Promise<TokenCheck> {
    if (typeof raw !== 'string' || !TOKEN_SHAPE.test(raw)) return { ok: false, why: 'unknown' };
    const token = await this.tokens.findOneBy({ tokenHash: sha256(raw), purpose });
    if (!token) return { ok: false, why: 'unknown' };
    if (token.usedAt) return { ok: false, why: 'used' };
    if (token.expiresAt.getTime() <= Date.now()) return { ok: false, why: 'expired' };
    return { ok: true, token };
  }

  /**
   * Uses the link up, atomically (two clicks at once: one wins, the other reads "used"), with every
   * other live link of the same user and purpose.
   */
  async consume(raw: unknown, purpose: AccountTokenPurpose): Promise<TokenCheck> {
    const checked = await this.check(raw, purpose);
    if (!checked.ok) return checked;
    const t = checked.token;
    const res = await this.tokens
      .createQueryBuilder()
      .update(AccountToken)
      .set({ usedAt: () => 'now()' })
      .where('id = :id AND used_at IS NULL AND expires_at > now()', { id: t.id })
      .execute();
    if (!res.affected) return { ok: false, why: 'used' };
    await this.tokens.update({ userId: t.userId, purpose, usedAt: IsNull() }, { usedAt: new Date() });
    return { ok: true, token: t };
  }

  /** Ends every live link of this user for these purposes (e.g. a password changed: its reset links stop). */
  async endAll(userId: string, purposes: AccountTokenPurpose[]): Promise<void> {
    for (const purpose of purposes) await this.tokens.update({ userId, purpose, usedAt: IsNull() }, { usedAt: new Date() });
  }
}
