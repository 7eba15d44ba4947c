import { readCookie, serializeCookie } from '../http/cookies.js';
import { html } from './html.js';

describe('html tagged template', () => {
  it('escapes every interpolation, nests fragments, drops null/false', () => {
    const name = `<script>alert("x")</script>&'\``;
    const out = html`<p title="${name}">${name}${html`<b>${'<i>'}</b>`}${null}${false}${[1, html`<br />`]}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;<b>&lt;i&gt;</b>1<br /></p>',
    );
  });
});

describe('cookies', () => {
  const token = 'A'.repeat(43);
  it('reads one cookie by name, refusing duplicates and odd values', () => {
    expect(readCookie(`a=1; gh_session=${token}; b=2`, 'gh_session')).toBe(token);
    expect(readCookie(`gh_session=${token}; gh_session=${token}`, 'gh_session')).toBeUndefined();
    expect(readCookie('gh_session=short', 'gh_session')).toBeUndefined();
    expect(readCookie('gh_session="quoted;value"', 'gh_session')).toBeUndefined();
    expect(readCookie(undefined, 'gh_session')).toBeUndefined();
  });

  it('writes HttpOnly, SameSite=Lax, Path=/ and Secure when asked', () => {
    expect(serializeCookie('n', 'v', { secure: true, maxAge: 5 })).toBe('n=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=5; Secure');
    expect(serializeCookie('n', 'v', { secure: false })).toBe('n=v; Path=/; HttpOnly; SameSite=Lax');
  });
});
