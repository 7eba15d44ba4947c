import { createApp } from './app.factory.js';
import { firstStartLines, whereLines } from './bootstrap/banner.js';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { MasterKeyMismatchError } from './oauth/signing-keys.service.js';

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
  const lines = ['', ...whereLines(config)];
  if (running.firstStart) lines.push(...firstStartLines(config.publicUrl, running.firstStart));
  lines.push('', `Show this again (without the secrets): npm run -s cli -- status`);
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
