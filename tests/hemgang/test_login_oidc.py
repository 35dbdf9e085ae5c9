"""Sign-in through the municipality's identity provider, against a fake one: a small HTTP server in the
test (discovery, JWKS and token endpoints) that signs ID tokens with a test RSA key. The real views and
mozilla-django-oidc's real code flow talk to it over HTTP."""

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

CLIENT_ID = "hemgang-test"
CLIENT_SECRET = "not-a-real-secret"
SITHS = "http://id.elegnamnden.se/loa/1.0/loa3"
FREJA_LOW = "http://id.elegnamnden.se/loa/1.0/loa2"


class FakeIdentityProvider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}  # code → the claims of its ID token and the PKCE challenge
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if self.path == "/jwks":
                    return self._json(200, provider.jwks())
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/token":
                    return self._json(404, {"error": "not_found"})
                status, body = provider.token(form)
                return self._json(status, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "acr_values_supported": [SITHS, FREJA_LOW],
        }

    def jwks(self):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": "test-key", "alg": "RS256", "use": "sig"}]}

    def issue(self, code: str, *, authorize_url: str, **claims):
        """The user signed in at the provider: `code` will be exchanged for an ID token with `claims`."""
        params = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        self.codes[code] = {"claims": {"nonce": params["nonce"], **claims}, "challenge": params["code_challenge"]}
        return params

    def token(self, form):
        grant = self.codes.pop(form.get("code"), None)
        if grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **grant["claims"]}
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test-key"})
        return 200, {"access_token": "at-" + form["code"], "token_type": "Bearer", "id_token": id_token}


@pytest.fixture
def idp(settings):
    provider = FakeIdentityProvider()
    provider.thread.start()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.url
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
    settings.OIDC_OP_USER_ENDPOINT = ""
    settings.OIDC_REQUIRED_ACR = [SITHS]
    settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": SITHS}
    settings.OIDC_USER_CLAIM = "hsa_id"
    settings.OIDC_USER_FIELD = "username"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "cases.signin.backends.IdentityProviderBackend",
    ]
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


def _sign_in(client, idp, *, next_url="", **claims):
    start = client.get(reverse("oidc_start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302 and start["Location"].startswith(f"{idp.url}/authorize?")
    params = idp.issue("code-1", authorize_url=start["Location"], **claims)
    assert params["acr_values"] == SITHS and params["client_id"] == CLIENT_ID
    return client.get(reverse("oidc_callback"), {"code": "code-1", "state": params["state"]})


def test_the_login_page_offers_e_legitimation_only_when_configured(client, settings):
    assert "Logga in med e-legitimation" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_start")).status_code == 404
    settings.OIDC_ENABLED = True
    assert "Logga in med e-legitimation" in client.get(reverse("login")).content.decode()


def test_it_signs_in_an_existing_account_and_counts_the_eid_as_the_second_factor(client, idp, world, referred):
    case_url = reverse("case_detail", args=[referred.pk])
    response = _sign_in(client, idp, next_url=case_url, sub="abc-123", hsa_id=world.officer.username, acr=SITHS)
    assert response.status_code == 302 and response["Location"] == case_url
    assert client.get(case_url).status_code == 200  # no TOTP step after the e-legitimation
    assert client.session["second_factor"] == "oidc"


def test_it_refuses_a_token_of_another_acr(client, idp, world):
    response = _sign_in(client, idp, sub="abc-123", hsa_id=world.officer.username, acr=FREJA_LOW)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "Den e-legitimationen godtas inte här" in client.get(reverse("login")).content.decode()


def test_it_refuses_an_unknown_user_and_never_creates_one(client, idp, world, django_user_model):
    users = django_user_model.objects.count()
    response = _sign_in(client, idp, sub="abc-123", hsa_id="SE2321000000-NOBODY", acr=SITHS)
    assert response["Location"] == reverse("login")
    assert django_user_model.objects.count() == users
    assert "inte kopplad till något aktivt konto" in client.get(reverse("login")).content.decode()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("who", ["integration", "inactive"])
def test_it_refuses_an_integration_or_inactive_account(client, idp, world, who):
    user = world.integration if who == "integration" else world.officer2
    if who == "inactive":
        user.is_active = False
        user.save()
    response = _sign_in(client, idp, sub="abc-123", hsa_id=user.username, acr=SITHS)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_token_for_another_client(client, idp, world, settings):
    settings.OIDC_OP_ISSUER = "https://someone-else.example"
    response = _sign_in(client, idp, sub="abc-123", hsa_id=world.officer.username, acr=SITHS)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_break_glass_password_and_totp_still_work_with_oidc_on(client, idp, world):
    from .login_steps import app_for, code_of, password_step

    device = app_for(world.officer)
    http, response = password_step(world.officer)
    assert response.status_code == 302
    assert http.post(reverse("login_verify"), {"code": code_of(device)})["Location"] == reverse("home")
    assert http.get(reverse("home")).status_code == 200
