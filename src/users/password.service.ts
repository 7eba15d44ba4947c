import { Injectable } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';

/**
 * argon2id at OWASP's parameters (m = 19 MiB, t = 2, p = 1), with @node-rs/argon2 on worker threads
 * of lower priority than the event loop (PasswordHasher), so Bearer requests keep flowing while
 * sign-ins hash.
 * (Its default algorithm is argon2id; the const enum cannot be imported under isolatedModules.)
 */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
/** Verified against when the account does not exist, so both cases cost the same. */
let dummyHash: Promise<string> | undefined;
/** One set of hashing threads per process. */
const hasher = new PasswordHasher();

@Injectable()
export class PasswordService {
  hash(password: string): Promise<string> {
    return hasher.hash(password, OPTIONS);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    if (!passwordHash) {
      dummyHash ??= hasher.hash('gatehouse-dummy-password', OPTIONS);
      await hasher.verify(await dummyHash, password).catch(() => false);
      return false;
    }
    return hasher.verify(passwordHash, password).catch(() => false);
  }
}
