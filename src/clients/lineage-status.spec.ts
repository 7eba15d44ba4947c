import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import type { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { LineageStatus } from './lineage-status.service.js';

const U1 = '00000000-0000-4000-8000-000000000001';
const G1 = '00000000-0000-4000-8000-0000000000a1';

/** LineageStatus over an in-memory "database" answering its three look-ups, counting them. */
function setup() {
  const users = new Map([[U1, { active: true, pca: new Date(0) }]]);
  const clients = new Map<string, { active: boolean; owner_id: string | null; parent_grant_id: string | null; parent_client_id: string | null }>([
    ['app', { active: true, owner_id: null, parent_grant_id: null, parent_client_id: null }],
    ['child', { active: true, owner_id: U1, parent_grant_id: G1, parent_client_id: 'app' }],
    ['grandchild', { active: true, owner_id: U1, parent_grant_id: null, parent_client_id: 'child' }],
  ]);
  const grants = new Map([[G1, { revoked: false, user_id: U1, client_id: 'app', created_at: new Date(1000), expires_at: new Date(Date.now() + 3600_000) }]]);
  let loads = 0;
  let beforeAnswer: () => void = () => {};
  const dataSource = {
    query: (sql: string, [id]: string[]) => {
      loads++;
      beforeAnswer();
      const table = sql.includes('FROM users') ? users : sql.includes('FROM grants') ? grants : clients;
      const row = (table as Map<string, unknown>).get(id);
      return Promise.resolve(row ? [{ ...row }] : []);
    },
  } as unknown as DataSource;
  const emitter = new EventEmitter();
  const bus = {
    subscribe: (channel: string, fn: (p: string) => void) => emitter.on(channel, fn),
    onReset: (fn: () => void) => emitter.on('reset', fn),
  } as unknown as ChangeBus;
  const status = new LineageStatus(dataSource, bus);
  status.onModuleInit();
  return { status, users, clients, grants, emitter, loads: () => loads, onLoad: (fn: () => void) => (beforeAnswer = fn) };
}

describe('LineageStatus', () => {
  it('walks a chain to its roots once, then answers from memory', async () => {
    const t = setup();
    expect(t.status.chainAliveNow({ clientId: 'grandchild' })).toBeUndefined();
    expect(await t.status.chainAlive({ clientId: 'grandchild' })).toBe(true);
    const loads = t.loads();
    expect(loads).toBe(5); // grandchild, its owner, child, grant G1, app
    expect(t.status.chainAliveNow({ clientId: 'grandchild' })).toBe(true);
    expect(await t.status.chainAlive({ clientId: 'grandchild', ownerId: U1 })).toBe(true);
    expect(t.loads()).toBe(loads);
  });

  it('a revoked grant stops everything made through it, once the change bus says so', async () => {
    const t = setup();
    expect(await t.status.chainAlive({ clientId: 'grandchild' })).toBe(true);
    t.grants.get(G1)!.revoked = true;
    expect(t.status.chainAliveNow({ clientId: 'grandchild' })).toBe(true); // not told yet: the cache still answers
    t.emitter.emit('grants', G1);
    expect(t.status.chainAliveNow({ clientId: 'grandchild' })).toBeUndefined();
    expect(await t.status.chainAlive({ clientId: 'grandchild' })).toBe(false);
    expect(t.status.chainAliveNow({ clientId: 'app' })).toBe(true); // the app itself is not the grant's child
  });

  it('a disabled owner stops their clients and what they made; enabling restores them', async () => {
    const t = setup();
    expect(await t.status.chainAlive({ parentClientId: 'child' })).toBe(true);
    t.users.get(U1)!.active = false;
    t.emitter.emit('users', U1);
    expect(await t.status.chainAlive({ parentClientId: 'child' })).toBe(false);
    t.users.get(U1)!.active = true;
    t.emitter.emit('users', U1);
    expect(await t.status.chainAlive({ parentClientId: 'child' })).toBe(true);
  });

  it('a password changed after the grant, an expired grant, a deleted or disabled parent app: all stop the child', async () => {
    const t = setup();
    const cases: [() => void, string, string][] = [
      [() => (t.users.get(U1)!.pca = new Date(5000)), 'users', U1],
      [() => (t.grants.get(G1)!.expires_at = new Date(Date.now() - 1)), 'grants', G1],
      [() => (t.clients.get('app')!.active = false), 'clients', 'app'],
      [() => t.clients.delete('app'), 'clients', '*'],
    ];
    for (const [change, channel, id] of cases) {
      const fresh = setup();
      Object.assign(t, fresh);
      expect(await t.status.chainAlive({ clientId: 'child' })).toBe(true);
      change();
      t.emitter.emit(channel, id);
      expect({ channel, alive: await t.status.chainAlive({ clientId: 'child' }) }).toEqual({ channel, alive: false });
    }
  });

  it('an unknown client, user or grant is not alive; ids that are not UUIDs are not looked up', async () => {
    const t = setup();
    expect(await t.status.chainAlive({ clientId: 'nobody' })).toBe(false);
    expect(await t.status.chainAlive({ ownerId: 'not-a-uuid' })).toBe(false);
    expect(await t.status.chainAlive({ parentGrantId: '00000000-0000-4000-8000-00000000ffff' })).toBe(false);
    expect(await t.status.chainAlive({})).toBe(true);
  });

  it('a look-up that raced with an invalidation answers but is not cached', async () => {
    const t = setup();
    t.onLoad(() => t.emitter.emit('clients', 'unrelated'));
    expect(await t.status.chainAlive({ clientId: 'app' })).toBe(true);
    expect(t.status.chainAliveNow({ clientId: 'app' })).toBeUndefined();
  });
});
