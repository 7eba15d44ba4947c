import { headerSafeUrl } from './page.js';

describe('headerSafeUrl', () => {
  it('leaves printable ASCII alone', () => {
    expect(headerSafeUrl('/portal/signin?return_to=%2Fx&a=b#c')).toBe('/portal/signin?return_to=%2Fx&a=b#c');
  });

  it('percent-encodes as UTF-8 everything else, a lone surrogate as U+FFFD', () => {
    expect(headerSafeUrl('/p/中 é\n')).toBe('/p/%E4%B8%AD%20%C3%A9%0A');
    expect(headerSafeUrl('/p/\ud83d\udd11')).toBe('/p/%F0%9F%94%91');
    expect(headerSafeUrl('/p/\ud800x\udc00')).toBe('/p/%EF%BF%BDx%EF%BF%BD');
  });
});
