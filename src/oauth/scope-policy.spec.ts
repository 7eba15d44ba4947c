import { resolveScope } from './scope-policy.js';

describe('scope policy', () => {
  it('grants the requested subset, defaults to all allowed, refuses the rest', () => {
    expect(resolveScope('b', ['a', 'b'])).toEqual(['b']);
    expect(resolveScope(undefined, ['a', 'b'])).toEqual(['a', 'b']);
    expect(() => resolveScope('c', ['a'])).toThrow(/not allowed the scope c/);
  });
});
