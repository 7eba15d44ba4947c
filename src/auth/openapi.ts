import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SECURITY, SESSION_EXTENSION } from './auth.decorator.js';
import { SCOPES } from './scopes.js';
import type { AppConfig } from '../platform/config/config.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** The API description's "Start here": which form of the Authorize dialog is for what. */
const DESCRIPTION = [
  'OAuth 2.0 authorization server and API-key gateway.',
  '',
  '**Start here.** Press **Authorize** and use one form:',
  '- **oauth2-client-credentials**: a service calling as itself. Type your client_id and client_secret (the demo client `npm start` printed works as printed), tick the scopes, Authorize. Then try `GET /v1/users`.',
  "- **oauth2-authorization-code**: you, signed in. The client_id is pre-filled (Swagger UI's own client, PKCE, no secret); tick scopes, Authorize, sign in. Admins can then use `/v1/admin/...`.",
  '- **bearer**: paste an access token you already have.',
  '- **apiKey**: an API key (`gth_live_...`) for `GET /v1/data`; the `api_key` query parameter is the deprecated form.',
  '',
  `The management routes (\`/v1/clients\`, \`/v1/api-keys\`) also take the developer portal's session cookie (marked \`${SESSION_EXTENSION}\`), which Swagger UI cannot send: from a browser signed in to /portal, with the header X-CSRF-Token on writes.`,
].join('\n');

/** Options handed to Swagger UI (`initOAuth` pre-fills the code-flow form with the first-party client). */
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
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addServer(base)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Paste an access token from POST /oauth2/token' }, SECURITY.bearer)
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Your own confidential client: its client_id and client_secret (the demo client that npm start printed works as printed)',
        flows: { clientCredentials: { tokenUrl: `${base}/oauth2/token`, scopes } },
      },
      SECURITY.oauth2ClientCredentials,
    )
    .addOAuth2(
      {
        type: 'oauth2',
        description: "Sign in as yourself through Swagger UI's own public client (its client_id is pre-filled; PKCE, no secret)",
        flows: {
          authorizationCode: { authorizationUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, refreshUrl: `${base}/oauth2/token`, scopes },
        },
      },
      SECURITY.oauth2Code,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (gth_live_... / gth_test_...) for GET /v1/data' }, SECURITY.apiKey)
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
  // initOAuth pre-fills every OAuth2 form of the dialog; only the code flow's (Swagger UI's own client)
  // should be, so the client-credentials form starts empty for the developer's own client.
  const init = `var codeFlowOnly = function () {
  return { wrapComponents: { oauth2: function (Original, system) {
    return function (props) {
      if (props.name === ${JSON.stringify(SECURITY.oauth2Code)}) return system.React.createElement(Original, props);
      var base = props.authSelectors;
      var selectors = Object.assign({}, base, { getConfigs: function () {
        var c = Object.assign({}, base.getConfigs());
        delete c.clientId; delete c.clientSecret; delete c.scopes;
        return c;
      } });
      return system.React.createElement(Original, Object.assign({}, props, { authSelectors: selectors }));
    };
  } } };
};
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/docs-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null,
    oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect.html',
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [codeFlowOnly],
    layout: 'StandaloneLayout',
  });
  ${ui.initOAuth ? `window.ui.initOAuth(${JSON.stringify(ui.initOAuth)});` : ''}
};\n`;
  // The code flow's client is public (PKCE): its form has no use for a client_secret field.
  const css = '.auth-container div:has(> label[for="client_secret_authorizationCode"]) { display: none; }\n';
  fastify.get('/docs/gatehouse.css', (_req, reply) => {
    void reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'no-cache').send(css);
  });
  fastify.get('/docs/swagger-ui-init.js', (_req, reply) => {
    void reply.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(init);
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gatehouse API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="stylesheet" href="/docs/gatehouse.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/swagger-ui-init.js"></script></body></html>\n`;
  for (const path of ['/docs', '/docs/']) {
    fastify.get(path, (_req, reply) => {
      void reply.header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-cache').header('Content-Security-Policy', csp).send(html);
    });
  }
}
