import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.js';
import { ROOT } from './support/build.js';

type Operation = { security?: Record<string, string[]>[] };

/** `{clientId}` and `{client_id}` are the same parameter to a reader. */
const normal = (path: string): string => path.replace(/\{[^}]+\}/g, '{}');

/**
 * docs/contract.md names every operation of the OpenAPI document as `METHOD /path`, on a line that
 * also names (in backquotes) each scope the operation needs: the contract cannot silently miss a route
 * or state the wrong scope for it.
 */
describe('docs/contract.md and the served API', () => {
  let app: TestApp;
  let operations: { op: string; scopes: string[] }[];
  const lines = readFileSync(join(ROOT, 'docs/contract.md'), 'utf8')
    .split('\n')
    .map((line) => ({ line, normal: normal(line) }));

  beforeAll(async () => {
    app = await startTestApp();
    const doc = (await (await fetch(`${app.url}/docs-json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, o]) => ({
        op: `${method.toUpperCase()} ${normal(path)}`,
        scopes: [...new Set((o.security ?? []).flatMap((s) => Object.values(s).flat()))],
      })),
    );
  });
  afterAll(() => app.close());

  it('reads the operations of the OpenAPI document', () => {
    expect(operations.map((o) => o.op)).toEqual(expect.arrayContaining(['POST /oauth2/token', 'GET /v1/users', 'DELETE /v1/api-keys/{}']));
  });

  it('names every operation, with its scopes on the same line', () => {
    const missing = operations
      .filter(({ op, scopes }) => !lines.some((l) => l.normal.includes(`\`${op}\``) && scopes.every((s) => l.line.includes(`\`${s}\``))))
      .map(({ op, scopes }) => `${op} ${scopes.join(' ')}`);
    expect(missing).toEqual([]);
  });
});
