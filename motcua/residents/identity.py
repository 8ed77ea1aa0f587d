"""Identity providers: single sign-on that tells us who a resident is (VNeID-style).

A provider sends the resident away to prove who they are and hands back a ``VerifiedIdentity``.
Only a provider may set ``Resident.verified_id_number``, and only a verified ID number opens the
resident's document store. The national VNeID single sign-on is an OpenID Connect service for
which a province must sign an agreement; ``OidcProvider`` is written for that shape, and
``FakeProvider`` stands in for it in the demo and in tests (it asks for the ID number on a local
page and signs the answer, so the callback cannot be forged).

A sign-in in progress is one ``PendingSignIn`` in the session: state, nonce, PKCE verifier, where
to go afterwards and until when it may complete. The callback takes it out of the session and
marks its state spent in the shared cache, so a callback works once, within ten minutes, in the
browser that started it.

Providers are chosen with ``MOTCUA_IDENTITY_PROVIDERS`` (comma-separated keys).
"""

import hashlib
import hmac
import logging
import secrets
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.residents import oidc

log = logging.getLogger(__name__)

STATE_SESSION_KEY = "residents_sso_state"
PENDING_MAX_AGE = 600  # seconds from leaving for the provider to coming back


class IdentityError(Exception):
    """The provider did not vouch for anyone: the message says what to do next."""


def _sign_in_again() -> IdentityError:
    return IdentityError(_("Phiên đăng nhập không khớp. Hãy đăng nhập lại."))


@dataclass(frozen=True)
class VerifiedIdentity:
    provider: str
    id_number: str
    full_name: str
    phone: str = ""


@dataclass(frozen=True)
class PendingSignIn:
    """A sign-in that left for the provider and has not come back yet (kept in the session)."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_url: str
    expires_at: int  # Unix time

    @classmethod
    def new(cls, provider: str, *, redirect_uri: str, next_url: str) -> "PendingSignIn":
        return cls(
            provider=provider,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),  # 86 characters; RFC 7636 allows 43-128
            redirect_uri=redirect_uri,
            next_url=next_url,
            expires_at=int(time.time()) + PENDING_MAX_AGE,
        )

    @classmethod
    def from_session(cls, data) -> "PendingSignIn | None":
        """The pending sign-in stored by ``save``, or None for anything else."""
        try:
            pending = cls(**data)
        except TypeError:
            return None
        texts = [value for name, value in asdict(pending).items() if name != "expires_at"]
        if not all(isinstance(t, str) for t in texts) or not isinstance(pending.expires_at, int):
            return None
        return pending

    def save(self, request) -> None:
        request.session[STATE_SESSION_KEY] = asdict(self)

    @property
    def expired(self) -> bool:
        return time.time() > self.expires_at

    def matches_state(self, state) -> bool:
        return isinstance(state, str) and hmac.compare_digest(
            state.encode("utf-8", "surrogatepass"), self.state.encode()
        )


def begin_sign_in(request, provider: "IdentityProvider", next_url: str) -> str:
    """Remember a new pending sign-in in the session; the URL to send the resident to."""
    pending = PendingSignIn.new(
        provider.key, redirect_uri=provider.callback_url(request), next_url=next_url
    )
    url = provider.start_url(request, pending)
    pending.save(request)
    return url


def take_pending(request, key: str) -> PendingSignIn:
    """The pending sign-in this callback completes, taken out of the session: it works once.

    The state is also marked spent in the shared cache, so a copy of the session made before the
    callback (a restored cookie, a second tab racing the first) cannot complete it a second time.
    """
    pending = PendingSignIn.from_session(request.session.pop(STATE_SESSION_KEY, None))
    if pending is None or pending.provider != key:
        raise IdentityError(_("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."))
    if pending.expired:
        raise IdentityError(_("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."))
    spent = "motcua:residents:sso-spent:" + hashlib.sha256(pending.state.encode()).hexdigest()
    if not cache.add(spent, True, PENDING_MAX_AGE + 60):
        log.warning("Identity provider callback replayed for a spent state (%s)", key)
        raise IdentityError(_("Kết quả đăng nhập này đã được dùng. Hãy đăng nhập lại."))
    return pending


class IdentityProvider:
    key = ""
    label = ""

    def start_url(self, request, pending: PendingSignIn) -> str:
        """Where to send the resident to sign in; the provider comes back to ``callback_url``."""
        raise NotImplementedError

    def complete(self, request, pending: PendingSignIn) -> VerifiedIdentity:
        """Read the provider's answer on the callback; raise IdentityError if it is not good."""
        raise NotImplementedError

    def callback_url(self, request) -> str:
        return request.build_absolute_uri(reverse("residents:sso_callback", args=[self.key]))


class FakeProvider(IdentityProvider):
    """The demo and test stand-in for VNeID: a local page where one types an ID number."""

    key = "fake"
    label = gettext_lazy("VNeID (giả lập cho bản trình diễn)")
    salt = "motcua.residents.fake-vneid"

    def start_url(self, request, pending: PendingSignIn) -> str:
        query = urllib.parse.urlencode({"state": pending.state})
        return reverse("residents:fake_vneid") + "?" + query

    def assertion(self, *, id_number: str, full_name: str, phone: str, state: str) -> str:
        payload = {"id": id_number, "name": full_name, "phone": phone, "state": state}
        return signing.dumps(payload, salt=self.salt)

    def complete(self, request, pending: PendingSignIn) -> VerifiedIdentity:
        try:
            payload = signing.loads(request.GET.get("assertion", ""), salt=self.salt, max_age=300)
        except signing.BadSignature as exc:
            raise IdentityError(_("Kết quả xác thực không hợp lệ hoặc đã hết hạn.")) from exc
        if not pending.matches_state(payload.get("state")):
            raise _sign_in_again()
        return VerifiedIdentity(self.key, payload["id"], payload["name"], payload.get("phone", ""))


class OidcProvider(IdentityProvider):
    """VNeID's single sign-on: OpenID Connect authorization code with state, nonce and PKCE.

    Who signed in is read from the ID token, after ``oidc.validate_id_token`` has checked its
    signature against the provider's keys, its issuer, audience, times and our nonce. The userinfo
    answer may add the phone number, and only when it is about the same subject; it never names
    the person. Settings: ``MOTCUA_OIDC_*`` (see ``oidc.Config``).
    """

    key = "vneid"
    label = gettext_lazy("Tài khoản định danh điện tử VNeID")

    def start_url(self, request, pending: PendingSignIn) -> str:
        config = oidc.Config.from_settings()
        with _explained(config):
            return oidc.authorization_url(
                config,
                oidc.metadata(config),
                redirect_uri=pending.redirect_uri,
                state=pending.state,
                nonce=pending.nonce,
                verifier=pending.code_verifier,
            )

    def complete(self, request, pending: PendingSignIn) -> VerifiedIdentity:
        if not pending.matches_state(request.GET.get("state")):
            raise _sign_in_again()
        if "error" in request.GET:
            # RFC 6749 §4.1.2.1: the citizen declined, or the provider could not ask them.
            raise IdentityError(
                _("Bạn chưa đồng ý chia sẻ thông tin định danh. Hãy đăng nhập lại và chọn đồng ý.")
            )
        config = oidc.Config.from_settings()
        with _explained(config):
            meta = oidc.metadata(config)
            token = oidc.exchange_code(
                config,
                meta,
                code=request.GET.get("code", ""),
                redirect_uri=pending.redirect_uri,
                verifier=pending.code_verifier,
            )
            access_token = token.get("access_token")
            claims = oidc.validate_id_token(
                config, meta, token["id_token"], nonce=pending.nonce, access_token=access_token
            )
            return VerifiedIdentity(
                self.key,
                _id_number(claims.get(config.id_claim)),
                _text(claims.get(config.name_claim)),
                _phone(config, meta, claims, access_token),
            )


def _id_number(claim) -> str:
    if not isinstance(claim, str) or not claim:
        raise IdentityError(
            _(
                "Tài khoản VNeID không cho biết số định danh cá nhân. "
                "Hãy đăng nhập bằng số điện thoại."
            )
        )
    return claim


def _phone(config: oidc.Config, meta: oidc.Metadata, claims: dict, access_token) -> str:
    """The phone number from the ID token, else from a userinfo answer about the same subject."""
    if phone := _text(claims.get(config.phone_claim)):
        return phone
    info = oidc.userinfo(meta, access_token)
    if info.get("sub") != claims["sub"]:
        if info:  # OpenID Connect Core §5.3.2: a userinfo about someone else is not used
            log.warning("VNeID userinfo is about another subject; its phone is ignored")
        return ""
    return _text(info.get(config.phone_claim))


def _text(value) -> str:
    return value if isinstance(value, str) else ""


@contextmanager
def _explained(config: oidc.Config):
    """Turn the OpenID Connect client's failures into what the resident should do next."""
    if problems := config.problems():
        log.error("VNeID sign-in is not configured: %s", "; ".join(problems))
        raise IdentityError(_try_later())
    try:
        yield
    except oidc.ProviderUnavailable as exc:
        log.warning("VNeID sign-in failed, provider unavailable: %s", exc)
        raise IdentityError(_try_later()) from exc
    except oidc.SignInRejected as exc:
        log.warning("VNeID sign-in refused: %s", exc)
        raise IdentityError(
            _("Không xác minh được kết quả đăng nhập từ VNeID. Hãy đăng nhập lại.")
        ) from exc


def _try_later() -> str:
    return _("Không kết nối được nhà cung cấp định danh. Hãy thử lại sau ít phút.")


PROVIDERS: dict[str, type[IdentityProvider]] = {p.key: p for p in (FakeProvider, OidcProvider)}


def enabled_providers() -> list[IdentityProvider]:
    return [PROVIDERS[key]() for key in settings.MOTCUA_IDENTITY_PROVIDERS if key in PROVIDERS]


def provider(key: str) -> IdentityProvider | None:
    return next((p for p in enabled_providers() if p.key == key), None)
