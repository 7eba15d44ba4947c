import { execFileSync } from 'node:child_process';
import { inDoubleQuotes, shellComment, shellWord } from './shell.js';

/** What bash prints for `printf %s <word>`: the value the shell reads back. */
const readBack = (script: string): string => execFileSync('bash', ['-c', script], { encoding: 'utf8' });

const HOSTILE = [
  "https://app.example/cb?a='b'",
  'https://app.example/cb\n; touch /tmp/pwned-by-snippet',
  'https://app.example/$(id)`id`${HOME}',
  'https://app.example/"; id; "',
  'https://app.example/cb\\',
  "'; id; '",
  '!!',
  'a b\tc*?[x]',
  'https://app.example/中',
];

describe('shell quoting of values shown in snippets', () => {
  it('leaves safe words bare', () => {
    expect(shellWord('http://127.0.0.1:3000/oauth2/token')).toBe('http://127.0.0.1:3000/oauth2/token');
    expect(inDoubleQuotes('gth_abc123')).toBe('gth_abc123');
  });

  it.each(HOSTILE)('reads %j back as the same bytes, as a word and inside double quotes', (value) => {
    expect(readBack(`printf %s ${shellWord(value)}`)).toBe(value);
    expect(readBack(`printf %s "x=${inDoubleQuotes(value)}&y"`)).toBe(`x=${value}&y`);
  });

  it('keeps a comment on one line', () => {
    expect(shellComment('Back at https://a/cb\nid\r\u2028')).toBe('Back at https://a/cb?id??');
  });
});
