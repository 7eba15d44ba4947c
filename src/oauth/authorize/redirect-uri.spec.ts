import { loopbackAnyPort, matchRedirectUri, withParams } from './redirect-uri.js';

describe('redirect URI matching (RFC 9700 4.1.3, RFC 8252 7.3)', () => {
  const registered = ['https://app.example/cb', 'http://127.0.0.1:8765/cb', 'http://[::1]/native'];

  it('matches exactly', () => {
    expect(matchRedirectUri('https://app.example/cb', registered, true)).toBe('https://app.example/cb');
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
    expect(matchRedirectUri(uri, registered, true)).toBeUndefined();
  });

  it('lets a loopback redirect URI use any port when the client may', () => {
    expect(matchRedirectUri('http://127.0.0.1:51234/cb', registered, true)).toBe('http://127.0.0.1:51234/cb');
    expect(matchRedirectUri('http://127.0.0.1/cb', registered, true)).toBe('http://127.0.0.1/cb');
    expect(matchRedirectUri('http://[::1]:4000/native', registered, true)).toBe('http://[::1]:4000/native');
  });

  it('matches loopback URIs exactly otherwise', () => {
    expect(matchRedirectUri('http://127.0.0.1:8765/cb', registered, false)).toBe('http://127.0.0.1:8765/cb');
    expect(matchRedirectUri('http://127.0.0.1:51234/cb', registered, false)).toBeUndefined();
    expect(matchRedirectUri('http://127.0.0.1/cb', registered, false)).toBeUndefined();
    expect(matchRedirectUri('http://[::1]:4000/native', registered, false)).toBeUndefined();
  });

  it.each([
    [{ type: 'public', applicationType: 'native', firstParty: false }, true],
    [{ type: 'public', applicationType: 'native', firstParty: true }, false],
    [{ type: 'public', applicationType: 'web', firstParty: false }, false],
    [{ type: 'confidential', applicationType: 'native', firstParty: false }, false],
    [{ type: 'confidential', applicationType: 'web', firstParty: false }, false],
  ] as const)('any loopback port only for public native third-party clients: %o', (client, expected) => {
    expect(loopbackAnyPort(client)).toBe(expected);
  });

  it('adds response parameters, keeping the query it had', () => {
    expect(withParams('https://app.example/cb?a=1', { code: 'x y', state: undefined })).toBe('https://app.example/cb?a=1&code=x+y');
  });
});
