import { snakeKey } from '../../audit/audit-details.js';
import { csvField } from './audit-csv.js';

describe('audit CSV and detail keys', () => {
  it('quotes every field and neutralises what a spreadsheet would run', () => {
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('a "b", c\nd')).toBe('"a ""b"", c\nd"');
    for (const v of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(csvField(v)).toBe(`"'${v}"`);
    expect(csvField(null)).toBe('""');
    expect(csvField('a=b')).toBe('"a=b"');
  });

  it('names detail keys in snake_case, old names renamed', () => {
    expect(snakeKey('redirectUris')).toBe('redirect_uris');
    expect(snakeKey('accessTokenSignedResponseAlg')).toBe('access_token_signed_response_alg');
    expect(snakeKey('graceSeconds')).toBe('grace_period_seconds');
    expect(snakeKey('grace_period_seconds')).toBe('grace_period_seconds');
    expect(snakeKey('by_admin')).toBe('by_admin');
  });
});
