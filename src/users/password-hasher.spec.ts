import { readdirSync, readFileSync } from 'node:fs';
import { HASHING_NICE, PasswordHasher } from './password-hasher.js';
import { PasswordService } from './password.service.js';

/** Cheap parameters for the tests; the product's are in PasswordService. */
const FAST = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** Niceness of one thread of this process (Linux /proc; field 19 of stat). */
function niceness(tid: string | number): number {
  return Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
}

/** Niceness of every thread of this process. */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map(niceness);
}

describe('PasswordHasher (argon2id on lower-priority worker threads)', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id and verifies the right password only', async () => {
    const hash = await hasher.hash('correct horse battery staple', FAST);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapl')).toBe(false);
  });

  it('answers every one of many concurrent jobs with its own result', async () => {
    const passwords = Array.from({ length: 12 }, (_, i) => `password-number-${i}`);
    const hashes = await Promise.all(passwords.map((p) => hasher.hash(p, FAST)));
    const checks = await Promise.all(hashes.flatMap((h, i) => [hasher.verify(h, passwords[i]), hasher.verify(h, passwords[(i + 1) % passwords.length])]));
    expect(checks).toEqual(passwords.flatMap(() => [true, false]));
  });

  it('rejects a malformed hash (PasswordService turns that into false)', async () => {
    await expect(hasher.verify('not-a-hash', 'x')).rejects.toThrow();
    expect(await new PasswordService().verify('not-a-hash', 'x')).toBe(false);
  });

  it('hashes on threads niced below the event loop (Linux)', async () => {
    await hasher.hash('any password at all', FAST);
    if (process.platform !== 'linux') return;
    // The main thread (the event loop) keeps its priority. Its tid is the pid; not necessarily the
    // first in /proc/self/task, which lists by tid, and tids wrap around on a long-running machine.
    expect(niceness(process.pid)).toBe(0);
    expect(threadNiceness()).toContain(HASHING_NICE);
  });
});

describe('PasswordHasher when its threads cannot work', () => {
  it('falls back to libuv’s pool and still answers', async () => {
    const hasher = new PasswordHasher();
    // A thread that dies before its first answer, as one whose argon2 module failed to load would.
    const spawn = (hasher as unknown as { spawn(): unknown }).spawn.bind(hasher);
    (hasher as unknown as { spawn(): unknown }).spawn = () => {
      const worker = spawn() as { terminate(): Promise<number> } | undefined;
      void worker?.terminate();
      return worker;
    };
    const hash = await hasher.hash('fallback password', FAST);
    expect(await hasher.verify(hash, 'fallback password')).toBe(true);
    expect(await hasher.verify(hash, 'wrong password')).toBe(false);
  });
});
