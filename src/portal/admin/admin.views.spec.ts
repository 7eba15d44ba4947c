import { redactSecrets } from './admin.views.js';

/** The audit page's secret masking, on inputs built to make a backtracking expression slow (issue #13 item 3; the regex rules are src/platform/regex-linearity.spec.ts). */
describe('redactSecrets runs in linear time (issue #13 item 3)', () => {
  /** A generous bound only (the quadratic versions take seconds on these inputs). */
  const fast = (f: () => unknown): number => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };

  it.each(['eyJ'.repeat(34_000), `eyJ${'a'.repeat(100_000)}`, 'eyJaaaaa.'.repeat(11_000), `gth_live_${'gth_live_'.repeat(11_000)}`, '-eyJ'.repeat(25_000)])(
    'masks secrets on a 100 KB detail in well under 200 ms (%#)',
    (text) => {
      expect(fast(() => redactSecrets(JSON.stringify({ redirectUris: [text] })))).toBeLessThan(200);
    },
  );

  it('still masks what it masked', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactSecrets(`{"t":"${jwt}","k":"gth_live_abcdefgh12","x":"Bearer ${jwt}"}`)).toBe('{"t":"[redacted]","k":"[redacted]","x":"Bearer [redacted]"}');
  });
});
