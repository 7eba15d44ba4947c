import { boundedDetails, MAX_DETAIL_ITEMS, MAX_DETAIL_STRING, MAX_DETAILS_JSON } from './audit-details.js';

describe('boundedDetails', () => {
  it('keeps small details as they are', () => {
    const details = { grantTypes: ['authorization_code'], scopes: ['profile'], n: 3, ok: true, none: null };
    expect(JSON.parse(boundedDetails(details))).toEqual(details);
  });

  it('cuts long strings and long lists, and says so', () => {
    const uri = `https://a.example/${'eyJ'.repeat(700)}`;
    const parsed = JSON.parse(boundedDetails({ redirectUris: [uri], scopes: Array.from({ length: 50 }, (_, i) => `s${i}`) })) as {
      redirectUris: string[];
      scopes: string[];
    };
    expect(parsed.redirectUris[0].length).toBeLessThan(MAX_DETAIL_STRING + 40);
    expect(parsed.redirectUris[0]).toMatch(/… \(2118 characters\)$/);
    expect(parsed.scopes).toHaveLength(MAX_DETAIL_ITEMS + 1);
    expect(parsed.scopes.at(-1)).toBe('… 30 more');
  });

  it('never stores more than MAX_DETAILS_JSON characters, however nested', () => {
    const wide = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, Array.from({ length: 20 }, () => 'x'.repeat(600))]));
    expect(boundedDetails(wide).length).toBeLessThanOrEqual(MAX_DETAILS_JSON);
    expect(JSON.parse(boundedDetails(wide))).toMatchObject({ truncated: true });
    const deep = { a: { b: { c: { d: { e: 'deep' } } } } };
    expect(JSON.parse(boundedDetails(deep))).toEqual({ a: { b: { c: '…' } } });
  });
});
