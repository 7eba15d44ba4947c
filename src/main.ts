import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.js';
import { MasterKeyMismatchError } from './oauth/signing-keys.service.js';
import { shellWord } from './web/shell.js';

/** `npm start`: validated configuration, the database (embedded by default), then listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const running = await createApp(config);
  await running.app.listen({ port: config.port, host: config.host });
  const { publicUrl } = config;
  const lines = [
    '',
    `Gatehouse is running on ${publicUrl} (${config.databaseUrl ? 'PostgreSQL at DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`})`,
    `  Developer portal:      ${publicUrl}/portal`,
    `  API docs (Swagger UI): ${publicUrl}/docs`,
    `  Token endpoint:        ${publicUrl}/oauth2/token`,
    `  Metadata:              ${publicUrl}/.well-known/oauth-authorization-server`,
    `  Readiness:             ${publicUrl}/health/ready`,
  ];
  const first = running.firstStart;
  if (first) {
    lines.push('', 'First start: created the admin user', `  email:    ${first.adminEmail}`);
    if (first.generatedAdminPassword) lines.push(`  password: ${first.generatedAdminPassword}   (shown once; set ADMIN_PASSWORD to choose it)`);
    if (first.demoClient) {
      lines.push(
        '',
        'A demo client (client credentials, scopes users:read data:read data:write); its secret is shown once:',
        `  client_id:     ${first.demoClient.clientId}`,
        `  client_secret: ${first.demoClient.clientSecret}`,
        '',
        'Try the guide:',
        `  curl -s -X POST ${shellWord(`${publicUrl}/oauth2/token`)} -H 'Content-Type: application/x-www-form-urlencoded' \\`,
        `    -d 'grant_type=client_credentials&client_id=${first.demoClient.clientId}&client_secret=${first.demoClient.clientSecret}'`,
        `  curl -s ${shellWord(`${publicUrl}/v1/users`)} -H 'Authorization: Bearer <access_token>'`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    running.logger.info({ signal }, 'shutting down: finishing requests in flight');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof MasterKeyMismatchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`gatehouse: could not start: ${message}\n`);
  process.exit(1);
});
