import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import type { ChangeBus } from '../../platform/change-bus/change-bus.service.js';
import { USERS_CHANNEL } from '../../users/users.service.js';
import { GRANTS_CHANNEL, REVOKED_JTIS_CHANNEL, RevocationList } from './revocation-list.js';

/** The revocation cache without Nest or a database: a fake DataSource answers from two mutable sets. */
function setup() {
  const revokedGrants = new Set<string>();
  const revokedJtis = new Set<string>();
  let grantLoads = 0;
  let jtiLoads = 0;
  let beforeAnswer: () => void = () => {};
  const dataSource = {
    query: (sql: string, params: string[] = []) => {
      if (sql.includes('FROM grants')) {
        grantLoads++;
        const revoked = revokedGrants.has(params[0]);
        beforeAnswer();
        return Promise.resolve([{ revoked, user_active: true, password_changed_after: false }]);
      }
      if (sql.startsWith('SELECT jti')) {
        jtiLoads++;
        const rows = [...revokedJtis].map((jti) => ({ jti }));
        beforeAnswer();
        return Promise.resolve(rows);
      }
      return Promise.resolve([]);
    },
  } as unknown as DataSource;
  const emitter = new EventEmitter();
  const published: [string, string][] = [];
  const bus = {
    subscribe: (channel: string, fn: (p: string) => void) => emitter.on(channel, fn),
    onReset: (fn: () => void) => emitter.on('reset', fn),
    publish: (channel: string, payload: string) => {
      published.push([channel, payload]);
      emitter.emit(channel, payload);
      return Promise.resolve();
    },
  } as unknown as ChangeBus;
  const list = new RevocationList(dataSource, bus);
  list.onModuleInit();
  return {
    list,
    emitter,
    published,
    revokedGrants,
    revokedJtis,
    grantLoads: () => grantLoads,
    jtiLoads: () => jtiLoads,
    onLoad: (fn: () => void) => (beforeAnswer = fn),
  };
}

describe('RevocationList', () => {
  it('answers synchronously only from a fresh cache: nothing before a load, the new answer at once after a revocation', async () => {
    const t = setup();
    expect(t.list.grantActiveNow('g1')).toBeUndefined();
    expect(t.list.jtiRevokedNow('j1')).toBeUndefined();
    expect(await t.list.isGrantActive('g1')).toBe(true);
    expect(await t.list.isJtiRevoked('j1')).toBe(false);
    expect(t.list.grantActiveNow('g1')).toBe(true);
    expect(t.list.jtiRevokedNow('j1')).toBe(false);
    t.revokedGrants.add('g1');
    await t.list.announceGrant('g1');
    expect(t.list.grantActiveNow('g1')).toBeUndefined(); // dropped: the next request asks the database
    await t.list.announceJti('j1');
    expect(t.list.jtiRevokedNow('j1')).toBe(true);
    t.emitter.emit('reset');
    expect(t.list.jtiRevokedNow('j1')).toBeUndefined();
    expect([t.grantLoads(), t.jtiLoads()]).toEqual([1, 1]);
  });

  it('caches a grant answer, and drops it when the bus says the grant was revoked elsewhere', async () => {
    const t = setup();
    expect(await t.list.isGrantActive('g1')).toBe(true);
    expect(await t.list.isGrantActive('g1')).toBe(true);
    expect(t.grantLoads()).toBe(1);
    t.revokedGrants.add('g1');
    expect(await t.list.isGrantActive('g1')).toBe(true); // cached: nobody said anything yet
    t.emitter.emit(GRANTS_CHANNEL, 'g1');
    expect(await t.list.isGrantActive('g1')).toBe(false);
  });

  it('does not cache an answer read while an invalidation arrived (it may predate the revocation)', async () => {
    const t = setup();
    // The look-up reads "alive", then, before it returns, the revocation is announced.
    t.onLoad(() => {
      t.revokedGrants.add('g2');
      t.emitter.emit(GRANTS_CHANNEL, 'g2');
    });
    expect(await t.list.isGrantActive('g2')).toBe(true);
    t.onLoad(() => {});
    expect(await t.list.isGrantActive('g2')).toBe(false);
  });

  it('forgets every grant when a user changes, and when the bus reconnects', async () => {
    const t = setup();
    await t.list.isGrantActive('g3');
    t.revokedGrants.add('g3');
    t.emitter.emit(USERS_CHANNEL, 'some-user');
    expect(await t.list.isGrantActive('g3')).toBe(false);
    t.revokedGrants.delete('g3');
    t.emitter.emit('reset');
    expect(await t.list.isGrantActive('g3')).toBe(true);
    expect(t.grantLoads()).toBe(3);
  });

  it('announces a revoked grant and jti on the bus, and applies them here at once', async () => {
    const t = setup();
    expect(await t.list.isGrantActive('g4')).toBe(true);
    expect(await t.list.isJtiRevoked('j4')).toBe(false);
    await t.list.announceGrant('g4');
    await t.list.announceJti('j4');
    expect(t.published).toEqual([
      [GRANTS_CHANNEL, 'g4'],
      [REVOKED_JTIS_CHANNEL, 'j4'],
    ]);
    t.revokedGrants.add('g4');
    expect(await t.list.isGrantActive('g4')).toBe(false);
    expect(await t.list.isJtiRevoked('j4')).toBe(true);
    expect(t.jtiLoads()).toBe(1);
  });

  it('keeps a jti denied while the denylist was being reloaded (the reload read the table before it)', async () => {
    const t = setup();
    t.onLoad(() => t.emitter.emit(REVOKED_JTIS_CHANNEL, 'j5'));
    expect(await t.list.isJtiRevoked('other')).toBe(false);
    t.onLoad(() => {});
    expect(await t.list.isJtiRevoked('j5')).toBe(true);
  });
});
