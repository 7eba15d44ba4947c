import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { AUTH_KEY, PUBLIC_KEY, SECURITY, SESSION_EXTENSION, type AuthOptions } from '../src/auth/auth.decorator.js';
import { startTestApp, type TestApp } from './support/app.js';

interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
  auth: AuthOptions | undefined;
  /** Web pages (the portal, the consent form) are left out of the API document on purpose. */
  excludedFromDocs: boolean;
}

/** Every Nest route with its auth metadata, read the way the global guard reads it. */
export function nestRoutes(app: TestApp): RouteInfo[] {
  const reflector = new Reflector();
  const routes: RouteInfo[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      const controllerExcluded = (Reflect.getMetadata('swagger/apiExcludeController', type) as unknown[] | undefined)?.[0] === true;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const methodCode = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (methodCode === undefined) continue;
        const subs = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined].flat();
        const excluded =
          controllerExcluded || (Reflect.getMetadata('swagger/apiExcludeEndpoint', handler) as { disable?: boolean } | undefined)?.disable === true;
        for (const sub of subs) {
          const path = `/${[base, sub ?? ''].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/').replace(/:(\w+)/g, '{$1}');
          routes.push({
            method: RequestMethod[methodCode].toLowerCase(),
            path,
            isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [handler, type]) === true,
            auth: reflector.getAllAndOverride<AuthOptions>(AUTH_KEY, [handler, type]),
            excludedFromDocs: excluded,
          });
        }
      }
    }
  }
  return routes;
}

/** Which OpenAPI security requirements an @Auth() must produce (see auth.decorator.ts). */
function expectedSecurity(auth: AuthOptions): Record<string, string[]>[] {
  const out: Record<string, string[]>[] = [];
  // OpenAPI 3.0: scopes only on the oauth2 schemes.
  if (auth.schemes.includes('bearer')) {
    out.push({ [SECURITY.bearer]: [] }, { [SECURITY.oauth2Code]: auth.scopes }, { [SECURITY.oauth2ClientCredentials]: auth.scopes });
  }
  if (auth.schemes.includes('apiKey')) out.push({ [SECURITY.apiKey]: [] });
  return out;
}

/**
 * Secure by default, checked: every route is either @Public() or names its schemes and scopes, and
 * its OpenAPI security is exactly what its guard enforces (CONTRIBUTING.md, "A route").
 */
describe('every route is public or guarded, and documented as it is guarded', () => {
  let app: TestApp;
  let routes: RouteInfo[];
  type Operation = {
    security?: Record<string, string[]>[];
    parameters?: { name: string; in: string; deprecated?: boolean }[];
    [SESSION_EXTENSION]?: { scopes: string[] };
  };
  let doc: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    app = await startTestApp();
    routes = nestRoutes(app);
    doc = (await (await fetch(`${app.url}/docs-json`)).json()) as typeof doc;
  });
  afterAll(() => app.close());

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(5);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'post', path: '/oauth2/token' }));
  });

  it('has no route that is neither @Public() nor @Auth() with at least one scheme', () => {
    const unguarded = routes.filter((r) => !r.isPublic && (!r.auth || r.auth.schemes.length === 0)).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(unguarded).toEqual([]);
  });

  it('has no route that is both public and guarded', () => {
    expect(routes.filter((r) => r.isPublic && r.auth).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('documents each guarded route with exactly its schemes and scopes, and public routes with none', () => {
    const mismatches: string[] = [];
    // Pages (`@SignedInPage()`, `@AdminPage()`) are guarded but not part of the API document.
    for (const r of routes.filter((x) => !x.excludedFromDocs || (x.auth && !x.auth.page))) {
      const op = doc.paths[r.path]?.[r.method];
      if (!op) {
        mismatches.push(`${r.method.toUpperCase()} ${r.path}: missing from the OpenAPI document`);
        continue;
      }
      const documented = op.security ?? [];
      const expected = r.auth ? expectedSecurity(r.auth) : [];
      if (JSON.stringify(documented) !== JSON.stringify(expected)) {
        mismatches.push(`${r.method.toUpperCase()} ${r.path}: documented ${JSON.stringify(documented)}, guarded ${JSON.stringify(expected)}`);
      }
      // The session (which Swagger UI cannot send) is an extension; the deprecated query key a deprecated parameter.
      const session = op[SESSION_EXTENSION]?.scopes ?? null;
      const sessionExpected = r.auth?.schemes.includes('session') ? r.auth.scopes : null;
      if (JSON.stringify(session) !== JSON.stringify(sessionExpected))
        mismatches.push(`${r.method.toUpperCase()} ${r.path}: session documented ${JSON.stringify(session)}, guarded ${JSON.stringify(sessionExpected)}`);
      const queryKey = op.parameters?.some((p) => p.name === 'api_key' && p.in === 'query' && p.deprecated === true) ?? false;
      if (queryKey !== (r.auth?.schemes.includes('apiKey') ?? false))
        mismatches.push(`${r.method.toUpperCase()} ${r.path}: the deprecated api_key parameter is ${queryKey ? '' : 'not '}documented`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses every guarded route without credentials (the guard really runs): 401, or sign-in for a page', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => !x.isPublic)) {
      const path = r.path.replace(/\{\w+\}/g, '00000000-0000-0000-0000-000000000000');
      const page = r.auth?.page === true;
      const res = await fetch(`${app.url}${path}`, {
        method: r.method.toUpperCase(),
        redirect: 'manual',
        headers: r.method === 'get' ? {} : { 'content-type': page ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: r.method === 'get' ? undefined : page ? 'csrf=x' : '{}',
      });
      const signIn = res.status === 303 && (res.headers.get('location') ?? '').startsWith('/portal/signin');
      if (page ? !signIn : res.status !== 401) failures.push(`${r.method.toUpperCase()} ${path}: ${res.status} ${res.headers.get('location') ?? ''}`);
    }
    expect(failures).toEqual([]);
  });

  /** The portal's pages anyone may open; every other /portal route is a signed-in page. */
  const OPEN_PAGES = [
    'get /portal/assets/style.css',
    'get /portal/assets/copy.js',
    'get /portal/signin',
    'post /portal/signin',
    'get /portal/signup',
    'post /portal/signup',
    'get /portal/forgot-password',
    'post /portal/forgot-password',
    'get /portal/reset-password',
    'post /portal/reset-password',
    'get /portal/invite',
    'post /portal/invite',
    'get /portal/verify-email',
    'post /portal/verify-email',
  ];

  it('declares every portal page other than sign-in, sign-up, the emailed links and the assets @SignedInPage() or @AdminPage()', () => {
    const open = routes.filter((r) => r.path.startsWith('/portal') && !OPEN_PAGES.includes(`${r.method} ${r.path}`));
    expect(open.length).toBeGreaterThan(20);
    const wrong = open.filter((r) => !(r.auth?.page === true && r.auth.schemes.join() === 'portal')).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(wrong).toEqual([]);
    for (const name of OPEN_PAGES) expect(routes.find((r) => `${r.method} ${r.path}` === name)?.isPublic).toBe(true);
  });

  it('declares the admin role on every admin page and every admin API route', () => {
    const admin = routes.filter((r) => r.path.startsWith('/portal/admin') || r.path.startsWith('/v1/admin'));
    expect(admin.length).toBeGreaterThan(15);
    expect(admin.filter((r) => r.auth?.role !== 'admin').map((r) => `${r.method.toUpperCase()} ${r.path}`)).toEqual([]);
    // ...and nowhere else: a developer's own pages and APIs do not need it.
    expect(routes.filter((r) => r.auth?.role === 'admin' && !admin.includes(r)).map((r) => `${r.method.toUpperCase()} ${r.path}`)).toEqual([]);
  });
});
