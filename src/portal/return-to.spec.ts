import { safeReturnTo } from './return-to.js';

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
