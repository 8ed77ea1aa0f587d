"""The only code that talks to the National Public Service Portal (Cổng DVCQG).

Every adapter implements ``PortalAdapter``: push a dossier, push one progress record, fetch the
online dossiers waiting for us. A failure raises ``PortalError``; ``temporary`` says whether the
same request may succeed later (network, timeouts, 5xx) or the portal refused it (bad credentials,
a rejected record) and someone should look. The sync service retries both, the second less often.

``settings.MOTCUA_DVCQG_ADAPTER`` picks the adapter: "fake" (the demo's stand-in, which writes what
it receives to ``FakePortalRecord``) or "http" (``HttpPortalAdapter``, the portal's JSON adapter in
the shape OpenCPS uses; domain.md §16).
"""

import http.client
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.dvcqg.models import FakePortalRecord
from motcua.privacy import mask_text

logger = logging.getLogger(__name__)

PUSH_DOSSIER = "DongBoHoSoMC"
PUSH_PROGRESS = "CapNhatTienDoHoSoMC"
LOOK_UP_DOSSIER = "TraCuuHoSo"
# The portal's name for "online dossiers filed for this unit" is not in the public OpenCPS code;
# it is a setting (MOTCUA_DVCQG_PULL_SERVICE) so a province can use the name its portal gives.
DEFAULT_PULL_SERVICE = "LayDanhSachHoSo"
# What the fake portal calls an online dossier placed on it for a pull to find.
FAKE_ONLINE_DOSSIER = "HoSoNopTrucTuyen"

DEFAULT_TIMEOUT = 20  # seconds per request; a push of one dossier is a few requests
# Words a portal uses when the session token is no longer valid (re-login, then retry once).
_SESSION_WORDS = ("session", "phiên", "token")


class PortalError(Exception):
    """The portal did not accept the request. The message is for logs and the admin; it may
    echo what was sent, so callers mask it (motcua.privacy) before storing or logging it."""

    def __init__(self, message: str, *, temporary: bool = True):
        super().__init__(message)
        self.message = message
        self.temporary = temporary


class PortalAdapter:
    """The interface every portal adapter implements."""

    def push_dossier(self, payload: dict) -> None:
        """Insert or update one dossier (``payloads.dossier_payload``)."""
        raise NotImplementedError

    def push_progress(self, payload: dict) -> None:
        """Add one processing step to a dossier's history (``payloads.progress_payload``)."""
        raise NotImplementedError

    def fetch_online_dossiers(self) -> list[dict]:
        """Online dossiers filed on the portal for us, in the portal's field names."""
        raise NotImplementedError


def get_adapter() -> PortalAdapter:
    """A new adapter as configured in settings (see the decision record 0011 for each setting)."""
    kind = getattr(settings, "MOTCUA_DVCQG_ADAPTER", "fake")
    if kind == "fake":
        return FakePortalAdapter()
    if kind == "http":
        url = getattr(settings, "MOTCUA_DVCQG_URL", "")
        if not url:
            raise ImproperlyConfigured(
                "MOTCUA_DVCQG_ADAPTER is 'http' but MOTCUA_DVCQG_URL is empty"
            )
        return HttpPortalAdapter(
            base_url=url,
            username=getattr(settings, "MOTCUA_DVCQG_USERNAME", ""),
            password=getattr(settings, "MOTCUA_DVCQG_PASSWORD", ""),
            unit_code=getattr(settings, "MOTCUA_DVCQG_UNIT_CODE", ""),
            login_path=getattr(settings, "MOTCUA_DVCQG_LOGIN_PATH", "login"),
            service_path=getattr(settings, "MOTCUA_DVCQG_SERVICE_PATH", "service"),
            pull_service=getattr(settings, "MOTCUA_DVCQG_PULL_SERVICE", DEFAULT_PULL_SERVICE),
            timeout=float(getattr(settings, "MOTCUA_DVCQG_TIMEOUT", DEFAULT_TIMEOUT)),
            dstcode=getattr(settings, "MOTCUA_DVCQG_DSTCODE", ""),
        )
    raise ImproperlyConfigured(f"MOTCUA_DVCQG_ADAPTER must be 'fake' or 'http', not {kind!r}")


# --------------------------------------------------------------------------- the demo stand-in


class FakePortalAdapter(PortalAdapter):
    """The demo's portal: accepts everything and writes it down, so a visitor can see in the admin
    exactly what would have been sent. Hands out the online dossiers placed on it with
    ``place_online_dossier`` (none unless someone placed them)."""

    def push_dossier(self, payload: dict) -> None:
        self._record(PUSH_DOSSIER, payload)

    def push_progress(self, payload: dict) -> None:
        self._record(PUSH_PROGRESS, payload)

    def fetch_online_dossiers(self) -> list[dict]:
        rows = FakePortalRecord.objects.filter(service=FAKE_ONLINE_DOSSIER).order_by("id")
        return [row.payload for row in rows]

    @staticmethod
    def place_online_dossier(payload: dict) -> FakePortalRecord:
        """Put an online dossier on the fake portal, as if a resident had filed it there."""
        return FakePortalRecord.objects.create(
            service=FAKE_ONLINE_DOSSIER, dossier_code=payload.get("MaHoSo", ""), payload=payload
        )

    @staticmethod
    def _record(service: str, payload: dict) -> None:
        FakePortalRecord.objects.create(
            service=service, dossier_code=payload.get("MaHoSo", ""), payload=payload
        )


# --------------------------------------------------------------------------- the real portal


class _SessionExpired(Exception):
    pass


class HttpPortalAdapter(PortalAdapter):
    """The portal's JSON adapter, as OpenCPS talks to it (domain.md §16).

    Log in with the unit's credentials (``{username, password}`` to the login address) to get a
    session token; then every request is a POST of ``{session, madonvi, service, ...}`` to the
    service address. Success is ``error_code == 0`` and the data is in ``result[]``. The session
    is kept for the adapter's life and renewed once when the portal says it expired. Only the
    standard library, so nothing new to install or audit.
    """

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        unit_code: str = "",
        login_path: str = "login",
        service_path: str = "service",
        pull_service: str = DEFAULT_PULL_SERVICE,
        timeout: float = DEFAULT_TIMEOUT,
        dstcode: str = "",
    ):
        self.login_url = _join(base_url, login_path)
        self.service_url = _join(base_url, service_path)
        self.username = username
        self.password = password
        self.unit_code = unit_code
        self.pull_service = pull_service
        self.timeout = timeout
        self.dstcode = dstcode
        self._session: str | None = None

    def push_dossier(self, payload: dict) -> None:
        # The portal wants to be told whether this is a new dossier or an update; it has no
        # upsert, so look the code up first (as OpenCPS does).
        exists = bool(self.call(LOOK_UP_DOSSIER, MaHoSo=payload["MaHoSo"]))
        self.call(PUSH_DOSSIER, isUpdating="True" if exists else "False", data=[payload])

    def push_progress(self, payload: dict) -> None:
        self.call(PUSH_PROGRESS, data=[payload])

    def fetch_online_dossiers(self) -> list[dict]:
        return [row for row in self.call(self.pull_service) if isinstance(row, dict)]

    def call(self, service: str, **fields) -> list:
        """One service request; returns its ``result`` list. Raises PortalError."""
        if self._session is None:
            self._login()
        try:
            return self._service(service, fields)
        except _SessionExpired:
            logger.info("DVCQG session expired during %s; logging in again", service)
            self._login()
            try:
                return self._service(service, fields)
            except _SessionExpired as exc:
                raise PortalError(
                    f"{service}: the portal refused a fresh session", temporary=False
                ) from exc

    def _service(self, service: str, fields: dict) -> list:
        body = {"session": self._session, "madonvi": self.unit_code, "service": service, **fields}
        reply = self._post(self.service_url, body, service)
        if not _ok(reply):
            message = _message(reply)
            if any(word in message.lower() for word in _SESSION_WORDS):
                raise _SessionExpired(message)
            raise PortalError(
                f"{service}: error_code {reply.get('error_code')!r} {message}".strip(),
                temporary=False,
            )
        result = reply.get("result") or []
        return result if isinstance(result, list) else [result]

    def _login(self) -> None:
        self._session = None
        try:
            reply = self._post(
                self.login_url, {"username": self.username, "password": self.password}, "login"
            )
        except _SessionExpired as exc:
            raise PortalError("login: the portal refused the credentials", temporary=False) from exc
        session = reply.get("session")
        if not _ok(reply) or not session:
            raise PortalError(
                f"login: error_code {reply.get('error_code')!r} {_message(reply)}".strip(),
                temporary=False,
            )
        self._session = str(session)

    def _post(self, url: str, body: dict, service: str) -> dict:
        request = urllib.request.Request(
            url,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
            },
        )
        if self.dstcode:
            request.add_header("dstcode", self.dstcode)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise _SessionExpired(f"HTTP {exc.code}") from exc
            # 408, 429 and 5xx may pass; any other 4xx means the request itself is wrong.
            temporary = exc.code >= 500 or exc.code in (408, 429)
            raise PortalError(f"{service}: HTTP {exc.code}", temporary=temporary) from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise PortalError(
                f"{service}: cannot reach the portal ({mask_text(str(reason))})", temporary=True
            ) from exc
        try:
            reply = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PortalError(f"{service}: the reply is not JSON", temporary=True) from exc
        if not isinstance(reply, dict):
            raise PortalError(f"{service}: unexpected reply", temporary=True)
        return reply


def _join(base: str, path: str) -> str:
    if not path:
        return base
    return base.rstrip("/") + "/" + path.lstrip("/")


def _ok(reply: dict) -> bool:
    # OpenCPS reads error_code both as the number 0 and as the string "00".
    try:
        return int(str(reply.get("error_code")).strip()) == 0
    except ValueError:
        return False


def _message(reply: dict) -> str:
    for key in ("message", "error_message", "msg", "error"):
        if reply.get(key):
            return str(reply[key])[:300]
    return ""
