// A closed-loop load generator for scenarios whose next request depends on the last answer (refresh
// rotation: each virtual client sends its latest token), which autocannon cannot do per connection
// (its request context is reset at every turn of the request list). Each virtual client has its own
// keep-alive connection (an http.Agent with one socket) and sends its next request when the last
// answer is in: no pipelining, bounded by time. Loopback only.
import http from 'node:http';

/** One request on a virtual client's own connection; resolves with status, headers and body text. */
export function request(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs `connections` virtual clients for `seconds`. `step(client, agent)` sends one request and
 * returns true when it was a success; a client whose step throws or returns 'stop' ends early.
 * Resolves with requests per second, p50/p99 latency (ms, one decimal) and the failure count.
 */
export async function closedLoop({ connections, seconds, setup, step }) {
  const clients = [];
  for (let i = 0; i < connections; i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    clients.push({ i, agent, state: setup ? await setup(i, agent) : {} });
  }
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const errors = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        let outcome;
        try {
          outcome = await step(c.state, c.agent);
        } catch (err) {
          outcome = 'stop';
          if (errors.length < 5) errors.push(String(err?.message ?? err));
        }
        latencies.push(performance.now() - t0);
        if (outcome === true) ok++;
        else failed++;
        if (outcome === 'stop') break;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  for (const c of clients) c.agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 10) / 10;
  return {
    rps: Math.round(ok / elapsed),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    ok,
    failed,
    total: ok + failed,
    errors,
    latencies,
    seconds: elapsed,
    states: clients.map((c) => c.state),
  };
}
