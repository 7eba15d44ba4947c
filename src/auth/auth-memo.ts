/** How long one full check of a credential answers for it again, at most (milliseconds). */
export const AUTH_MEMO_WINDOW_MS = 1_000;
/** Credentials remembered at most, per memo; the oldest window is dropped first. */
export const AUTH_MEMO_SIZE = 10_000;

/** What a memo needs of the change bus: an epoch that moves on every change, and whether changes reach this process. */
export interface EpochSource {
  readonly epoch: number;
  readonly live: boolean;
}

/**
 * Entries are found by the credential's last characters (for a JWT, its signature): hashing a short
 * string is about five times cheaper than hashing a 700-character token, and the whole credential is
 * then compared, so a look-up never answers for a different credential.
 */
const KEY_LENGTH = 48;

function keyOf(credential: string): string {
  return credential.length > KEY_LENGTH ? credential.slice(-KEY_LENGTH) : credential;
}

interface Entry<T> {
  credential: string;
  value: T;
  /** Milliseconds since the epoch from which the entry is never served. */
  until: number;
  epoch: number;
}

/**
 * The hot path's first stop: the answer of a full check of one credential (a token or an API key,
 * the string as presented), served again for at most `windowMs` and only while nothing changed
 * anywhere (the change bus's epoch is the one the check started in, and the bus is live). Every
 * revocation, disablement or withdrawal, on any instance, moves the epoch, so the next request runs
 * the full check again; an expiry passes `until`. Between changes a request costs one Map look-up
 * instead of a hash, a signature-cache walk and the lineage walk.
 *
 * Entries live in two generations, swapped every window: nothing is kept longer than two windows
 * after its last use, so a credential seen once does not stay in memory.
 */
export class AuthMemo<T> {
  private current = new Map<string, Entry<T>>();
  private previous = new Map<string, Entry<T>>();
  private swappedAt = 0;

  constructor(
    private readonly bus: EpochSource,
    private readonly windowMs = AUTH_MEMO_WINDOW_MS,
    private readonly max = AUTH_MEMO_SIZE,
  ) {}

  /** The epoch to pass to `remember` once the full check that starts now has answered. */
  get epoch(): number {
    return this.bus.epoch;
  }

  get(credential: string, now: number): T | undefined {
    if (now - this.swappedAt >= this.windowMs) this.swap(now);
    const key = keyOf(credential);
    let entry = this.current.get(key);
    if (entry === undefined) {
      entry = this.previous.get(key);
      if (entry === undefined) return undefined;
      this.previous.delete(key);
      this.current.set(key, entry);
    }
    return entry.credential === credential && entry.epoch === this.bus.epoch && now < entry.until ? entry.value : undefined;
  }

  /**
   * Keeps a full check's answer, unless a change came while it ran (`epoch` is from before it) or the
   * bus is not live. `expiresAt`: when the credential itself expires (ms), if it does.
   */
  remember(credential: string, value: T, epoch: number, now: number, expiresAt = Infinity): void {
    if (this.windowMs <= 0 || epoch !== this.bus.epoch || !this.bus.live) return;
    const until = Math.min(now + this.windowMs, expiresAt);
    if (until <= now) return;
    if (now - this.swappedAt >= this.windowMs) this.swap(now);
    if (this.current.size >= this.max) this.swap(now);
    this.current.set(keyOf(credential), { credential, value, until, epoch });
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }

  private swap(now: number): void {
    this.previous = this.current;
    this.current = new Map();
    this.swappedAt = now;
  }
}
