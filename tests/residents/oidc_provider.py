"""A stand-in for VNeID's OpenID Connect provider, served over real HTTP on 127.0.0.1.

It publishes a discovery document and its JWKS, and signs ID tokens with its OWN RSA key (made
afresh for each instance), so motcua can only accept them by checking the signature against the
published keys. Its endpoints behave as the specifications say a careful provider does:

- ``GET /authorize``: as if the citizen had consented, answers a redirect to ``redirect_uri``
  with a code and the state. It refuses (with an ``error`` redirect) a wrong client, a scope
  without ``openid``, a missing nonce, and a missing or non-S256 PKCE challenge.
- ``POST /token``: checks the client's credentials (Basic or in the body), that the code is one
  it issued, unused, for this client and this ``redirect_uri``, and that the ``code_verifier``
  hashes to the challenge (RFC 7636 §4.6). Answers an access token and the ID token.
- ``GET /userinfo``: with the access token, the citizen's claims.
- ``GET /jwks``: the public keys.

Knobs for tests (attributes, set before the sign-in): ``expired``, ``audience``, ``issuer``,
``nonce``, ``sign_with`` ("foreign": another key under the published kid; "unpublished": another
key under a kid not published), ``alg`` ("none", or "HS256" keyed with the public key's PEM),
``down`` (every request answers 503 with an HTML page), ``html`` (every request answers 200 with
an HTML page), ``codes_reusable`` (a provider that does not enforce single-use codes),
``userinfo_claims`` (replace the userinfo answer), ``claims`` (put these in the signed ID token
over the usual ones), ``id_token`` (send this text as the ID token),
``token_answer`` ((status, content type, body) for /token, once the checks pass), ``jwks``
(publish this instead of the keys), ``rotate_key()``. ``requests`` lists every request.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.world import GOOD_ID

CLIENT_ID = "motcua-tinh-thu"
CLIENT_SECRET = "bi-mat-cua-tinh-thu"
CITIZEN = {
    "sub": "vneid-7f3a1c",
    "citizen_id": GOOD_ID,
    "name": "Nguyễn Thị Thu Hà",
    "phone_number": "0901234567",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class StandInProvider:
    def __init__(self):
        self.lock = threading.Lock()
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.client_auth: list[str] = []  # "basic" or "body", for each /token request
        self.citizen = dict(CITIZEN)
        self.id_token_claims = ("sub", "citizen_id", "name")  # the phone is for userinfo
        # knobs
        self.expired = False
        self.audience = None
        self.issuer = None
        self.nonce = None
        self.sign_with = None
        self.alg = None
        self.down = False
        self.html = False
        self.codes_reusable = False
        self.userinfo_claims = None
        self.id_token = None
        self.claims = {}
        self.token_answer = None
        self.jwks = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(provider.handle("GET", self.path, self.headers, b""))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                self._answer(provider.handle("POST", self.path, self.headers, body))

            def _answer(self, reply):
                status, headers, body = reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """Stop answering: the port is closed, a connection is refused."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=5)
        self.server.server_close()

    # --------------------------------------------------------------- what tests use

    def calls(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, p in self.requests if urlparse(p).path == path)

    def rotate_key(self):
        """A new signing key; the JWKS now publishes only it."""
        with self.lock:
            self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
            self.key.ensure_kid()

    def consent(self, authorize_url: str) -> str:
        """Follow motcua's redirect to /authorize as the citizen's browser; the callback URL."""
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(authorize_url, timeout=10)
        except urllib.error.HTTPError as answer:
            if answer.code == 302:
                return answer.headers["Location"]
            raise
        raise AssertionError("the stand-in's /authorize did not redirect")

    def token_request(self, form: dict, *, basic: tuple[str, str] | None = None):
        """POST /token as a client would; (status, JSON answer). For testing the stand-in."""
        import urllib.request

        request = urllib.request.Request(
            f"{self.url}/token", data=urlencode(form).encode(), method="POST"
        )
        if basic:
            credentials = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            request.add_header("Authorization", f"Basic {credentials}")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as answer:
            return answer.code, json.loads(answer.read())

    # --------------------------------------------------------------- the provider

    def handle(self, method: str, raw_path: str, headers, body: bytes):
        with self.lock:
            self.requests.append((method, raw_path))
            if self.down:
                return self._html(503, "<h1>Hệ thống đang bảo trì</h1>")
            if self.html:
                return self._html(200, "<html><body>Đăng nhập VNeID</body></html>")
            parsed = urlparse(raw_path)
            query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
            route = (method, parsed.path)
            if route == ("GET", "/.well-known/openid-configuration"):
                return self._json(200, self._discovery())
            if route == ("GET", "/jwks"):
                return self._json(200, self.jwks if self.jwks is not None else self._public_keys())
            if route == ("GET", "/authorize"):
                return self._authorize(query)
            if route == ("POST", "/token"):
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                return self._token(form, headers.get("Authorization", ""))
            if route == ("GET", "/userinfo"):
                return self._userinfo(headers.get("Authorization", ""))
            return self._json(404, {"error": "not_found"})

    def _discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def _public_keys(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    def _authorize(self, query: dict):
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != CLIENT_ID or not redirect_uri:
            return self._json(400, {"error": "invalid_client"})

        def back(**params):
            return 302, {"Location": f"{redirect_uri}?{urlencode(params)}"}, b""

        state = query.get("state", "")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return back(error="invalid_request", state=state)
        if not query.get("nonce"):
            return back(error="invalid_request", error_description="nonce", state=state)
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE S256", state=state)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "challenge": query["code_challenge"],
            "nonce": query["nonce"],
            "used": False,
        }
        return back(code=code, state=state)

    def _token(self, form: dict, authorization: str):
        client_id, secret = form.get("client_id"), form.get("client_secret")
        self.client_auth.append("basic" if authorization.startswith("Basic ") else "body")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return self._json(401, {"error": "invalid_client"})
        grant = self.codes.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._json(400, {"error": "invalid_grant"})
        if grant["used"] and not self.codes_reusable:
            return self._json(400, {"error": "invalid_grant", "error_description": "code used"})
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        verifier = form.get("code_verifier", "")
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        if not verifier or not hmac.compare_digest(challenge, grant["challenge"]):
            return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        grant["used"] = True
        if self.token_answer is not None:
            status, content_type, raw = self.token_answer
            return status, {"Content-Type": content_type}, raw
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = self.citizen
        return self._json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant["nonce"]),
            },
        )

    def _id_token(self, nonce: str) -> str:
        if self.id_token is not None:
            return self.id_token
        now = int(time.time())
        claims = {k: self.citizen[k] for k in self.id_token_claims}
        claims |= {
            "iss": self.issuer or self.url,
            "aud": self.audience or CLIENT_ID,
            "iat": now - 3600 if self.expired else now,
            "exp": now - 600 if self.expired else now + 300,
            "nonce": self.nonce or nonce,
        }
        claims |= self.claims
        header = {"alg": "RS256", "kid": self.key.kid}
        if self.alg == "none":
            return self._unsigned({"alg": "none", "kid": self.key.kid}, claims, b"")
        if self.alg == "HS256":
            # The classic confusion attack: an HMAC keyed with the provider's public key.
            secret = self.key.as_pem(private=False)
            header = {"alg": "HS256", "kid": self.key.kid, "typ": "JWT"}
            signing_input = ".".join(_b64(json.dumps(part).encode()) for part in (header, claims))
            mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{_b64(mac)}"
        key = self.key
        if self.sign_with in {"foreign", "unpublished"}:
            key = RSAKey.generate_key(2048)
            header["kid"] = self.key.kid if self.sign_with == "foreign" else "not-published"
        return jwt.encode(header, claims, key)

    @staticmethod
    def _unsigned(header: dict, claims: dict, signature: bytes) -> str:
        parts = [json.dumps(header).encode(), json.dumps(claims).encode(), signature]
        return ".".join(_b64(p) for p in parts)

    def _userinfo(self, authorization: str):
        token = authorization.removeprefix("Bearer ")
        citizen = self.access_tokens.get(token)
        if citizen is None:
            return self._json(401, {"error": "invalid_token"})
        if self.userinfo_claims is not None:
            return self._json(200, self.userinfo_claims)
        return self._json(200, citizen)

    @staticmethod
    def _json(status: int, document) -> tuple[int, dict, bytes]:
        body = json.dumps(document, ensure_ascii=False).encode()
        return status, {"Content-Type": "application/json; charset=utf-8"}, body

    @staticmethod
    def _html(status: int, page: str) -> tuple[int, dict, bytes]:
        return status, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
