import { AuthMemo } from './auth-memo.js';

function setup(window = 1000, max = 10) {
  const bus = { epoch: 0, live: true };
  return { bus, memo: new AuthMemo<string>(bus, window, max) };
}

describe('AuthMemo', () => {
  it('serves a remembered answer within the window, and nothing after it', () => {
    const { memo } = setup();
    memo.remember('tok', 'alice', memo.epoch, 10_000);
    expect(memo.get('tok', 10_000)).toBe('alice');
    expect(memo.get('tok', 10_999)).toBe('alice');
    expect(memo.get('tok', 11_000)).toBeUndefined();
    expect(memo.get('other', 10_000)).toBeUndefined();
  });

  it('serves nothing once the epoch moved (a change anywhere)', () => {
    const { bus, memo } = setup();
    memo.remember('tok', 'alice', memo.epoch, 0);
    bus.epoch++;
    expect(memo.get('tok', 1)).toBeUndefined();
  });

  it('does not remember a check that raced with a change, nor while the bus is down', () => {
    const { bus, memo } = setup();
    const before = memo.epoch;
    bus.epoch++;
    memo.remember('tok', 'alice', before, 0);
    expect(memo.get('tok', 1)).toBeUndefined();
    bus.live = false;
    memo.remember('tok', 'alice', memo.epoch, 0);
    expect(memo.get('tok', 1)).toBeUndefined();
  });

  it("never serves past the credential's own expiry, and keeps nothing already expired", () => {
    const { memo } = setup();
    memo.remember('tok', 'alice', memo.epoch, 0, 300);
    expect(memo.get('tok', 299)).toBe('alice');
    expect(memo.get('tok', 300)).toBeUndefined();
    memo.remember('old', 'bob', memo.epoch, 500, 400);
    expect(memo.get('old', 500)).toBeUndefined();
  });

  it('keeps an entry in use across windows only while it is re-checked, and forgets unused ones after two windows', () => {
    const { memo } = setup(100);
    memo.remember('a', 'A', memo.epoch, 0);
    memo.remember('b', 'B', memo.epoch, 0);
    expect(memo.get('a', 150)).toBeUndefined(); // the window passed: the caller checks again...
    memo.remember('a', 'A2', memo.epoch, 150); // ...and remembers the new answer
    expect(memo.get('a', 200)).toBe('A2');
    // 'b' was never re-checked: after two swaps it is gone from memory altogether.
    memo.get('x', 260);
    memo.get('x', 400);
    const m = memo as unknown as { current: Map<string, unknown>; previous: Map<string, unknown> };
    expect(m.previous.has('b') || m.current.has('b')).toBe(false);
  });

  it('is bounded: a full generation is swapped out', () => {
    const { memo } = setup(1000, 3);
    for (let i = 0; i < 7; i++) memo.remember(`k${i}`, `v${i}`, memo.epoch, 0);
    const m = memo as unknown as { current: Map<string, unknown>; previous: Map<string, unknown> };
    expect(m.current.size + m.previous.size).toBeLessThanOrEqual(6);
    expect(memo.get('k6', 1)).toBe('v6');
  });

  it('answers only for the very credential remembered, even when the last characters are the same', () => {
    const { memo } = setup();
    const tail = 'x'.repeat(100);
    memo.remember(`a.${tail}`, 'alice', memo.epoch, 0);
    expect(memo.get(`a.${tail}`, 1)).toBe('alice');
    expect(memo.get(`b.${tail}`, 1)).toBeUndefined();
    expect(memo.get(tail, 1)).toBeUndefined();
  });

  it('with a window of 0 remembers nothing', () => {
    const bus = { epoch: 0, live: true };
    const memo = new AuthMemo<string>(bus, 0);
    memo.remember('tok', 'alice', 0, 0);
    expect(memo.get('tok', 0)).toBeUndefined();
  });
});
