import { EventEmitter } from 'node:events';
import type { Repository } from 'typeorm';
import type { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import type { Client } from './client.entity.js';
import type { ClientSecret } from './client-secret.entity.js';
import { CLIENTS_CHANNEL, ClientsService } from './clients.service.js';

/** The client look-up cache without Nest or a database: fake repositories count the look-ups. */
function setup() {
  const names = new Map<string, string>([
    ['c1', 'one'],
    ['c2', 'two'],
  ]);
  let loads = 0;
  let beforeAnswer: () => void = () => {};
  const clients = {
    findOneBy: ({ clientId }: { clientId: string }) => {
      loads++;
      const name = names.get(clientId);
      beforeAnswer();
      return Promise.resolve(name === undefined ? null : ({ id: `pk-${clientId}`, clientId, name } as unknown as Client));
    },
  } as unknown as Repository<Client>;
  const secrets = { find: () => Promise.resolve([]) } as unknown as Repository<ClientSecret>;
  const emitter = new EventEmitter();
  const published: string[] = [];
  const bus = {
    subscribe: (channel: string, fn: (p: string) => void) => emitter.on(channel, fn),
    onReset: (fn: () => void) => emitter.on('reset', fn),
    publish: (channel: string, payload: string) => {
      if (channel === CLIENTS_CHANNEL) published.push(payload);
      emitter.emit(channel, payload);
      return Promise.resolve();
    },
  } as unknown as ChangeBus;
  const service = new ClientsService(clients, secrets, bus);
  service.onModuleInit();
  const name = async (id: string) => (await service.findByClientId(id))?.name;
  return { service, emitter, names, published, name, loads: () => loads, onLoad: (fn: () => void) => (beforeAnswer = fn) };
}

describe('ClientsService look-up cache', () => {
  it('serves a client from memory until the bus says it changed (on any instance)', async () => {
    const t = setup();
    expect(await t.name('c1')).toBe('one');
    t.names.set('c1', 'renamed');
    expect(await t.name('c1')).toBe('one');
    expect(t.loads()).toBe(1);
    t.emitter.emit(CLIENTS_CHANNEL, 'c1');
    expect(await t.name('c1')).toBe('renamed');
  });

  it('forgets a deleted client at once, and every client on "*" or when the bus reconnects', async () => {
    const t = setup();
    await t.name('c1');
    await t.name('c2');
    t.names.delete('c1');
    t.emitter.emit(CLIENTS_CHANNEL, 'c1');
    expect(await t.name('c1')).toBeUndefined();
    t.names.set('c2', 'changed');
    t.emitter.emit(CLIENTS_CHANNEL, '*');
    expect(await t.name('c2')).toBe('changed');
    t.names.set('c2', 'again');
    t.emitter.emit('reset');
    expect(await t.name('c2')).toBe('again');
  });

  it('does not cache a look-up that raced with an invalidation', async () => {
    const t = setup();
    t.onLoad(() => {
      t.names.set('c1', 'newer');
      t.emitter.emit(CLIENTS_CHANNEL, 'c1');
    });
    expect(await t.name('c1')).toBe('one'); // read before the change
    t.onLoad(() => {});
    expect(await t.name('c1')).toBe('newer');
  });

  it('announces a change on the bus and drops it here at once', async () => {
    const t = setup();
    await t.name('c2');
    t.names.set('c2', 'moved');
    await t.service.changed('c2');
    expect(t.published).toEqual(['c2']);
    expect(await t.name('c2')).toBe('moved');
  });
});
