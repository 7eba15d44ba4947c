import { GRANT_TYPES, TOKEN_SIGNING_ALGS } from '../clients/client.entity.js';
import type { ClientView } from '../clients/client.dto.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';
import { curlExamples } from './apps-snippets.views.js';
import type { FieldErrors } from './portal-form.js';
import { checkboxes, copyButton, fieldError, graceSelect, invalid, otherErrors, provenance, secretBox, snippet, when } from './view-helpers.js';

export interface AppFormValues {
  name: string;
  type: string;
  applicationType: string;
  homepageUrl: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  grants: string[];
  scopes: string[];
  accessTokenAlg: string;
  idTokenAlg: string;
}

const APP_FIELDS = [
  'name',
  'type',
  'application_type',
  'homepage_url',
  'grant_types',
  'redirect_uris',
  'post_logout_redirect_uris',
  'scopes',
  'access_token_signed_response_alg',
  'id_token_signed_response_alg',
];

const ALG_WORDS: Record<string, string> = { ES256: 'ES256 (ECDSA P-256, the default)', RS256: 'RS256 (RSA, for verifiers that only take RS256)' };

/** A select of the token signing algorithms; a value that is none of them (typed into a tampered form) is shown as its error says. */
function algSelect(name: string, label: string, value: string, errors: FieldErrors): SafeHtml {
  return html`<label for="${name}">${label}</label>
    <select id="${name}" name="${name}" ${invalid(errors, name)}>
      ${TOKEN_SIGNING_ALGS.map((alg) => html`<option value="${alg}" ${alg === value ? 'selected' : ''}>${ALG_WORDS[alg]}</option>`)}
    </select>
    ${fieldError(errors, name)}`;
}

/** The optional home page of the application (shown on the sign-in and consent pages). */
function homepageField(value: string, errors: FieldErrors): SafeHtml {
  return html`<label for="homepage_url">Home page <span class="muted">(optional; shown to users when they sign in and consent; https)</span></label>
    <input
      id="homepage_url"
      name="homepage_url"
      type="url"
      maxlength="2000"
      spellcheck="false"
      placeholder="https://app.example.com"
      value="${value}"
      ${invalid(errors, 'homepage_url')}
    />
    ${fieldError(errors, 'homepage_url')}`;
}

function appFields(v: { values: AppFormValues; errors: FieldErrors; scopeChoices: readonly string[]; withType: boolean }): SafeHtml {
  const { values, errors } = v;
  return html`<label for="name">Name</label>
    <input id="name" name="name" type="text" maxlength="200" required value="${values.name}" ${invalid(errors, 'name')} />
    ${fieldError(errors, 'name')}
    ${
      v.withType
        ? html`<fieldset class="${errors.type?.length ? 'invalid' : ''}" ${errors.type?.length ? html`aria-describedby="type-error"` : ''}>
            <legend>Type</legend>
            <label
              ><input type="radio" name="type" value="confidential" ${values.type !== 'public' ? 'checked' : ''} />
              <span>Confidential <span class="muted">a server that can keep a secret: it gets a client secret</span></span></label
            >
            <label
              ><input type="radio" name="type" value="public" ${values.type === 'public' ? 'checked' : ''} />
              <span>Public <span class="muted">a browser or mobile app: no secret, the code flow with PKCE only</span></span></label
            >
            ${fieldError(errors, 'type')}
            <label
              ><input
                type="checkbox"
                name="application_type"
                value="native"
                ${values.applicationType === 'native' ? 'checked' : ''}
                ${invalid(errors, 'application_type')}
              />
              <span
                >Native app
                <span class="muted"
                  >public only: runs on the user's device, so its http://127.0.0.1 and http://[::1] redirect URIs match on any port</span
                ></span
              ></label
            >
            ${fieldError(errors, 'application_type')}
          </fieldset>`
        : ''
    }
    ${homepageField(values.homepageUrl, errors)} ${checkboxes('grant_types', GRANT_TYPES, values.grants, errors, 'Grant types')}
    <label for="redirect_uris"
      >Redirect URIs <span class="muted">(one per line; https, or http on 127.0.0.1, [::1] or localhost; exact, no #fragment, no *)</span></label
    >
    <textarea id="redirect_uris" name="redirect_uris" rows="3" spellcheck="false" ${invalid(errors, 'redirect_uris')}>${values.redirectUris}</textarea>
    ${fieldError(errors, 'redirect_uris')}
    <label for="post_logout_redirect_uris"
      >Post-logout redirect URIs <span class="muted">(OpenID Connect sign-out: where /oauth2/logout may send users back; one per line, same rules)</span></label
    >
    <textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" rows="2" spellcheck="false" ${invalid(errors, 'post_logout_redirect_uris')}>
${values.postLogoutRedirectUris}</textarea>
    ${fieldError(errors, 'post_logout_redirect_uris')}
    ${checkboxes('scopes', v.scopeChoices, values.scopes, errors, 'Scopes (least privilege: only what it needs)')}
    ${algSelect('access_token_signed_response_alg', 'Access tokens signed with', values.accessTokenAlg, errors)}
    ${algSelect('id_token_signed_response_alg', 'ID tokens signed with (OpenID Connect)', values.idTokenAlg, errors)} ${otherErrors(errors, APP_FIELDS)}`;
}

export function newAppPage(v: { csrf: string; values: AppFormValues; errors: FieldErrors; scopeChoices: readonly string[] }): SafeHtml {
  return html`<h1>New application</h1>
    ${Object.keys(v.errors).length ? html`<p class="error" role="alert">The application was not created: see the messages below.</p>` : ''}
    <form method="post" action="/portal/apps" class="narrow" novalidate>
      ${csrfField(v.csrf)} ${appFields({ ...v, withType: true })}
      <div class="actions">
        <button type="submit">Create application</button>
        <a href="/portal">Cancel</a>
      </div>
    </form>`;
}

function details(c: ClientView): SafeHtml {
  return html`<dl class="details">
    <dt>Client id</dt>
    <dd class="copy-inline"><code id="client-id">${c.client_id}</code> ${copyButton('client-id', 'Copy the client id')}</dd>
    <dt>Type</dt>
    <dd>${c.type}${c.application_type === 'native' ? ', native app (loopback redirect URIs on any port)' : ''}</dd>
    ${
      c.status !== 'active'
        ? html`<dt>Status</dt>
            <dd class="error">${c.status}: it can get no tokens</dd>`
        : ''
    }
    <dt>Home page</dt>
    <dd>
      ${c.homepage_url ? html`<a href="${c.homepage_url}" rel="noopener noreferrer nofollow">${c.homepage_url}</a>` : html`<span class="muted">none</span>`}
    </dd>
    <dt>Grant types</dt>
    <dd>${c.grant_types.join(', ')}</dd>
    <dt>Scopes</dt>
    <dd>${c.scopes.join(' ')}</dd>
    <dt>Tokens signed with</dt>
    <dd id="signing-algs">access tokens ${c.access_token_signed_response_alg}, ID tokens ${c.id_token_signed_response_alg}</dd>
    <dt>Redirect URIs</dt>
    <dd>${c.redirect_uris.length ? c.redirect_uris.map((u) => html`<code>${u}</code><br />`) : html`<span class="muted">none</span>`}</dd>
    ${
      c.post_logout_redirect_uris.length
        ? html`<dt>Post-logout redirect URIs</dt>
            <dd>${c.post_logout_redirect_uris.map((u) => html`<code>${u}</code><br />`)}</dd>`
        : ''
    }
    <dt>Created</dt>
    <dd>${when(c.created_at)}</dd>
    <dt>Origin</dt>
    <dd id="client-origin">${provenance(c)}</dd>
    <dt>Last obtained a token</dt>
    <dd id="client-last-used">${when(c.last_used_at)}</dd>
    <dt>Updated</dt>
    <dd>${when(c.updated_at)}</dd>
  </dl>`;
}

/** The page right after creation: the only time the client secret is ever shown. */
export function appCreatedPage(v: { client: ClientView; secret: string }): SafeHtml {
  return html`<h1>Application created: ${v.client.name}</h1>
    ${details(v.client)}
    ${secretBox(
      'client_secret',
      'Client secret',
      v.secret,
      'Gatehouse stores only a hash of it. Keep it in your secret store; if you lose it, rotate the secret on the application page.',
    )}
    <p><a class="button" href="/portal/apps/${encodeURIComponent(v.client.client_id)}">Continue to the application</a></p>`;
}

const NOTICES: Record<string, string> = {
  created: 'The application was created.',
  saved: 'Your changes were saved.',
  'previous-ended': 'The previous secret stopped working now; the current one keeps working.',
};

export function appPage(v: {
  csrf: string;
  client: ClientView;
  publicUrl: string;
  values: AppFormValues;
  errors: FieldErrors;
  rotateErrors: FieldErrors;
  scopeChoices: readonly string[];
  notice?: string;
  /** The live secrets section (confidential clients). */
  secrets?: SafeHtml;
}): SafeHtml {
  const c = v.client;
  const id = encodeURIComponent(c.client_id);
  const notice = v.notice ? NOTICES[v.notice] : undefined;
  return html`<h1>${c.name}</h1>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    ${Object.keys(v.errors).length ? html`<p class="error" role="alert">Nothing was changed: see the messages below.</p>` : ''} ${details(c)}
    <h2>Try it</h2>
    ${curlExamples(v.publicUrl, c).map((cmd, i) => snippet(`snippet-${i + 1}`, cmd, `example ${i + 1}`))}
    <h2>Settings</h2>
    <form method="post" action="/portal/apps/${id}" class="narrow" novalidate>
      ${csrfField(v.csrf)} ${appFields({ ...v, withType: false })}
      <button type="submit">Save changes</button>
    </form>
    ${
      c.type === 'confidential'
        ? html`${v.secrets ?? ''}
            <h2>Rotate the client secret</h2>
            <p class="muted">You get a new secret, shown once. The old one keeps working for the time you choose, so you can deploy the new one first.</p>
            <form method="post" action="/portal/apps/${id}/secret/rotate" class="narrow">
              ${csrfField(v.csrf)} ${graceSelect(v.rotateErrors, 'secret')}
              <button type="submit">Rotate secret</button>
            </form>`
        : ''
    }
    <section class="danger-zone">
      <h2>Delete this application</h2>
      <p>Its secrets stop working at once and it can get no new tokens.</p>
      <a class="button danger" href="/portal/apps/${id}/delete">Delete…</a>
    </section>`;
}

export function secretRotatedPage(v: { client: ClientView; secret: string; previousExpiresAt: string }): SafeHtml {
  const past = new Date(v.previousExpiresAt).getTime() <= Date.now() + 1000;
  return html`<h1>New secret for ${v.client.name}</h1>
    <p class="copy-inline">Client id <code id="client-id">${v.client.client_id}</code> ${copyButton('client-id', 'Copy the client id')}</p>
    ${secretBox('client_secret', 'New client secret', v.secret, 'Gatehouse stores only a hash of it.')}
    <p id="previous-secret">
      ${
        past
          ? html`The previous secret stopped working now.`
          : html`The previous secret keeps working until <strong>${when(v.previousExpiresAt)}</strong> (<code id="previous_secret_expires_at"
                >${v.previousExpiresAt}</code
              >).`
      }
    </p>
    <p><a class="button" href="/portal/apps/${encodeURIComponent(v.client.client_id)}">Back to the application</a></p>`;
}

export function deleteAppPage(v: { csrf: string; client: ClientView }): SafeHtml {
  const id = encodeURIComponent(v.client.client_id);
  return html`<h1>Delete ${v.client.name}?</h1>
    <p>
      The application <code>${v.client.client_id}</code> will be deleted: its secrets stop working at once and it can get no new tokens. This cannot be undone.
    </p>
    <form method="post" action="/portal/apps/${id}/delete">
      ${csrfField(v.csrf)}
      <div class="actions">
        <button type="submit" class="danger">Delete the application</button>
        <a href="/portal/apps/${id}">Cancel</a>
      </div>
    </form>`;
}
