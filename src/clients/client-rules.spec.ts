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
