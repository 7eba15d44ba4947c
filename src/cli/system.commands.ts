import { Module } from '@nestjs/common';
import { ChangeBusModule } from '../database/change-bus.module.js';
import { runMigrations } from '../database/data-source.js';
import { SigningKeysService } from '../oauth/signing-keys.service.js';
import { command } from './command.js';

/** SigningKeysService without the rest of OAuthModule (no JWT, no controllers). */
@Module({ providers: [SigningKeysService], exports: [SigningKeysService] })
class SigningKeysModule {}

export const signingKeysRotate = command({
  summary: 'Add a new signing key; it is published at once and signs after SIGNING_KEY_ACTIVATION_DELAY',
  usage: '',
  flags: [],
  // The change bus tells every running instance to re-read the keys at once.
  imports: [ChangeBusModule, SigningKeysModule],
  parse: () => undefined,
  async run({ app, config }) {
    const kid = await app.get(SigningKeysService).rotate();
    const delay = config.signingKeyActivationDelay;
    return { json: { kid }, text: [`New signing key ${kid}: in the JWKS now, signing ${delay ? `in ${delay} s` : 'now'}`] };
  },
});

export const migrationRun = command({
  summary: 'Apply pending database migrations',
  usage: '',
  flags: [],
  migrate: false,
  parse: () => undefined,
  async run({ db }) {
    const applied = await runMigrations(db.dataSource);
    return { json: { applied }, text: applied.length ? applied.map((name) => `Applied ${name}`) : ['No pending migrations'] };
  },
});
