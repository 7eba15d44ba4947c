import type { AppConfig } from '../platform/config/config.js';
import { shellWord } from '../platform/html/shell.js';
import type { FirstStart } from './bootstrap.service.js';

/** Where things are: printed last by `npm start`, and again by `npm run -s cli -- status`. */
export function whereLines(config: Pick<AppConfig, 'publicUrl' | 'databaseUrl' | 'dataDir'>): string[] {
  const { publicUrl } = config;
  return [
    `Gatehouse on ${publicUrl} (${config.databaseUrl ? 'PostgreSQL at DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`})`,
    `  Developer portal:      ${publicUrl}/portal`,
    `  API docs (Swagger UI): ${publicUrl}/docs`,
    `  Token endpoint:        ${publicUrl}/oauth2/token`,
    `  Metadata:              ${publicUrl}/.well-known/oauth-authorization-server`,
    `  Readiness:             ${publicUrl}/health/ready`,
  ];
}

/**
 * The first start's credentials, shown once (only their hashes are kept), and the guide's two requests
 * as a pair that runs as pasted: the second carries the token the first one got.
 */
export function firstStartLines(publicUrl: string, first: FirstStart): string[] {
  const lines = ['', 'First start: created the admin user (sign in to the portal with it)', `  email:    ${first.adminEmail}`];
  if (first.generatedAdminPassword) lines.push(`  password: ${first.generatedAdminPassword}   (shown once; set ADMIN_PASSWORD to choose it)`);
  const demo = first.demoClient;
  if (demo) {
    lines.push(
      '',
      'A demo client (client credentials, scopes users:read data:read data:write); its secret is shown once:',
      `  client_id:     ${demo.clientId}`,
      `  client_secret: ${demo.clientSecret}`,
      '',
      'Try the guide (paste both lines into a shell):',
      `  TOKEN=$(curl -s -X POST ${shellWord(`${publicUrl}/oauth2/token`)} -d grant_type=client_credentials -d client_id=${shellWord(demo.clientId)} -d client_secret=${shellWord(demo.clientSecret)} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `  curl -s ${shellWord(`${publicUrl}/v1/users`)} -H "Authorization: Bearer $TOKEN"`,
    );
  }
  return lines;
}
