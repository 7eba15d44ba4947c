import { isEmail, MAX_EMAIL_LENGTH, normalizeEmail } from './email.js';

const ok = (raw: string) => isEmail(normalizeEmail(raw));

describe('the email rule', () => {
  it.each([
    'dev@example.com',
    'first.last@example.co.uk',
    'dev+gatehouse@example.com',
    'dev+tag+more@example.com',
    "o'brien@example.ie",
    'x_y-z@sub.example.com',
    'admin@gatehouse.local',
    'user@xn--bcher-kva.example',
    'user@bücher.example',
    'δοκιμή@παράδειγμα.δοκιμή',
    '用户@例子.广告',
    'a@b.co',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %s', (email) => {
    expect(ok(email)).toBe(true);
  });

  it.each([
    ['no @', 'dev.example.com'],
    ['two @', 'dev@@example.com'],
    ['@ in local part', 'a@b@example.com'],
    ['empty local part', '@example.com'],
    ['empty domain', 'dev@'],
    ['no dot in the domain', 'dev@localhost'],
    ['trailing dot', 'dev@example.com.'],
    ['leading dot in domain', 'dev@.example.com'],
    ['double dot in domain', 'dev@example..com'],
    ['leading dot in local part', '.dev@example.com'],
    ['trailing dot in local part', 'dev.@example.com'],
    ['double dot in local part', 'de..v@example.com'],
    ['quoted local part', '"john doe"@example.com'],
    ['quote', 'a"b@example.com'],
    ['inner space', 'john doe@example.com'],
    ['tab', 'john\tdoe@example.com'],
    ['newline', 'dev@example.com\nbcc@evil.example'],
    ['NUL', 'dev\0@example.com'],
    ['angle brackets', '<dev@example.com>'],
    ['display name', 'Dev <dev@example.com>'],
    ['IP literal', 'dev@[127.0.0.1]'],
    ['label starting with a hyphen', 'dev@-example.com'],
    ['label ending with a hyphen', 'dev@example-.com'],
    ['label over 63', `dev@${'a'.repeat(64)}.com`],
    ['local part over 64', `${'a'.repeat(65)}@example.com`],
    ['comma', 'a,b@example.com'],
    ['parentheses (comment)', 'dev(comment)@example.com'],
    ['backslash', 'a\\b@example.com'],
    ['empty', ''],
    ['spaces only', '   '],
  ])('refuses %s', (_why, email) => {
    expect(ok(email)).toBe(false);
  });

  it('normalises: trims, lower-cases the whole address (any script), NFC', () => {
    expect(normalizeEmail('  Dev+Tag@Example.COM \n')).toBe('dev+tag@example.com');
    expect(normalizeEmail('ÜSER@BÜCHER.EXAMPLE')).toBe('üser@bücher.example');
    // "ü" as u + combining diaeresis becomes the one precomposed character.
    expect(normalizeEmail('u\u0308ser@example.com')).toBe('\u00fcser@example.com');
    // Too long to be an address: kept just long enough to stay refused, whatever its size.
    expect(normalizeEmail('A'.repeat(1_000_000))).toHaveLength(MAX_EMAIL_LENGTH + 1);
  });

  it('caps the whole address at 254 characters', () => {
    const domain = `${Array.from({ length: 4 }, () => 'a'.repeat(60)).join('.')}.com`;
    expect(ok(`a@${domain}`)).toBe(true);
    expect(`a@${domain}`.length).toBeLessThanOrEqual(MAX_EMAIL_LENGTH);
    expect(ok(`${'a'.repeat(10)}@${domain}`)).toBe(false);
  });

  it('answers pathological and huge inputs in linear time', () => {
    const inputs = [
      'a'.repeat(1_000_000),
      `${'a.'.repeat(200_000)}@x`,
      `x@${'a.'.repeat(200_000)}`,
      '@'.repeat(500_000),
      `${'a'.repeat(64)}@${'a-'.repeat(100_000)}`,
      `${'-'.repeat(100)}@${'a'.repeat(60)}.${'!'.repeat(100_000)}`,
    ];
    const started = process.hrtime.bigint();
    for (const input of inputs) expect(ok(input)).toBe(false);
    // Within the limit, the worst shapes for a backtracking pattern: many dots, hyphens, symbols.
    for (let i = 0; i < 100; i++) {
      expect(isEmail(`${'a.'.repeat(31)}a@${'a-'.repeat(30)}a.${'b'.repeat(60)}!`)).toBe(false);
      expect(isEmail(`${'!#'.repeat(32)}@${'a.'.repeat(90)}`)).toBe(false);
    }
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});
