import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/build.js';

/**
 * docker-compose.yml and deploy/Caddyfile agree with what the server needs to run as several
 * replicas: one database, one Redis, the proxy the only trusted one, no replica reachable around it.
 * Read as text (no YAML parser among the dependencies); parsed by docker-compose when it is installed.
 */
describe('docker-compose.yml and the proxy', () => {
  const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const caddy = readFileSync(join(ROOT, 'deploy/Caddyfile'), 'utf8');
  /** The lines of one top-level service (two-space indented block). */
  const service = (name: string): string => {
    const m = new RegExp(`\\n  ${name}:\\n([\\s\\S]*?)(?=\\n  [a-z-]+:\\n|\\n[a-z]+:\\n|$)`).exec(compose);
    if (!m) throw new Error(`no service ${name}`);
    return m[1];
  };

  it('runs PostgreSQL, Redis, several app replicas sharing them, and a proxy', () => {
    const app = service('app');
    expect(service('postgres')).toMatch(/image: postgres:/);
    expect(service('redis')).toMatch(/image: redis:/);
    expect(service('proxy')).toMatch(/image: caddy:/);
    expect(app).toMatch(/DATABASE_URL: postgres:\/\/\S+@postgres:5432\//);
    expect(app).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(app).toMatch(/MASTER_KEY: \$\{MASTER_KEY:\?/); // required, never a default
    const replicas = /replicas: \$\{APP_REPLICAS:-(\d+)\}/.exec(app);
    expect(Number(replicas?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('trusts exactly the proxy, and publishes no replica port around it', () => {
    const trusted = /TRUSTED_PROXIES: (\S+)/.exec(service('app'))?.[1];
    const proxyAddress = /ipv4_address: (\S+)/.exec(service('proxy'))?.[1];
    expect(trusted).toBeDefined();
    expect(trusted).toBe(proxyAddress);
    expect(service('app')).not.toMatch(/\n {4}ports:/);
    const subnet = /subnet: (\d+\.\d+\.\d+)\.0\/24/.exec(compose)?.[1];
    expect(proxyAddress?.startsWith(`${subnet}.`)).toBe(true);
  });

  it('proxies to every replica of the app on its port, with TLS', () => {
    expect(caddy).toMatch(/dynamic a \{\s*name app\s*port 3000/);
    expect(caddy).toMatch(/tls internal/);
    expect(service('app')).toMatch(/PORT: '3000'/);
  });

  it('is valid for docker-compose (when it is installed)', () => {
    const bin = ['docker-compose'].find((b) => spawnSync(b, ['version'], { stdio: 'ignore' }).status === 0);
    if (!bin) return; // not on this machine: the checks above still hold
    const out = execFileSync(bin, ['config'], { cwd: ROOT, env: { ...process.env, MASTER_KEY: 'k'.repeat(44) }, encoding: 'utf8' });
    expect(out).toMatch(/replicas: 3/);
    expect(out).toMatch(/ipv4_address: 172\.28\.0\.10/);
  });

  it('runs the server with the same node flags everywhere: npm start, start:prod, the image (and so the benchmark)', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const flags = /^node ((?:--\S+ )*)dist\/src\/main\.js$/.exec(scripts['start:prod'])?.[1].trim();
    expect(flags).toContain('--max-semi-space-size=');
    expect(scripts.start.endsWith(`node ${flags} dist/src/main.js`)).toBe(true);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd!)).toEqual(['node', ...flags!.split(' '), 'dist/src/main.js']);
  });
});
