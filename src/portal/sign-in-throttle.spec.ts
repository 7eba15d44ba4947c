import { ACCOUNT_LIMIT, ADDRESS_LIMIT, SIGN_UP_LIMIT, SignInThrottle } from './sign-in-throttle.js';

describe('SignInThrottle', () => {
  it('locks an account after ACCOUNT_LIMIT failures from any address, and a success clears it', () => {
    const t = new SignInThrottle();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) t.failed('a@example.com', `10.0.0.${i}`);
    expect(t.retryAfter('a@example.com', '10.9.9.9')).toBeGreaterThan(0);
    expect(t.retryAfter('b@example.com', '10.9.9.9')).toBe(0);
    t.succeeded('a@example.com');
    expect(t.retryAfter('a@example.com', '10.9.9.9')).toBe(0);
  });

  it('locks an address after ADDRESS_LIMIT failures across accounts', () => {
    const t = new SignInThrottle();
    for (let i = 0; i < ADDRESS_LIMIT; i++) t.failed(`u${i}@example.com`, '10.0.0.1');
    expect(t.retryAfter('new@example.com', '10.0.0.1')).toBeGreaterThan(0);
    expect(t.retryAfter('new@example.com', '10.0.0.2')).toBe(0);
  });

  it('limits sign-up attempts per address', () => {
    const t = new SignInThrottle();
    for (let i = 0; i < SIGN_UP_LIMIT; i++) expect(t.signUpAttempt('10.0.0.1')).toBe(0);
    expect(t.signUpAttempt('10.0.0.1')).toBeGreaterThan(0);
    expect(t.signUpAttempt('10.0.0.2')).toBe(0);
  });
});
