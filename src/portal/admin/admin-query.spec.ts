import { parseAuditQuery, parseTime, parseUsersQuery, queryString, readQuery } from './admin-query.js';

describe('admin page queries', () => {
  it('reads each name once, drops empty values, refuses repeats, long values and bad cursors', () => {
    expect(readQuery({ q: ' ada ', role: '', x: 'ignored' }, ['q', 'role'])).toEqual({ raw: { q: 'ada' }, errors: {} });
    expect(readQuery({ q: ['a', 'b'] }, ['q']).errors.q).toMatch(/once/);
    expect(readQuery({ q: 'x'.repeat(201) }, ['q']).errors.q).toMatch(/200/);
    expect(readQuery({ cursor: 'abc$' }, ['cursor']).errors.cursor).toMatch(/not valid/);
    expect(readQuery({ __proto__: 'x' }, ['q']).raw).toEqual({});
  });

  it('checks user filters', () => {
    expect(parseUsersQuery({ role: 'admin', status: 'disabled', q: 'a%' })).toMatchObject({ ok: true, value: { role: 'admin', status: 'disabled', q: 'a%' } });
    expect(parseUsersQuery({ role: 'owner' })).toMatchObject({ ok: false, errors: { role: expect.any(String) }, raw: { role: 'owner' } });
  });

  it('checks audit filters and reads the actor as a user id, an email or a client id', () => {
    const id = '0b6c4a86-5d0e-4a8e-9a7b-1f0f5c1e2d3a';
    expect(parseAuditQuery({ actor: id })).toMatchObject({ ok: true, value: { actor: { userId: id } } });
    expect(parseAuditQuery({ actor: 'Ada@Example.com' })).toMatchObject({ ok: true, value: { actor: { email: 'ada@example.com' } } });
    expect(parseAuditQuery({ actor: 'gatehouse-swagger-ui' })).toMatchObject({ ok: true, value: { actor: { clientId: 'gatehouse-swagger-ui' } } });
    expect(parseAuditQuery({ type: "x' OR 1=1" })).toMatchObject({ ok: false, errors: { type: expect.any(String) } });
    expect(parseAuditQuery({ outcome: 'maybe' })).toMatchObject({ ok: false, errors: { outcome: expect.any(String) } });
    expect(parseAuditQuery({ since: '2026-11-28T10:00', until: '2026-11-28T09:00' })).toMatchObject({ ok: false, errors: { until: expect.any(String) } });
  });

  it('reads times as UTC and refuses impossible dates', () => {
    expect(parseTime('2026-11-28T10:15')?.toISOString()).toBe('2026-11-28T10:15:00.000Z');
    expect(parseTime('2026-11-28T10:15:30+01:00')?.toISOString()).toBe('2026-11-28T09:15:30.000Z');
    expect(parseTime('2026-02-31T00:00')).toBeNull();
    expect(parseTime('yesterday')).toBeNull();
    expect(parseTime('2026-11-28')).toBeNull();
  });

  it('builds query strings of the values set', () => {
    expect(queryString({ a: '1', b: undefined, c: '', d: 'x y&z' })).toBe('?a=1&d=x+y%26z');
    expect(queryString({})).toBe('');
  });
});
