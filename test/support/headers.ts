export { wellFormed } from '../../src/platform/html/page.js';

/** The bytes of a response's header block as sent (name: value CRLF, cookies one line each). */
export function headerBlockSize(headers: Headers): number {
  let size = 0;
  for (const [name, value] of headers) if (name !== 'set-cookie') size += name.length + value.length + 4;
  for (const cookie of headers.getSetCookie()) size += 'set-cookie'.length + cookie.length + 4;
  return size;
}
