import type { ClientView } from '../clients/client.dto.js';
import { inDoubleQuotes, shellComment, shellWord } from '../platform/html/shell.js';

/**
 * Shell commands for the guide's requests, with this client's id and this server's URL; never a
 * secret. Every value is quoted for the shell (src/platform/html/shell.ts): a redirect URI registered with a
 * quote, a `$(...)` or a line break comes back as itself, never as a command.
 */
export function curlExamples(publicUrl: string, c: ClientView): string[] {
  const out: string[] = [];
  const token = shellWord(`${publicUrl}/oauth2/token`);
  const clientId = inDoubleQuotes(c.client_id);
  if (c.grant_types.includes('client_credentials')) {
    out.push(
      [
        `# Paste your client secret here (it is not shown again on this page):`,
        `export CLIENT_SECRET='...'`,
        ``,
        `# 1. Get an access token (client credentials)`,
        `curl -s -X POST ${token} \\`,
        `  -H 'Content-Type: application/x-www-form-urlencoded' \\`,
        `  -d "grant_type=client_credentials&client_id=${clientId}&client_secret=$CLIENT_SECRET"`,
        ``,
        `# The same, keeping the access token for the next call:`,
        `ACCESS_TOKEN=$(curl -s -X POST ${token} -d "grant_type=client_credentials&client_id=${clientId}&client_secret=$CLIENT_SECRET" \\`,
        `  | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
        ``,
        `# 2. Call the API with it${c.scopes.includes('users:read') ? '' : ' (needs the users:read scope, which this application does not have)'}`,
        `curl -s ${shellWord(`${publicUrl}/v1/users`)} -H "Authorization: Bearer $ACCESS_TOKEN"`,
      ].join('\n'),
    );
  }
  if (c.grant_types.includes('authorization_code')) out.push(codeFlowExample(publicUrl, c, token, clientId));
  return out;
}

function codeFlowExample(publicUrl: string, c: ClientView, token: string, clientId: string): string {
  const redirect = c.redirect_uris[0] ?? 'https://your.app/callback';
  const authorize = inDoubleQuotes(
    `${publicUrl}/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(c.client_id)}&redirect_uri=${encodeURIComponent(redirect)}&scope=${encodeURIComponent(c.scopes.join(' '))}`,
  );
  const secretPart = c.type === 'confidential' ? '&client_secret=$CLIENT_SECRET' : '';
  const secretLine = c.type === 'confidential' ? [`export CLIENT_SECRET='...'   # your client secret (not shown again on this page)`] : [];
  return [
    `# Authorization code flow with PKCE: make a verifier and its S256 challenge, and a state`,
    `CODE_VERIFIER=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\\n')`,
    `CODE_CHALLENGE=$(printf %s "$CODE_VERIFIER" | openssl dgst -sha256 -binary | openssl base64 | tr '+/' '-_' | tr -d '=\\n')`,
    `STATE=$(openssl rand -hex 16)`,
    ``,
    `# 1. Send the user's browser to:`,
    `echo "${authorize}&state=$STATE&code_challenge=$CODE_CHALLENGE&code_challenge_method=S256"`,
    ``,
    `# 2. The browser comes back to ${shellComment(redirect)}?code=...&state=...`,
    `#    Paste the whole address it came back to:`,
    `REDIRECTED_TO='paste the address here'`,
    `CODE=$(printf %s "$REDIRECTED_TO" | sed -nE 's/.*[?&]code=([^&#]*).*/\\1/p')`,
    `RETURNED_STATE=$(printf %s "$REDIRECTED_TO" | sed -nE 's/.*[?&]state=([^&#]*).*/\\1/p')`,
    `[ "$RETURNED_STATE" = "$STATE" ] || echo 'The state does not match: do not use this code'`,
    ``,
    `# 3. Exchange the code for tokens (within a minute: codes are short-lived and work once)`,
    ...secretLine,
    `curl -s -X POST ${token} \\`,
    `  -d "grant_type=authorization_code&code=$CODE&redirect_uri=${inDoubleQuotes(encodeURIComponent(redirect))}&code_verifier=$CODE_VERIFIER&client_id=${clientId}${secretPart}"`,
  ].join('\n');
}
