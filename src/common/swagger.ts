import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SECURITY } from '../auth/auth.decorator.js';
import { SCOPES } from '../auth/scopes.js';
import type { AppConfig } from '../config/config.js';
import { SESSION_COOKIE } from '../sessions/sessions.service.js';
import { cookieName } from '../web/cookies.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Options handed to Swagger UI; the portal issue adds `initOAuth` for the first-party client. */
export interface SwaggerUiOptions {
  initOAuth?: Record<string, unknown>;
}

/**
 * The OpenAPI document at /docs-json and Swagger UI at /docs, with all four security schemes.
 * Swagger UI's files are served from `swagger-ui-dist` by plain routes (no inline script, so the
 * page works under a strict Content-Security-Policy).
 */
export function setupSwagger(app: NestFastifyApplication, config: AppConfig, ui: SwaggerUiOptions = {}): void {
  const base = config.publicUrl;
  const scopes: Record<string, string> = { ...SCOPES };
  const doc = new DocumentBuilder()
    .setTitle('Gatehouse')
    .setDescription(
      'OAuth 2.0 authorization server and API-key gateway. Get a token at `POST /oauth2/token`, then call the APIs with ' +
        '`Authorization: Bearer <token>`; legacy services take an API key in `X-API-Key` (or the deprecated `api_key` query parameter).',
    )
    .setVersion('1')
    .addServer(base)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /oauth2/token' }, SECURITY.bearer)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (gth_live_... / gth_test_...)' }, SECURITY.apiKeyHeader)
    .addApiKey({ type: 'apiKey', in: 'query', name: 'api_key', description: 'Deprecated: the API key as a query parameter' }, SECURITY.apiKeyQuery)
    .addApiKey(
      {
        type: 'apiKey',
        in: 'cookie',
        name: cookieName(SESSION_COOKIE, config.publicUrl.startsWith('https:')),
        description:
          'The developer portal session (sign in at /portal/signin; the browser sends the cookie by itself). Accepted on /v1/clients and ' +
          '/v1/api-keys only, with the scopes clients:manage and keys:manage (never admin), and only when no Authorization header is sent. ' +
          'POST, PATCH and DELETE must carry the header X-CSRF-Token: the session CSRF token, returned in the X-CSRF-Token response header ' +
          'of any request made with the session. Requests from another site or origin are refused.',
      },
      SECURITY.session,
    )
    .addOAuth2(
      {
        type: 'oauth2',
        flows: {
          clientCredentials: { tokenUrl: `${base}/oauth2/token`, scopes },
          authorizationCode: { authorizationUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, refreshUrl: `${base}/oauth2/token`, scopes },
        },
      },
      SECURITY.oauth2,
    )
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', ui: false });
  serveSwaggerUi(app, ui, docsCsp(base));
}

/**
 * The pages of /docs (Swagger UI and its OAuth2 redirect page) run only their own files: scripts from
 * this server (no inline script, no eval), requests to this server (the API and its token endpoint),
 * no frames, no plugins. Inline styles are allowed: Swagger UI's components set `style` attributes.
 */
export function docsCsp(publicUrl: string): string {
  const self = `'self' ${new URL(publicUrl).origin}`;
  return [
    "default-src 'none'",
    `script-src ${self}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data:`,
    `connect-src ${self}`,
    `font-src ${self}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function serveSwaggerUi(app: NestFastifyApplication, ui: SwaggerUiOptions, csp: string): void {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  const fastify = app.getHttpAdapter().getInstance();
  for (const [file, type] of Object.entries(ASSETS)) {
    const content = readFileSync(join(dist, file));
    fastify.get(`/docs/${file}`, (_req, reply) => {
      void reply.header('Content-Type', type).header('Cache-Control', 'public, max-age=3600').header('Content-Security-Policy', csp).send(content);
    });
  }
  const init = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/docs-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null,
    oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect.html',
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
  ${ui.initOAuth ? `window.ui.initOAuth(${JSON.stringify(ui.initOAuth)});` : ''}
};\n`;
  fastify.get('/docs/swagger-ui-init.js', (_req, reply) => {
    void reply.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(init);
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gatehouse API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/swagger-ui-init.js"></script></body></html>\n`;
  for (const path of ['/docs', '/docs/']) {
    fastify.get(path, (_req, reply) => {
      void reply.header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-cache').header('Content-Security-Policy', csp).send(html);
    });
  }
}
