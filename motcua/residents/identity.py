"""Identity providers: single sign-on that tells us who a resident is (VNeID-style).

A provider sends the resident away to prove who they are and hands back a ``VerifiedIdentity``.
Only a provider may set ``Resident.verified_id_number``, and only a verified ID number opens the
resident's document store. The national VNeID single sign-on is an OpenID Connect service for
which a province must sign an agreement; ``OidcProvider`` is written for that shape, and
``FakeProvider`` stands in for it in the demo and in tests (it asks for the ID number on a local
page and signs the answer, so the callback cannot be forged).

Providers are chosen with ``MOTCUA_IDENTITY_PROVIDERS`` (comma-separated keys).
"""

import json
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STATE_SESSION_KEY = "residents_sso_state"


class IdentityError(Exception):
    """The provider did not vouch for anyone: the message says what to do next."""


@dataclass(frozen=True)
class VerifiedIdentity:
    provider: str
    id_number: str
    full_name: str
    phone: str = ""


class IdentityProvider:
    key = ""
    label = ""

    def start_url(self, request, state: str) -> str:
        """Where to send the resident to sign in; the provider comes back to ``callback_url``."""
        raise NotImplementedError

    def complete(self, request, state: str) -> VerifiedIdentity:
        """Read the provider's answer on the callback; raise IdentityError if it is not good."""
        raise NotImplementedError

    def callback_url(self, request) -> str:
        return request.build_absolute_uri(reverse("residents:sso_callback", args=[self.key]))


class FakeProvider(IdentityProvider):
    """The demo and test stand-in for VNeID: a local page where one types an ID number."""

    key = "fake"
    label = gettext_lazy("VNeID (giả lập cho bản trình diễn)")
    salt = "motcua.residents.fake-vneid"

    def start_url(self, request, state: str) -> str:
        return reverse("residents:fake_vneid") + "?" + urllib.parse.urlencode({"state": state})

    def assertion(self, *, id_number: str, full_name: str, phone: str, state: str) -> str:
        payload = {"id": id_number, "name": full_name, "phone": phone, "state": state}
        return signing.dumps(payload, salt=self.salt)

    def complete(self, request, state: str) -> VerifiedIdentity:
        try:
            payload = signing.loads(request.GET.get("assertion", ""), salt=self.salt, max_age=300)
        except signing.BadSignature as exc:
            raise IdentityError(_("Kết quả xác thực không hợp lệ hoặc đã hết hạn.")) from exc
        if payload.get("state") != state:
            raise IdentityError(_("Phiên đăng nhập không khớp. Hãy đăng nhập lại."))
        return VerifiedIdentity(self.key, payload["id"], payload["name"], payload.get("phone", ""))


class OidcProvider(IdentityProvider):
    """OpenID Connect authorization-code flow, the shape of VNeID's single sign-on.

    Settings: ``MOTCUA_OIDC_AUTHORIZE_URL``, ``_TOKEN_URL``, ``_USERINFO_URL``, ``_CLIENT_ID``,
    ``_CLIENT_SECRET``, and the userinfo claim names for the ID number and name
    (``MOTCUA_OIDC_ID_CLAIM`` default ``citizen_id``, ``MOTCUA_OIDC_NAME_CLAIM`` default ``name``).
    """

    key = "vneid"
    label = gettext_lazy("Tài khoản định danh điện tử VNeID")

    def _setting(self, name: str, default: str = "") -> str:
        return getattr(settings, f"MOTCUA_OIDC_{name}", default)

    def start_url(self, request, state: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self._setting("CLIENT_ID"),
            "redirect_uri": self.callback_url(request),
            "scope": "openid profile",
            "state": state,
        }
        return self._setting("AUTHORIZE_URL") + "?" + urllib.parse.urlencode(query)

    def complete(self, request, state: str) -> VerifiedIdentity:
        if request.GET.get("state") != state:
            raise IdentityError(_("Phiên đăng nhập không khớp. Hãy đăng nhập lại."))
        code = request.GET.get("code", "")
        if not code:
            raise IdentityError(_("Bạn chưa đồng ý chia sẻ thông tin định danh."))
        token = self._post_form(
            self._setting("TOKEN_URL"),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.callback_url(request),
                "client_id": self._setting("CLIENT_ID"),
                "client_secret": self._setting("CLIENT_SECRET"),
            },
        )
        info = self._get_json(self._setting("USERINFO_URL"), token.get("access_token", ""))
        id_number = str(info.get(self._setting("ID_CLAIM", "citizen_id"), ""))
        name = str(info.get(self._setting("NAME_CLAIM", "name"), ""))
        if not id_number:
            raise IdentityError(_("Nhà cung cấp định danh không trả về số định danh cá nhân."))
        return VerifiedIdentity(self.key, id_number, name, str(info.get("phone_number", "")))

    def _post_form(self, url: str, data: dict) -> dict:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _get_json(self, url: str, access_token: str) -> dict:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {access_token}"})
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> dict:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read().decode())
        except (OSError, ValueError) as exc:
            raise IdentityError(
                _("Không kết nối được nhà cung cấp định danh. Hãy thử lại sau ít phút.")
            ) from exc


PROVIDERS: dict[str, type[IdentityProvider]] = {p.key: p for p in (FakeProvider, OidcProvider)}


def enabled_providers() -> list[IdentityProvider]:
    return [PROVIDERS[key]() for key in settings.MOTCUA_IDENTITY_PROVIDERS if key in PROVIDERS]


def provider(key: str) -> IdentityProvider | None:
    return next((p for p in enabled_providers() if p.key == key), None)


def new_state() -> str:
    return secrets.token_urlsafe(24)
