"""A relying party built on Authlib (Debian's python3-authlib), driven by test/oidc-authlib.e2e-spec.ts.

Validates the OpenID Provider metadata with Authlib's validator, runs the code flow with
OAuth2Session and PKCE (the browser steps over HTTP with requests: sign-in and consent forms),
validates the ID token with Authlib's CodeIDToken claims over the JWKS, calls UserInfo, and prints
what it saw as one JSON object. Input: GATEHOUSE_URL, GATEHOUSE_CA (a PEM file), CLIENT_ID,
CLIENT_SECRET, REDIRECT_URI, USER_EMAIL, USER_PASSWORD.
"""
import html
import json
import os
import re
import secrets
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata

BASE = os.environ["GATEHOUSE_URL"]
CA = os.environ["GATEHOUSE_CA"]


def hidden(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), page)
    if not m:
        raise SystemExit("no hidden field %s in: %s" % (name, page[:300]))
    return html.unescape(m.group(1))


def main():
    meta_json = requests.get(BASE + "/.well-known/openid-configuration", verify=CA).json()
    metadata = OpenIDProviderMetadata(meta_json)
    metadata.validate()  # raises ValueError naming the first field that is wrong

    client_id = os.environ["CLIENT_ID"]
    redirect_uri = os.environ["REDIRECT_URI"]
    rp = OAuth2Session(
        client_id,
        os.environ["CLIENT_SECRET"],
        scope="openid profile email",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    rp.verify = CA
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce)

    # The browser: sign in, consent, and stop at the redirect back to the relying party.
    browser = requests.Session()
    browser.verify = CA
    res = browser.get(url, allow_redirects=False)
    if res.headers.get("location", "").startswith("/portal/signin"):
        page = browser.get(BASE + res.headers["location"], allow_redirects=False).text
        form = {"email": os.environ["USER_EMAIL"], "password": os.environ["USER_PASSWORD"],
                "csrf": hidden(page, "csrf"), "return_to": hidden(page, "return_to")}
        signed_in = browser.post(BASE + "/portal/signin", data=form, allow_redirects=False)
        res = browser.get(BASE + signed_in.headers["location"], allow_redirects=False)
    if res.status_code == 200 and 'name="decision"' in res.text:
        form = {"csrf": hidden(res.text, "csrf"), "authz": hidden(res.text, "authz"), "decision": "allow"}
        res = browser.post(BASE + "/oauth2/authorize", data=form, allow_redirects=False)
    callback = res.headers["location"]

    token = rp.fetch_token(metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=verifier)
    keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], verify=CA).json())
    claims = jwt.decode(
        token["id_token"],
        keys,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": metadata["issuer"]}},
        claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
    )
    claims.validate(leeway=5)
    userinfo = rp.get(metadata["userinfo_endpoint"]).json()

    # A tampered nonce must fail Authlib's own check.
    wrong_nonce = jwt.decode(token["id_token"], keys, claims_cls=CodeIDToken,
                             claims_params={"nonce": "other", "client_id": client_id})
    try:
        wrong_nonce.validate()
        nonce_checked = False
    except Exception:  # authlib.jose.errors.InvalidClaimError
        nonce_checked = True

    print(json.dumps({
        "metadata_valid": True,
        "header": dict(claims.header),
        "claims": dict(claims),
        "userinfo": userinfo,
        "scope": token.get("scope"),
        "nonce_checked": nonce_checked,
    }))


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # the test prints this line
        print(json.dumps({"error": "%s: %s" % (type(err).__name__, err)}))
        sys.exit(1)
