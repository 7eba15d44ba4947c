import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { StrategyRunner } from './passport-run.js';

const refused = new Error('refused');

function bearer(verify: (token: string) => string | Promise<string>): StrategyRunner<string> {
  const strategy = new BearerStrategy(() => undefined);
  return new StrategyRunner({ strategy, verifyField: '_verify', verify, refuse: () => refused });
}

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } });

describe('StrategyRunner (a passport strategy run without passport middleware)', () => {
  it('answers synchronously when the verify step does, through the strategy reading the header', () => {
    const run = bearer((t) => `user:${t}`);
    expect(run.run(req('Bearer abc'))).toBe('user:abc');
    expect(run.run(req('Bearer def'))).toBe('user:def');
  });

  it("turns the strategy's fail() into the refusal: no header, a Basic header, a header with extra parts", () => {
    const run = bearer((t) => t);
    expect(() => run.run(req())).toThrow(refused);
    expect(() => run.run(req('Basic eDp5'))).toThrow(refused);
    expect(() => run.run(req('Bearer a b'))).toThrow(refused);
    // And it recovers: the next call is answered on its own.
    expect(run.run(req('Bearer ok'))).toBe('ok');
  });

  it('passes on what the verify step throws, as it is', () => {
    const boom = new Error('boom');
    const run = bearer(() => {
      throw boom;
    });
    expect(() => run.run(req('Bearer x'))).toThrow(boom);
  });

  it('hands back the promise of a verify step that needs I/O; interleaved calls each get their own answer', async () => {
    const run = bearer((t) => (t.startsWith('slow') ? new Promise((r) => setTimeout(() => r(`late:${t}`), 5)) : `now:${t}`));
    const a = run.run(req('Bearer slow1'));
    const b = run.run(req('Bearer fast'));
    const c = run.run(req('Bearer slow2'));
    expect(b).toBe('now:fast');
    await expect(a).resolves.toBe('late:slow1');
    await expect(c).resolves.toBe('late:slow2');
    const failing = bearer(() => Promise.reject(refused));
    await expect(failing.run(req('Bearer x'))).rejects.toBe(refused);
  });

  it('runs passport-headerapikey the same way (the key from its header)', () => {
    const strategy = new HeaderAPIKeyStrategy({ header: 'X-API-Key', prefix: '' }, false, () => undefined);
    const run = new StrategyRunner<string>({ strategy, verifyField: 'verify', verify: (k) => `key:${k}`, refuse: () => refused });
    expect(run.run({ headers: { 'x-api-key': 'gth_live_1' } })).toBe('key:gth_live_1');
    expect(() => run.run({ headers: {} })).toThrow(refused);
  });
});
