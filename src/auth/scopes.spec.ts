import { parseScope } from './scopes.js';
import { resolveScope } from '../oauth/scope-policy.js';

describe('scopes', () => {
  it('parses RFC 6749 3.3 scope strings and refuses bad grammar', () => {
    expect(parseScope('a b')).toEqual(['a', 'b']);
    expect(parseScope('a a')).toEqual(['a']);
    for (const bad of ['a  b', ' a', 'a ', 'a"b', 'a\\b', 'ü']) expect(parseScope(bad)).toBeUndefined();
  });

  it('grants the requested subset, defaults to all allowed, refuses the rest', () => {
    expect(resolveScope('b', ['a', 'b'])).toEqual(['b']);
    expect(resolveScope(undefined, ['a', 'b'])).toEqual(['a', 'b']);
    expect(() => resolveScope('c', ['a'])).toThrow(/not allowed the scope c/);
  });
});
