import { Module } from '@nestjs/common';
import { whereLines } from '../bootstrap/banner.js';
import { ChangeBusModule } from '../platform/change-bus/change-bus.module.js';
import { runMigrations } from '../platform/database/data-source.js';
import { SigningKeysService } from '../oauth/signing-keys.service.js';
import { command } from './command.js';

/** SigningKeysService without the rest of OAuthModule (no JWT, no controllers). */
@Module({ providers: [SigningKeysService], exports: [SigningKeysService] })
class SigningKeysModule {}

export const signingKeysRotate = command({
  // The change bus tells every running instance to re-read the keys at once.
  imports: [ChangeBusModule, SigningKeysModule],
  parse: () => undefined,
  async run({ app, config }) {
    const kids = await app.get(SigningKeysService).rotateAll();
    const delay = config.signingKeyActivationDelay;
    const when = `in the JWKS now, signing ${delay ? `in ${delay} s` : 'now'}`;
    // `kid` is the ES256 key's, as before RS256 keys existed; `kids` names each algorithm's.
    return { json: { kid: kids.ES256, kids }, text: Object.entries(kids).map(([alg, kid]) => `New ${alg} signing key ${kid}: ${when}`) };
  },
});

export const migrationRun = command({
  migrate: false,
  parse: () => undefined,
  async run({ db }) {
    const applied = await runMigrations(db.dataSource);
    return { json: { applied }, text: applied.length ? applied.map((name) => `Applied ${name}`) : ['No pending migrations'] };
  },
});

export const status = command({
  parse: () => undefined,
  async run({ config, db }) {
    const admins = await db.dataSource.query<{ email: string; status: string }[]>("SELECT email, status FROM users WHERE role = 'admin' ORDER BY created_at");
    const demo = (
      await db.dataSource.query<{ client_id: string; status: string }[]>(
        "SELECT client_id, status FROM clients WHERE name = 'Demo client' AND first_party = false ORDER BY created_at LIMIT 1",
      )
    )[0];
    const text = [
      '',
      ...whereLines(config),
      '',
      `Admin users: ${admins.map((a) => `${a.email}${a.status === 'active' ? '' : ` (${a.status})`}`).join(', ') || '(none)'}`,
    ];
    if (demo)
      text.push(
        `Demo client: ${demo.client_id}${demo.status === 'active' ? '' : ` (${demo.status})`} (its secret was shown once at first start; rotate it in the portal to get a new one)`,
      );
    return {
      json: { public_url: config.publicUrl, database: config.databaseUrl ? 'postgresql' : 'embedded', admins, demo_client_id: demo?.client_id ?? null },
      text,
    };
  },
});
