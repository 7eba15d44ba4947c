import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, KeyObject, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Sealer } from '../platform/crypto.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { Setting } from '../platform/database/setting.entity.js';
import { SigningKey } from './signing-key.entity.js';

export interface LoadedKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly publicKey: KeyObject;
  readonly publicJwk: Record<string, string>;
  readonly activatesAt: number;
  /** When a newer key took over; tokens it signed live at most ACCESS_TOKEN_TTL after that. */
  retiredAt: number | undefined;
  privateKey?: KeyObject;
}

const KEY_LOCK = 7_404_117_002;
/** The safety net under the change bus: every instance re-reads the key table this often anyway. */
const REFRESH_INTERVAL_MS = 30_000;
/** Change-bus channel: a signing key was added (payload: its kid); every instance re-reads the table. */
export const SIGNING_KEYS_CHANNEL = 'signing_keys';
/** A kid we do not know makes us re-read the table, at most this often. */
const MISS_RELOAD_MS = 1_000;

export class MasterKeyMismatchError extends Error {
  constructor() {
    super(
      'MASTER_KEY does not match the key this database was set up with: every instance sharing a database must use the same MASTER_KEY (and a generated one lives in DATA_DIR/master.key)',
    );
    this.name = 'MasterKeyMismatchError';
  }
}

/**
 * The keys that sign access tokens. Private parts are sealed with the master key in the database;
 * every instance reads the same table, so tokens from one are verified by all. Rotation publishes the
 * new key `SIGNING_KEY_ACTIVATION_DELAY` seconds before it signs, and an old key stays in the JWKS
 * until every token it signed has expired. A rotation on one instance (or the command line) is
 * announced on the change bus: every instance re-reads the table at once.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly sealer: Sealer;
  private keys: LoadedKey[] = [];
  private lastLoad = 0;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private missReload: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    /** Absent in command-line contexts that do not import the change bus. */
    @Optional() private readonly bus?: ChangeBus,
  ) {
    this.sealer = new Sealer(config.masterKey, 'signing-keys');
  }

  async onModuleInit(): Promise<void> {
    this.bus?.subscribe(
      SIGNING_KEYS_CHANNEL,
      () => void this.reloadFresh().catch((e: Error) => this.logger.warn(`could not reload signing keys: ${e.message}`)),
    );
    await this.checkMasterKey();
    await this.reload();
    if (this.keys.length === 0) {
      await this.createKey(0, true);
      await this.reload();
    }
    this.timer = setInterval(
      () => void this.reload().catch((e: Error) => this.logger.warn(`could not refresh signing keys: ${e.message}`)),
      REFRESH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The key that signs now: the newest one whose activation time has come. */
  current(): LoadedKey & { privateKey: KeyObject } {
    const now = Date.now();
    const key = this.keys.find((k) => k.activatesAt <= now) ?? this.keys[this.keys.length - 1];
    if (!key) throw new Error('no signing key loaded');
    if (!key.privateKey) throw new Error(`signing key ${key.kid} has no private part loaded`);
    return key as LoadedKey & { privateKey: KeyObject };
  }

  /** The key with this kid, re-reading the table (throttled) when it is not known yet. */
  async find(kid: string): Promise<LoadedKey | undefined> {
    const known = this.keys.find((k) => k.kid === kid);
    if (known) return known;
    // Unknown kids (a key rotated on another instance, or forgeries) share one re-read at most
    // once a second, so they cannot drive the database harder than that.
    if (!this.missReload) {
      const wait = Math.max(0, this.lastLoad + MISS_RELOAD_MS - Date.now());
      this.missReload = new Promise<void>((r) => setTimeout(r, wait))
        .then(() => this.reload())
        .finally(() => {
          this.missReload = undefined;
        });
    }
    await this.missReload;
    return this.keys.find((k) => k.kid === kid);
  }

  findLoaded(kid: string): LoadedKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  /** Public keys to publish: every key not yet retired, and retired ones whose tokens may still live. */
  published(): LoadedKey[] {
    const now = Date.now();
    const ttl = this.config.accessTokenTtl * 1000;
    return this.keys.filter((k) => k.retiredAt === undefined || k.retiredAt + ttl + 60_000 > now);
  }

  /** Adds a key that starts signing after the activation delay; returns its kid. */
  async rotate(delaySeconds = this.config.signingKeyActivationDelay): Promise<string> {
    const kid = await this.createKey(delaySeconds, false);
    await this.reloadFresh();
    try {
      await this.bus?.publish(SIGNING_KEYS_CHANNEL, kid);
    } catch (err) {
      // Committed already: the others find it on their next periodic reload, or at the first token with the new kid.
      this.logger.warn(`could not announce the new signing key: ${(err as Error).message}`);
    }
    return kid;
  }

  /** A reload that starts after this call (one already running may have read the table before a change). */
  private async reloadFresh(): Promise<void> {
    await this.loading?.catch(() => undefined);
    return this.reload();
  }

  async reload(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      const rows = await this.dataSource.getRepository(SigningKey).find({ order: { activatesAt: 'DESC' } });
      const previous = new Map(this.keys.map((k) => [k.kid, k]));
      const loaded: LoadedKey[] = rows.map((row) => {
        const prior = previous.get(row.kid);
        return {
          kid: row.kid,
          alg: row.alg,
          publicJwk: row.publicJwk,
          publicKey: prior?.publicKey ?? createPublicKey({ key: row.publicJwk, format: 'jwk' }),
          activatesAt: row.activatesAt.getTime(),
          retiredAt: undefined,
          privateKey: prior?.privateKey ?? this.openPrivate(row),
        };
      });
      // Sorted newest activation first; a key retires when the next newer one activates.
      for (let i = 1; i < loaded.length; i++) {
        if (loaded[i - 1].activatesAt <= Date.now()) loaded[i].retiredAt = loaded[i - 1].activatesAt;
      }
      this.keys = loaded;
      this.lastLoad = Date.now();
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private openPrivate(row: SigningKey): KeyObject {
    try {
      return createPrivateKey({ key: this.sealer.open(row.privateKeyEnc), format: 'der', type: 'pkcs8' });
    } catch {
      throw new MasterKeyMismatchError();
    }
  }

  /** Creates a key; with `onlyIfNone`, only when the table is empty (several instances may race). */
  private async createKey(delaySeconds: number, onlyIfNone: boolean): Promise<string> {
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      if (onlyIfNone) {
        const existing = await em.getRepository(SigningKey).findOne({ where: {}, order: { activatesAt: 'DESC' } });
        if (existing) return existing.kid;
      }
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const kid = randomBytes(12).toString('base64url');
      const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
      const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
      await em.getRepository(SigningKey).insert({
        kid,
        alg: 'ES256',
        publicJwk,
        privateKeyEnc: this.sealer.seal(privateKey.export({ format: 'der', type: 'pkcs8' })),
        activatesAt: new Date(Date.now() + delaySeconds * 1000),
      });
      return kid;
    });
  }

  /** Refuses to start with a MASTER_KEY other than the one the database was set up with. */
  private async checkMasterKey(): Promise<void> {
    const check = createHmac('sha256', Buffer.from(hkdfSync('sha256', this.config.masterKey, 'gatehouse', 'check', 32)))
      .update('gatehouse master key check')
      .digest('base64url');
    const repo = this.dataSource.getRepository(Setting);
    await repo.createQueryBuilder().insert().values({ key: 'master_key_check', value: check }).orIgnore().execute();
    const stored = await repo.findOneBy({ key: 'master_key_check' });
    if (stored?.value !== check) throw new MasterKeyMismatchError();
  }
}
