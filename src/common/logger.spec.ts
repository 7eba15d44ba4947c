import { redactUrl } from './logger.js';

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
