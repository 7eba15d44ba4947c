import { MAX_RETURN_TO, safeReturnTo, signInLocation, signInLocationFor } from './return-to.js';

describe('safeReturnTo (no open redirect)', () => {
  it('keeps same-origin relative paths', () => {
    expect(safeReturnTo('/oauth2/authorize?client_id=a&state=%2F%2Fx')).toBe('/oauth2/authorize?client_id=a&state=%2F%2Fx');
    expect(safeReturnTo('/portal')).toBe('/portal');
  });

  it.each([
    undefined,
    '',
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil',
    'javascript:alert(1)',
    '/\tevil',
    ' /x',
    'portal',
    '/x\nSet-Cookie: a=b',
  ])('sends %p to /portal', (v) => {
    expect(safeReturnTo(v)).toBe('/portal');
  });
});

describe('safeReturnTo (header-safe)', () => {
  it('percent-encodes characters outside ASCII, as the URL parser writes them', () => {
    expect(safeReturnTo('/portal/中')).toBe('/portal/%E4%B8%AD');
    expect(safeReturnTo('/portal/x?q=é é')).toBe('/portal/x?q=%C3%A9%20%C3%A9');
    expect(safeReturnTo('/portal/\ud800')).toBe('/portal/%EF%BF%BD');
  });

  it('resolves dot segments, and refuses what then names another origin', () => {
    expect(safeReturnTo('/portal/../oauth2/x')).toBe('/oauth2/x');
    expect(safeReturnTo('/.//evil.example/x')).toBe('/portal');
  });

  it('refuses a path longer than MAX_RETURN_TO once encoded', () => {
    expect(safeReturnTo(`/${'中'.repeat(1000)}`)).toBe('/portal');
    expect(safeReturnTo(`/${'a'.repeat(MAX_RETURN_TO - 1)}`)).toHaveLength(MAX_RETURN_TO);
  });
});

describe('signInLocation', () => {
  it('carries a return path, or none when it would not fit in a Location header', () => {
    expect(signInLocation('/portal')).toBe('/portal/signin');
    expect(signInLocation('/portal/keys?x=1')).toBe('/portal/signin?return_to=%2Fportal%2Fkeys%3Fx%3D1');
    expect(signInLocationFor(`/x?${'%25'.repeat(1300)}`)).toBeUndefined();
    expect(signInLocation(`/x?${'%25'.repeat(1300)}`)).toBe('/portal/signin');
    expect(signInLocationFor('https://evil.example/')).toBeUndefined();
  });
});
