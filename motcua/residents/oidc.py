"""The OpenID Connect relying party for VNeID: discovery, signing keys, the code exchange, and the
checks that make an ID token proof of who signed in.

The protocol is Authlib's (``OAuth2Session`` builds the authorization URL with the PKCE challenge
and exchanges the code with client authentication) and the JOSE work is joserfc's (the ID token's
signature against the provider's published keys) with Authlib's ``CodeIDToken`` rules for its
claims (issuer, audience and ``azp``, expiry and issue time, nonce, ``at_hash``). What is ours is
the glue and the policy: which algorithms we accept (asymmetric only, from settings, never what the
token asks for), where the keys come from and how long we keep them, and that every way the
provider can fail becomes one of two exceptions the sign-in page can explain:

- ``ProviderUnavailable``: the provider could not be reached or answered nonsense. Try later.
- ``SignInRejected``: the answer does not prove who signed in. Sign in again.

Settings (all ``MOTCUA_OIDC_*``, read when used so tests can change them): see ``Config``.
"""

import hashlib
import logging
import re
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

log = logging.getLogger(__name__)

#: Signature algorithms we may accept; an ID token is checked with public keys only, so a
#: symmetric ("HS256": anyone holding the public key could sign) or "none" never passes.
ASYMMETRIC_ALGORITHMS = frozenset(
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
)
TOKEN_AUTH_METHODS = frozenset(["client_secret_basic", "client_secret_post"])
TIMEOUT = (5, 10)  # seconds to connect, seconds to wait for each answer
LEEWAY = 60  # seconds of clock difference tolerated on exp / iat / nbf
METADATA_MAX_AGE = 3600  # discovery document and keys are kept this long in the shared cache
# RFC 6749 §A.11: a code is visible ASCII; one longer than this is not a code either.
CODE_PATTERN = re.compile(r"[\x20-\x7e]{1,2048}")


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something that is not the protocol."""


class SignInRejected(Exception):
    """The provider's answer does not prove who signed in (or the citizen did not consent)."""


@dataclass(frozen=True)
class Config:
    """The connection as the province registered it (from ``MOTCUA_OIDC_*`` settings)."""

    issuer: str  # the expected "iss"; "" = the discovery document's
    discovery_url: str  # "" = issuer + /.well-known/openid-configuration
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    id_claim: str
    name_claim: str
    phone_claim: str
    algorithms: tuple[str, ...]
    token_auth_method: str
    # Endpoints, for a provider without a discovery document; each one set here wins over it.
    authorize_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str

    @classmethod
    def from_settings(cls) -> "Config":
        def setting(name: str, default: str = "") -> str:
            return str(getattr(settings, f"MOTCUA_OIDC_{name}", default) or default).strip()

        return cls(
            issuer=setting("ISSUER"),
            discovery_url=setting("DISCOVERY_URL"),
            client_id=setting("CLIENT_ID"),
            client_secret=setting("CLIENT_SECRET"),
            scopes=_words(setting("SCOPES", "openid profile")),
            id_claim=setting("ID_CLAIM", "citizen_id"),
            name_claim=setting("NAME_CLAIM", "name"),
            phone_claim=setting("PHONE_CLAIM", "phone_number"),
            algorithms=_words(setting("ALGORITHMS", "RS256")),
            token_auth_method=setting("TOKEN_AUTH_METHOD", "client_secret_basic"),
            authorize_url=setting("AUTHORIZE_URL"),
            token_url=setting("TOKEN_URL"),
            userinfo_url=setting("USERINFO_URL"),
            jwks_url=setting("JWKS_URL"),
        )

    @property
    def metadata_url(self) -> str:
        if self.discovery_url:
            return self.discovery_url
        if not self.issuer:
            return ""
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    @property
    def needs_discovery(self) -> bool:
        explicit = (self.issuer, self.authorize_url, self.token_url, self.jwks_url)
        return not all(explicit)

    def problems(self) -> list[str]:
        """What is missing or wrong, in words for the operator (English, like Django's checks)."""
        found = []
        if not self.issuer and not self.discovery_url:
            found.append("set MOTCUA_OIDC_ISSUER or MOTCUA_OIDC_DISCOVERY_URL")
        if not self.client_id:
            found.append("set MOTCUA_OIDC_CLIENT_ID")
        if not self.client_secret:
            found.append("set MOTCUA_OIDC_CLIENT_SECRET")
        if "openid" not in self.scopes:
            found.append("MOTCUA_OIDC_SCOPES must include 'openid'")
        unsafe = [a for a in self.algorithms if a not in ASYMMETRIC_ALGORITHMS]
        if unsafe or not self.algorithms:
            allowed = ", ".join(sorted(ASYMMETRIC_ALGORITHMS))
            found.append(f"MOTCUA_OIDC_ALGORITHMS may list only {allowed}")
        if self.token_auth_method not in TOKEN_AUTH_METHODS:
            allowed = " or ".join(sorted(TOKEN_AUTH_METHODS))
            found.append(f"MOTCUA_OIDC_TOKEN_AUTH_METHOD must be {allowed}")
        return found

    def plain_http_urls(self) -> list[str]:
        """The configured URLs that are not HTTPS (names of their settings)."""
        urls = {
            "MOTCUA_OIDC_ISSUER": self.issuer,
            "MOTCUA_OIDC_DISCOVERY_URL": self.discovery_url,
            "MOTCUA_OIDC_AUTHORIZE_URL": self.authorize_url,
            "MOTCUA_OIDC_TOKEN_URL": self.token_url,
            "MOTCUA_OIDC_USERINFO_URL": self.userinfo_url,
            "MOTCUA_OIDC_JWKS_URL": self.jwks_url,
        }
        return [name for name, url in urls.items() if url and not url.startswith("https://")]


def _words(value: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s,]+", value) if w)


@dataclass(frozen=True)
class Metadata:
    """Where the provider's endpoints are and which issuer signs its tokens."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


def metadata(config: Config) -> Metadata:
    """The provider's endpoints: settings first, then its discovery document (kept an hour)."""
    document = _discovery_document(config) if config.needs_discovery else {}
    published_issuer = document.get("issuer")
    if document and published_issuer != (config.issuer or published_issuer):
        # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we expect.
        raise ProviderUnavailable(f"discovery names issuer {published_issuer!r}")

    def published(name: str) -> str:
        value = document.get(name)
        return value if isinstance(value, str) else ""

    found = Metadata(
        issuer=config.issuer or published("issuer"),
        authorization_endpoint=config.authorize_url or published("authorization_endpoint"),
        token_endpoint=config.token_url or published("token_endpoint"),
        userinfo_endpoint=config.userinfo_url or published("userinfo_endpoint"),
        jwks_uri=config.jwks_url or published("jwks_uri"),
    )
    required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    missing = [name for name in required if not getattr(found, name)]
    if missing:
        raise ProviderUnavailable(f"no {', '.join(missing)} in the provider's metadata")
    return found


def _discovery_document(config: Config) -> dict:
    url = config.metadata_url
    if not url:
        raise ProviderUnavailable("neither an issuer nor a discovery URL is configured")
    key = _cache_key("discovery", url)
    document = cache.get(key)
    if document is None:
        document = _get_json(url)
        cache.set(key, document, METADATA_MAX_AGE)
    return document


# --------------------------------------------------------------------------- the flow


def authorization_url(
    config: Config, meta: Metadata, *, redirect_uri: str, state: str, nonce: str, verifier: str
) -> str:
    """Where to send the resident: the provider's consent page, with state, nonce and PKCE."""
    client = _client(config, redirect_uri)
    url, _ = client.create_authorization_url(
        meta.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    return url


def exchange_code(
    config: Config, meta: Metadata, *, code: str, redirect_uri: str, verifier: str
) -> dict:
    """The token response for ``code``, proving with the PKCE verifier that we asked for it."""
    if not CODE_PATTERN.fullmatch(code):
        raise SignInRejected("no usable authorization code on the callback")
    client = _client(config, redirect_uri)
    try:
        token = client.fetch_token(
            meta.token_endpoint,
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=verifier,
        )
    except OAuthError as exc:
        if exc.error == "invalid_grant":  # the code is spent, expired, or not ours
            raise SignInRejected("token endpoint refused the code (invalid_grant)") from exc
        # invalid_client and the like: our registration or settings, not the resident's doing.
        raise ProviderUnavailable(f"token endpoint refused us: {exc.error!r}") from exc
    except (requests.RequestException, ValueError, TypeError, ArithmeticError) as exc:
        raise ProviderUnavailable(f"token endpoint: {type(exc).__name__}") from exc
    finally:
        client.close()
    if not isinstance(token.get("id_token"), str):
        raise SignInRejected("the token response carries no ID token")
    return dict(token)


def validate_id_token(
    config: Config, meta: Metadata, id_token: str, *, nonce: str, access_token: str | None
) -> dict:
    """The ID token's claims, once its signature, issuer, audience, times and nonce hold.

    The keys come from the provider's JWKS (kept an hour); a token signed with a key we do not
    know yet makes us fetch the JWKS again once, which is how a provider's key rotation reaches us.
    """
    try:
        token = _decode(id_token, _key_set(meta.jwks_uri), config.algorithms)
    except InvalidKeyIdError:
        try:
            token = _decode(id_token, _key_set(meta.jwks_uri, refresh=True), config.algorithms)
        except InvalidKeyIdError as exc:
            raise SignInRejected("ID token signed with a key not in the provider's JWKS") from exc
    claims = CodeIDToken(
        token.claims,
        token.header,
        options={
            "iss": {"essential": True, "value": meta.issuer},
            "aud": {"essential": True, "value": config.client_id},
            "sub": {"essential": True},
        },
        params={
            "client_id": config.client_id,
            "nonce": nonce,
            "access_token": access_token if isinstance(access_token, str) else None,
        },
    )
    try:
        claims.validate(leeway=LEEWAY)
    except (JoseError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise SignInRejected(f"ID token claims: {_describe(exc)}") from exc
    return dict(claims)


def userinfo(meta: Metadata, access_token) -> dict:
    """The userinfo answer, or {} when there is none to ask or the provider will not say."""
    if not meta.userinfo_endpoint or not isinstance(access_token, str) or not access_token:
        return {}
    bearer = {"Authorization": f"Bearer {access_token}"}
    try:
        return _get_json(meta.userinfo_endpoint, headers=bearer)
    except ProviderUnavailable as exc:
        log.warning("VNeID userinfo unavailable: %s", exc)
        return {}


def _decode(id_token, key_set: KeySet, algorithms: tuple[str, ...]) -> jwt.Token:
    # Only asymmetric algorithms, whatever the settings say: ``Config.problems`` reports others.
    allowed = [a for a in algorithms if a in ASYMMETRIC_ALGORITHMS]
    registry = JWSRegistry(algorithms=allowed, strict_check_header=False)
    try:
        return jwt.decode(id_token, key_set, registry=registry)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise SignInRejected(f"ID token: {_describe(exc)}") from exc


def _describe(exc: Exception) -> str:
    """What went wrong, short; joserfc's messages name claims and headers, never their values."""
    return f"{type(exc).__name__}: {str(exc)[:120]}"


# --------------------------------------------------------------------------- keys and HTTP


def _key_set(jwks_uri: str, *, refresh: bool = False) -> KeySet:
    key = _cache_key("jwks", jwks_uri)
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(jwks_uri)
        cache.set(key, jwks, METADATA_MAX_AGE)
    try:
        return KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError, AttributeError) as exc:
        cache.delete(key)
        raise ProviderUnavailable(f"unusable JWKS: {_describe(exc)}") from exc


def _cache_key(kind: str, url: str) -> str:
    return f"motcua:residents:oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def _client(config: Config, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=config.client_id,
        client_secret=config.client_secret,
        token_endpoint_auth_method=config.token_auth_method,
        scope=" ".join(config.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=TIMEOUT,
    )


def _get_json(url: str, headers: dict | None = None) -> dict:
    """A JSON object from ``url``, or ProviderUnavailable saying why not."""
    try:
        response = requests.get(
            url, headers={"Accept": "application/json", **(headers or {})}, timeout=TIMEOUT
        )
        if response.status_code != 200:
            raise ProviderUnavailable(f"{url} answered HTTP {response.status_code}")
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {type(exc).__name__}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} answered no JSON object")
    return document
