import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, createPrivateKey, createPublicKey, hkdfSync, KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Sealer } from '../platform/crypto.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { Setting } from '../platform/database/setting.entity.js';
import { isSigningAlg, SIGNING_ALGS, type SigningAlg } from './jws.js';
import { newKeyMaterial, type NewKeyMaterial } from './signing-key-material.js';
import { SigningKey } from './signing-key.entity.js';

export interface LoadedKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly publicKey: KeyObject;
  readonly publicJwk: Record<string, string>;
  readonly activatesAt: number;
  /** When a newer key of its algorithm took over; tokens it signed live at most ACCESS_TOKEN_TTL after that. */
  retiredAt: number | undefined;
  privateKey?: KeyObject;
}

/** The kid of the key each algorithm got in one rotation. */
export type RotatedKids = Record<SigningAlg, string>;

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
 * The keys that sign access tokens: one key per algorithm (ES256, RS256) signs at a time. Private
 * parts are sealed with the master key in the database; every instance reads the same table, so
 * tokens from one are verified by all. Rotation adds a key for every algorithm, published
 * `SIGNING_KEY_ACTIVATION_DELAY` seconds before it signs, and an old key stays in the JWKS until every
 * token it signed has expired. A rotation on one instance (or the command line) is announced on the
 * change bus: every instance re-reads the table at once.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly sealer: Sealer;
  /** Per algorithm, newest activation first. */
  private byAlg: Record<SigningAlg, LoadedKey[]> = { ES256: [], RS256: [] };
  private byKid = new Map<string, LoadedKey>();
  /** Every key: ES256 ones first, each algorithm's newest first. */
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
    // A new database has no key; one made before RS256 existed has only an ES256 key: each missing
    // algorithm gets its first key now, signing at once (no token can name it before it exists).
    const missing = SIGNING_ALGS.filter((alg) => this.byAlg[alg].length === 0);
    if (missing.length) {
      await this.createKeys(missing, 0, true);
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

  /** The key that signs with `alg` now: the newest one of that algorithm whose activation time has come. */
  current(alg: SigningAlg = 'ES256'): LoadedKey & { privateKey: KeyObject } {
    const keys = this.byAlg[alg] ?? [];
    const now = Date.now();
    const key = keys.find((k) => k.activatesAt <= now) ?? keys[keys.length - 1];
    if (!key) throw new Error(`no ${String(alg)} signing key loaded`);
    if (!key.privateKey) throw new Error(`signing key ${key.kid} has no private part loaded`);
    return key as LoadedKey & { privateKey: KeyObject };
  }

  /** The key with this kid, re-reading the table (throttled) when it is not known yet. */
  async find(kid: string): Promise<LoadedKey | undefined> {
    const known = this.byKid.get(kid);
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
    return this.byKid.get(kid);
  }

  findLoaded(kid: string): LoadedKey | undefined {
    return this.byKid.get(kid);
  }

  /** Public keys to publish: every key not yet retired, and retired ones whose tokens may still live. */
  published(): LoadedKey[] {
    const now = Date.now();
    const ttl = this.config.accessTokenTtl * 1000;
    return this.keys.filter((k) => k.retiredAt === undefined || k.retiredAt + ttl + 60_000 > now);
  }

  /**
   * Adds a key for every algorithm, all published at once and signing after the activation delay;
   * returns the ES256 kid (see rotateAll for every kid).
   */
  async rotate(delaySeconds = this.config.signingKeyActivationDelay): Promise<string> {
    return (await this.rotateAll(delaySeconds)).ES256;
  }

  /** Adds a key for every algorithm (one transaction), all activating at the same time; returns their kids. */
  async rotateAll(delaySeconds = this.config.signingKeyActivationDelay): Promise<RotatedKids> {
    const kids = (await this.createKeys(SIGNING_ALGS, delaySeconds, false)) as RotatedKids;
    await this.reloadFresh();
    try {
      await this.bus?.publish(SIGNING_KEYS_CHANNEL, kids.ES256);
    } catch (err) {
      // Committed already: the others find it on their next periodic reload, or at the first token with the new kid.
      this.logger.warn(`could not announce the new signing keys: ${(err as Error).message}`);
    }
    return kids;
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
      const byAlg: Record<SigningAlg, LoadedKey[]> = { ES256: [], RS256: [] };
      for (const row of rows) {
        // A key of an algorithm this version does not sign with (written by a newer one) is left alone.
        if (isSigningAlg(row.alg)) byAlg[row.alg].push(this.load(row));
      }
      // Newest activation first; a key retires when the next newer one of its algorithm activates.
      for (const loaded of Object.values(byAlg)) {
        for (let i = 1; i < loaded.length; i++) {
          if (loaded[i - 1].activatesAt <= Date.now()) loaded[i].retiredAt = loaded[i - 1].activatesAt;
        }
      }
      this.byAlg = byAlg;
      this.keys = SIGNING_ALGS.flatMap((alg) => byAlg[alg]);
      this.byKid = new Map(this.keys.map((k) => [k.kid, k]));
      this.lastLoad = Date.now();
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** A row as a key, reusing the parsed key objects of the same kid loaded before. */
  private load(row: SigningKey): LoadedKey {
    const prior = this.byKid.get(row.kid);
    return {
      kid: row.kid,
      alg: row.alg,
      publicJwk: row.publicJwk,
      publicKey: prior?.publicKey ?? createPublicKey({ key: row.publicJwk, format: 'jwk' }),
      activatesAt: row.activatesAt.getTime(),
      retiredAt: undefined,
      privateKey: prior?.privateKey ?? this.openPrivate(row),
    };
  }

  private openPrivate(row: SigningKey): KeyObject {
    try {
      return createPrivateKey({ key: this.sealer.open(row.privateKeyEnc), format: 'der', type: 'pkcs8' });
    } catch {
      throw new MasterKeyMismatchError();
    }
  }

  /**
   * Creates a key for each of `algs`, in one transaction under an advisory lock; with `onlyIfNone`, only
   * for an algorithm that has no key yet (several instances may race at their first start). Returns the
   * kid that each algorithm got (the existing newest one, when `onlyIfNone` skipped it).
   */
  private async createKeys(algs: readonly SigningAlg[], delaySeconds: number, onlyIfNone: boolean): Promise<Partial<RotatedKids>> {
    // Generated before the lock (an RSA key takes a while); a key another instance made meanwhile wins.
    const fresh = await Promise.all(algs.map((alg) => newKeyMaterial(alg)));
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const repo = em.getRepository(SigningKey);
      const kids: Partial<RotatedKids> = {};
      const activatesAt = new Date(Date.now() + delaySeconds * 1000);
      for (const key of fresh) {
        const existing = onlyIfNone ? await repo.findOne({ where: { alg: key.alg }, order: { activatesAt: 'DESC' } }) : null;
        if (existing) {
          kids[key.alg] = existing.kid;
          continue;
        }
        await repo.insert(this.row(key, activatesAt));
        kids[key.alg] = key.kid;
      }
      return kids;
    });
  }

  private row(key: NewKeyMaterial, activatesAt: Date): Partial<SigningKey> {
    return { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, privateKeyEnc: this.sealer.seal(key.privateDer), activatesAt };
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
