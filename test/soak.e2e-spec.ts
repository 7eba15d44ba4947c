import { resolve } from 'node:path';
import { ensureBuilt, ROOT, runNode } from './support/build.js';

/** Seconds of traffic inside `npm test` (the full soak is `npm run soak`, 60 s by default). */
const SECONDS = Number(process.env.SOAK_TEST_SECONDS ?? 12);

interface SoakResult {
  ok: boolean;
  requests: number;
  rps: number;
  p99: number;
  fiveXxOrErrors: number;
  writes: number;
  lost: number;
  doubled: number;
  wrongId: number;
  phantom: number;
  unreadable: number;
  rotations: number;
  brokenChains: number;
  replayRefused: boolean;
  types: { type: string; requests: number }[];
  failures: string[];
}

/**
 * bench/soak.mjs, bounded: mixed traffic (client-credentials tokens, Bearer reads, API-key reads,
 * refresh rotations, writes) against the built server on a new database, then the exactly-once checks.
 */
describe('soak (bench/soak.mjs, bounded)', () => {
  it(`${SECONDS} s of mixed traffic: no 5xx, every 201 write stored and readable exactly once, every refresh chain single-use`, async () => {
    await ensureBuilt();
    const run = await runNode([resolve(ROOT, 'bench/soak.mjs')], {
      cwd: ROOT,
      env: { ...process.env, SOAK_SECONDS: String(SECONDS), SOAK_CONCURRENCY: process.env.SOAK_CONCURRENCY ?? '24' },
    });
    const line = run.stdout.split('\n').find((l) => l.startsWith('SOAK_RESULT '));
    expect({ code: run.code, stdout: line ? '(result below)' : run.stdout.slice(-2000) }).toEqual({ code: 0, stdout: '(result below)' });
    const result = JSON.parse(line!.slice('SOAK_RESULT '.length)) as SoakResult;
    // eslint-disable-next-line no-console -- the figures are part of what this test reports
    console.log(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('SOAK_RESULT'))
        .join('\n'),
    );
    expect(result).toMatchObject({
      ok: true,
      fiveXxOrErrors: 0,
      lost: 0,
      doubled: 0,
      wrongId: 0,
      phantom: 0,
      unreadable: 0,
      brokenChains: 0,
      replayRefused: true,
      failures: [],
    });
    // Every kind of traffic actually ran.
    expect(result.types.map((t) => t.type).sort()).toHaveLength(6);
    for (const t of result.types) expect(t.requests).toBeGreaterThan(0);
    expect(result.writes).toBeGreaterThan(0);
    expect(result.rotations).toBeGreaterThan(0);
  }, 180_000);
});
