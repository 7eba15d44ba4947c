// Reference point for scenario 6: the raw argon2id verify rate of @node-rs/argon2 (what Gatehouse's
// PasswordService calls), on the same core as Gatehouse, with the same libuv thread pool size and the
// same number of verifications in flight as the sign-in scenario has connections. HASH is a password
// hash read from Gatehouse's own users table, so the parameters (m, t, p) are the product's exactly.
import { verify } from '@node-rs/argon2';

const hash = process.env.HASH;
const password = process.env.PASSWORD;
const concurrency = Number(process.env.CONCURRENCY ?? 10);
const seconds = Number(process.env.SECONDS ?? 10);

if (!(await verify(hash, password))) throw new Error('the password does not verify against the hash');
let ok = 0;
let bad = 0;
const start = performance.now();
const end = start + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      if (await verify(hash, password)) ok++;
      else bad++;
    }
  }),
);
const elapsed = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ rate: ok / elapsed, ok, bad, elapsed, threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)' })}\n`);
