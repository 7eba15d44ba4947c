import { createServer } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type RunningApp } from '../../src/app.factory.js';
import { ClientsService, type CreateClientInput } from '../../src/clients/clients.service.js';
import { loadConfig, type AppConfig } from '../../src/platform/config/config.js';
import { UsersService } from '../../src/users/users.service.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_MASTER_KEY } from './env.js';

export interface TestApp {
  readonly url: string;
  readonly config: AppConfig;
  readonly running: RunningApp;
  readonly db: TestDatabase | undefined;
  get<T>(type: new (...args: never[]) => T): T;
  /** A client straight through the service; returns its id and secret. */
  createClient(input?: Partial<CreateClientInput>): Promise<{ clientId: string; clientSecret: string | undefined; id: string }>;
  createUser(input?: { email?: string; password?: string; role?: 'admin' | 'developer' }): Promise<{ id: string; email: string; password: string }>;
  /** A client-credentials token of a new client owned by `userId`: management APIs act for that user. */
  tokenActingFor(userId: string, scopes: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let seq = 0;

/**
 * Boots the real server (migrations, Nest on Fastify, real PostgreSQL) on a free loopback port.
 * By default on a new database of its own; pass `database` to share one between instances.
 */
export async function startTestApp(
  opts: { env?: Record<string, string>; database?: TestDatabase | 'embedded'; dataDir?: string; logger?: Logger; https?: boolean } = {},
): Promise<TestApp> {
  const ownDb = opts.database === undefined ? await createTestDatabase() : undefined;
  const db = ownDb ?? (opts.database === 'embedded' ? undefined : opts.database);
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'admin-password-for-tests',
    SIGNING_KEY_ACTIVATION_DELAY: '0',
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...(opts.dataDir ? { DATA_DIR: opts.dataDir } : {}),
    ...opts.env,
  });
  let running: RunningApp;
  try {
    running = await createApp(config, { logger: opts.logger });
    await running.app.listen({ port, host: '127.0.0.1' });
  } catch (err) {
    await ownDb?.drop();
    throw err;
  }
  return {
    url: `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    config,
    running,
    db,
    get: (type) => running.app.get(type),
    async createClient(input = {}) {
      const { client, clientSecret } = await running.app.get(ClientsService).create({
        name: 'test client',
        type: 'confidential',
        ownerId: null,
        grantTypes: ['client_credentials'],
        scopes: ['users:read', 'data:read'],
        redirectUris: [],
        ...input,
      });
      return { clientId: client.clientId, clientSecret, id: client.id };
    },
    async createUser(input = {}) {
      const email = input.email ?? `user${++seq}-${Date.now()}@example.com`;
      const password = input.password ?? 'correct horse battery staple';
      const user = await running.app.get(UsersService).create({ email, password, role: input.role });
      return { id: user.id, email: user.email, password };
    },
    async tokenActingFor(userId, scopes) {
      const { client, clientSecret } = await running.app.get(ClientsService).create({
        name: 'acting-for client',
        type: 'confidential',
        ownerId: userId,
        grantTypes: ['client_credentials'],
        scopes,
        redirectUris: [],
      });
      const c = { clientId: client.clientId, clientSecret };
      const res = await postForm(`http${opts.https ? 's' : ''}://127.0.0.1:${port}/oauth2/token`, {
        grant_type: 'client_credentials',
        client_id: c.clientId,
        client_secret: c.clientSecret!,
      });
      return String(res.body.access_token);
    },
    async close() {
      await running.close();
      await ownDb?.drop();
    },
  };
}

/** POST a form to the token endpoint (or another), raw: for error cases the strict client would refuse to send. */
export async function postForm(
  url: string,
  body: string | Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Waits until `check` holds (for effects written fire-and-forget, like audit events); fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
