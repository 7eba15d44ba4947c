import { spawn } from 'node:child_process';
import { startTestApp, type TestApp } from './support/app.js';
import { REDIRECT } from './support/code-flow.js';
import { AUTHLIB_PYTHON, authlibMissing } from './support/python.js';
import { selfSignedCert } from './support/tls.js';

const SCRIPT = 'test/support/authlib-rp.py';
const missing = authlibMissing();
// Only a machine where nothing may be installed skips, loudly; as root (CI), npm test installed the package or this fails.
const mayFail = process.getuid?.() === 0 || process.env.CI !== undefined;
if (missing && !mayFail) process.stderr.write(`\n*** SKIPPED test/oidc-authlib.e2e-spec.ts: ${missing}\n\n`);
const suite = missing && !mayFail ? describe.skip : describe;

/** Runs Debian's Python, asynchronously: the server under test answers it from this same process. */
function python(args: string[], env: Record<string, string>): Promise<{ status: number | null; out: Record<string, unknown>; stderr: string }> {
  return new Promise((resolve, reject) => {
    // requests prefers REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE from the environment over a session's own `verify`.
    const ca = env.GATEHOUSE_CA ?? env.CA;
    const child = spawn(AUTHLIB_PYTHON, args, { env: { ...process.env, ...env, REQUESTS_CA_BUNDLE: ca, CURL_CA_BUNDLE: ca }, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      let out: Record<string, unknown>;
      try {
        out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        out = { raw: stdout };
      }
      resolve({ status, out, stderr });
    });
  });
}

/**
 * Interop with Authlib (Debian's python3-authlib): its OpenID Provider metadata validator accepts
 * /.well-known/openid-configuration (and refuses the RFC 8414 document, which lacks the OpenID
 * fields), and its OAuth2Session runs the code flow with PKCE; the ID token passes Authlib's
 * CodeIDToken checks over the JWKS (iss, aud, exp, iat, nonce, at_hash). Over HTTPS: Authlib's
 * validator requires it of every endpoint.
 */
suite('interop: Authlib (Python) as the relying party', () => {
  const tls = selfSignedCert();
  let app: TestApp;

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    app = await startTestApp({ https: true, env: { TLS_CERT_FILE: tls.cert, TLS_KEY_FILE: tls.key } });
  });
  afterAll(async () => {
    await app?.close();
    tls.remove();
  });

  const validate = (path: string) =>
    python(
      [
        '-c',
        'import json,os,requests;from authlib.oidc.discovery import OpenIDProviderMetadata as M\n' +
          'try:\n  M(requests.get(os.environ["U"],verify=os.environ["CA"]).json()).validate();print(json.dumps({"valid":True}))\n' +
          'except ValueError as e:\n  print(json.dumps({"valid":False,"why":str(e)}))',
      ],
      { U: `${app.url}${path}`, CA: tls.cert },
    );

  it("passes Authlib's OpenID Provider metadata validator; the RFC 8414 document alone does not", async () => {
    const oidc = (await validate('/.well-known/openid-configuration')).out;
    expect(oidc).toEqual({ valid: true });
    const plain = (await validate('/.well-known/oauth-authorization-server')).out;
    expect(plain.valid).toBe(false);
    expect(String(plain.why)).toMatch(/subject_types_supported|id_token_signing_alg_values_supported/);
  });

  it('runs the code flow with OAuth2Session and PKCE; the ID token passes CodeIDToken; UserInfo answers', async () => {
    const client = await app.createClient({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['profile', 'email'] });
    const user = await app.createUser();
    const run = await python([SCRIPT], {
      GATEHOUSE_URL: app.url,
      GATEHOUSE_CA: tls.cert,
      CLIENT_ID: client.clientId,
      CLIENT_SECRET: client.clientSecret!,
      REDIRECT_URI: REDIRECT,
      USER_EMAIL: user.email,
      USER_PASSWORD: user.password,
    });
    expect({ status: run.status, stderr: run.stderr, error: run.out.error }).toEqual({ status: 0, stderr: '', error: undefined });
    expect(run.out.metadata_valid).toBe(true);
    expect(run.out.nonce_checked).toBe(true);
    expect(run.out.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(run.out.claims).toMatchObject({ iss: app.url, sub: user.id, aud: client.clientId, email: user.email, email_verified: false });
    expect(run.out.userinfo).toMatchObject({ sub: user.id, email: user.email, email_verified: false });
    expect(run.out.scope).toBe('openid profile email');
  });
});
