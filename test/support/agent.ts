import { createHash, randomBytes } from 'node:crypto';

export interface AgentResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser without a browser: keeps cookies, never follows redirects, posts forms. */
export class Agent {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<AgentResponse> {
    const res = await fetch(path.startsWith('http') ? path : this.base + path, { redirect: 'manual', headers: { ...this.cookieHeader(), ...headers } });
    this.store(res);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  async post(path: string, form: Record<string, string> | string, headers: Record<string, string> = {}): Promise<AgentResponse> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
    this.store(res);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  /** Signs in through the form; returns the response of the POST. */
  async signIn(email: string, password: string, returnTo?: string): Promise<AgentResponse> {
    const page = await this.get(`/portal/signin${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`);
    return this.post('/portal/signin', { email, password, csrf: hidden(page.text, 'csrf'), return_to: hidden(page.text, 'return_to') });
  }
}

/** The value of a hidden input of a page. */
export function hidden(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no hidden field ${name} in page: ${page.slice(0, 500)}`);
  return m[1]
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`');
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
