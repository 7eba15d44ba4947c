import { AUTH_KEY, Auth, SECURITY } from './auth.decorator.js';

/** Swagger keeps security requirements per decorated method: one `Auth(...)` shared by several routes must not mix them. */
describe('Auth() builds its decorators per route', () => {
  const shared = Auth({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' });
  class Shared {
    a(this: void): void {}
    b(this: void): void {}
  }
  for (const name of ['a', 'b'] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(Shared.prototype, name)!;
    shared(Shared.prototype, name, descriptor);
  }

  it('gives each route its own, equal, security list and options', () => {
    const security = (m: 'a' | 'b') => Reflect.getMetadata('swagger/apiSecurity', Shared.prototype[m]) as unknown[];
    expect(security('a')).toEqual([{ [SECURITY.bearer]: [] }, { [SECURITY.oauth2Code]: ['admin'] }, { [SECURITY.oauth2ClientCredentials]: ['admin'] }]);
    expect(security('b')).toEqual(security('a'));
    expect(security('b')).not.toBe(security('a'));
    expect(Reflect.getMetadata(AUTH_KEY, Shared.prototype.b)).toEqual({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' });
  });
});
