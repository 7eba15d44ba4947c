import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's parameters (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 runs on libuv's thread
 * pool, off the event loop, so Bearer requests keep flowing while sign-ins hash.
 * (Its default algorithm is argon2id; the const enum cannot be imported under isolatedModules.)
 */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
/** Verified against when the account does not exist, so both cases cost the same. */
let dummyHash: Promise<string> | undefined;

@Injectable()
export class PasswordService {
  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    if (!passwordHash) {
      dummyHash ??= hash('gatehouse-dummy-password', OPTIONS);
      await verify(await dummyHash, password).catch(() => false);
      return false;
    }
    return verify(passwordHash, password).catch(() => false);
  }
}
