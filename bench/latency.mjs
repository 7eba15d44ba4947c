// Median latency of the guide's two requests, one at a time (no concurrency), against a running
// Gatehouse: `node bench/latency.mjs <base-url> <client_id> <client_secret> [n]`. Loopback only.
const [base, id, secret, nArg] = process.argv.slice(2);
if (!base || !id || !secret) {
  process.stderr.write('usage: node bench/latency.mjs <base-url> <client_id> <client_secret> [n]\n');
  process.exit(2);
}
if (!/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(base)) throw new Error('loopback targets only');
const n = Number(nArg ?? 2000);
const body = `grant_type=client_credentials&client_id=${encodeURIComponent(id)}&client_secret=${encodeURIComponent(secret)}`;
const time = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)].toFixed(2), p99: s[Math.floor(s.length * 0.99)].toFixed(2) };
};
let token = '';
const tokenTimes = [];
for (let i = 0; i < n; i++) {
  tokenTimes.push(
    await time(async () => {
      const res = await fetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      if (res.status !== 200) throw new Error(`token: ${res.status}`);
      token = (await res.json()).access_token;
    }),
  );
}
const bearerTimes = [];
for (let i = 0; i < n; i++) {
  bearerTimes.push(
    await time(async () => {
      const res = await fetch(`${base}/v1/users?limit=1`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`users: ${res.status}`);
      await res.arrayBuffer();
    }),
  );
}
process.stdout.write(`${JSON.stringify({ n, token_ms: stats(tokenTimes), bearer_users_ms: stats(bearerTimes) })}\n`);
