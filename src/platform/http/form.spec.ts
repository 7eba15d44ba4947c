import { FormBody } from './form.js';

const repeated = (name: string) => new Error(`repeated ${name}`);

describe('FormBody', () => {
  it('decodes + and percent escapes', () => {
    const f = FormBody.parse('a=b+c&d=%3A%25');
    expect(f.one('a', repeated)).toBe('b c');
    expect(f.one('d', repeated)).toBe(':%');
  });

  it('treats an empty value as absent and refuses a repeated name, even when one copy is empty', () => {
    expect(FormBody.parse('a=').one('a', repeated)).toBeUndefined();
    expect(() => FormBody.parse('a=1&a=2').one('a', repeated)).toThrow('repeated a');
    expect(() => FormBody.parse('a=&a=2').one('a', repeated)).toThrow('repeated a');
  });

  it('keeps __proto__ as a plain name without touching prototypes', () => {
    const f = FormBody.parse('__proto__=x&constructor=y');
    expect(f.one('__proto__', repeated)).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('spots NUL characters anywhere', () => {
    expect(FormBody.parse('a=b%00').hasNul()).toBe(true);
    expect(FormBody.parse('a%00=b').hasNul()).toBe(true);
    expect(FormBody.parse('a=b').hasNul()).toBe(false);
  });
});
