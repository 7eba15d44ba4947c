import { matchRedirectUri, withParams } from './redirect-uri.js';

describe('redirect URI matching (RFC 9700 4.1.3, RFC 8252 7.3)', () => {
  const registered = ['https://app.example/cb', 'http://127.0.0.1:8765/cb', 'http://[::1]/native'];

  it('matches exactly', () => {
    expect(matchRedirectUri('https://app.example/cb', registered)).toBe('https://app.example/cb');
  });

  it.each([
    'https://app.example/cb/',
    'https://app.example:443/cb',
    'https://APP.example/cb',
    'https://app.example/cb?x=1',
    'https://app.example/cb/evil',
    'https://app.example@evil.example/cb',
    'http://app.example/cb',
    'https://app.example/cb#frag',
    'https://app.example/CB',
    'http://127.0.0.1:8765/cb/',
    'http://127.0.0.1:8765/other',
    'http://localhost:8765/cb',
    'http://127.0.0.1:99999/cb',
    'https://127.0.0.1:8765/cb',
  ])('refuses %s', (uri) => {
    expect(matchRedirectUri(uri, registered)).toBeUndefined();
  });

  it('lets a loopback redirect URI use any port', () => {
    expect(matchRedirectUri('http://127.0.0.1:51234/cb', registered)).toBe('http://127.0.0.1:51234/cb');
    expect(matchRedirectUri('http://127.0.0.1/cb', registered)).toBe('http://127.0.0.1/cb');
    expect(matchRedirectUri('http://[::1]:4000/native', registered)).toBe('http://[::1]:4000/native');
  });

  it('adds response parameters, keeping the query it had', () => {
    expect(withParams('https://app.example/cb?a=1', { code: 'x y', state: undefined })).toBe('https://app.example/cb?a=1&code=x+y');
  });
});
