import { Writable } from 'node:stream';
import { createLogger, prettyDestination, redactUrl, wantsPrettyLogs } from './logger.js';

describe('redactUrl', () => {
  it('replaces the values of secret parameters, however their names are spelled', () => {
    expect(redactUrl('/v1/data?api_key=gth_live_x&limit=5')).toBe('/v1/data?api_key=[REDACTED]&limit=5');
    expect(redactUrl('/v1/data?limit=5&API_KEY=k')).toBe('/v1/data?limit=5&API_KEY=[REDACTED]');
    expect(redactUrl('/v1/data?api%5Fkey=k&api%5fKey=k2')).toBe('/v1/data?api%5Fkey=[REDACTED]&api%5fKey=[REDACTED]');
    expect(redactUrl('/v1/data?api_key=a&api_key=b')).toBe('/v1/data?api_key=[REDACTED]&api_key=[REDACTED]');
    expect(redactUrl('/cb?code=c&state=s&x=1')).toBe('/cb?code=[REDACTED]&state=[REDACTED]&x=1');
    expect(redactUrl('/v1/data?%E0%A4%A=1&api_key=k')).toBe('/v1/data?%E0%A4%A=1&api_key=[REDACTED]');
    expect(redactUrl('/v1/data')).toBe('/v1/data');
    expect(redactUrl('/v1/data?api_key[]=k&__proto__[api_key]=k&x=encoded')).toBe('/v1/data?api_key[]=[REDACTED]&__proto__[api_key]=[REDACTED]&x=encoded');
    expect(redactUrl('/v1/data/gth_live_abcDEF123_xyz?limit=1')).toBe('/v1/data/gth_live_[REDACTED]?limit=1');
    expect(redactUrl('/x?q=gth_cs_secret')).toBe('/x?q=gth_cs_[REDACTED]');
  });
});

describe('LOG_FORMAT', () => {
  it('is readable on a terminal outside production, JSON otherwise, unless chosen', () => {
    expect(wantsPrettyLogs({ logFormat: 'auto', production: false }, true)).toBe(true);
    expect(wantsPrettyLogs({ logFormat: 'auto', production: false }, false)).toBe(false);
    expect(wantsPrettyLogs({ logFormat: 'auto', production: true }, true)).toBe(false);
    expect(wantsPrettyLogs({ logFormat: 'json', production: false }, true)).toBe(false);
    expect(wantsPrettyLogs({ logFormat: 'pretty', production: true }, false)).toBe(true);
  });

  it('writes a request as one line with its method, redacted URL, status and time, and hides nothing it should not show', () => {
    const chunks: string[] = [];
    const out$ = new Writable({ write: (d: Buffer, _e, done) => (chunks.push(d.toString()), done()) });
    const logger = createLogger({ logLevel: 'info' }, prettyDestination(false, out$));
    logger.info({ reqId: 'r1', method: 'GET', url: redactUrl('/v1/data?api_key=gth_live_secret'), status: 200, ms: 1.5, ip: '127.0.0.1' }, 'request');
    const out = chunks.join('');
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/v1\/data\?api_key=\[REDACTED\] 200 1\.5 ms\n$/);
    expect(out).not.toContain('secret');
  });
});
