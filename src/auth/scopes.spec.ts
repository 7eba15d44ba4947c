import { parseScope } from './scopes.js';

describe('scopes', () => {
  it('parses RFC 6749 3.3 scope strings and refuses bad grammar', () => {
    expect(parseScope('a b')).toEqual(['a', 'b']);
    expect(parseScope('a a')).toEqual(['a']);
    for (const bad of ['a  b', ' a', 'a ', 'a"b', 'a\\b', 'ü']) expect(parseScope(bad)).toBeUndefined();
  });
});
