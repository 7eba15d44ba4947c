import type { FastifyRequest } from 'fastify';
import { FormBody } from '../platform/http/form.js';
import { byField, intOrRaw, lines, readForm } from './portal-form.js';

const req = (body: unknown) => ({ body }) as FastifyRequest;

describe('readForm (strict portal forms)', () => {
  it('reads single fields (empty = undefined) and repeated checkbox fields', () => {
    const f = readForm(req(FormBody.parse('name=App&csrf=&scopes=a&scopes=b')), ['name', 'csrf'], ['scopes', 'grant_types']);
    expect(f).toEqual({ ok: true, one: { name: 'App', csrf: undefined }, many: { scopes: ['a', 'b'], grant_types: [] } });
  });

  it.each([
    ['not a form', { name: 'x' }, 'only its own form'],
    ['a NUL', FormBody.parse('name=a%00b'), 'NUL'],
    ['a repeated single field', FormBody.parse('name=a&name=b'), 'name was sent more than once'],
    ['an unknown field', FormBody.parse('name=a&owner_id=1'), 'does not expect: owner_id'],
    ['a NUL in a field name', FormBody.parse('na%00me=a'), 'NUL'],
  ])('refuses %s', (_what, body, message) => {
    const f = readForm(req(body), ['name'], ['scopes']);
    expect(f.ok).toBe(false);
    expect(f.ok ? '' : f.message).toContain(message);
  });
});

describe('form helpers', () => {
  it('splits textarea lines, trimming and dropping blank ones', () => {
    expect(lines(' https://a/cb \r\n\r\nhttps://b/cb\rhttps://c/cb\n')).toEqual(['https://a/cb', 'https://b/cb', 'https://c/cb']);
    expect(lines(undefined)).toEqual([]);
  });

  it('turns whole numbers into numbers and leaves anything else for the DTO to refuse', () => {
    expect(intOrRaw('3600')).toBe(3600);
    expect(intOrRaw('-1')).toBe('-1');
    expect(intOrRaw('1e3')).toBe('1e3');
    expect(intOrRaw(undefined)).toBeUndefined();
  });

  it('groups field errors by their top-level field', () => {
    expect(
      byField([
        { field: 'redirect_uris.0', message: 'a' },
        { field: 'redirect_uris', message: 'b' },
        { field: 'name', message: 'c' },
      ]),
    ).toEqual({ redirect_uris: ['a', 'b'], name: ['c'] });
  });
});
