"""Channel adapters: the only code that talks to SMS gateways, mail servers and Zalo.

Every adapter has one method, ``send(message) -> provider_id``. It returns the provider's id for
the accepted message, or raises ``TemporaryFailure`` (try again later: timeouts, 5xx, rate limits)
or ``PermanentFailure`` (retrying cannot help: a malformed number, a rejected request). Which class
serves which channel is chosen in ``settings.MOTCUA_NOTIFY_ADAPTERS`` (channel → dotted path).

Adapters receive the outbox row and send ``message.uuid`` as the idempotency key where the
provider accepts one, so a retry after a worker died mid-send can be dropped by the provider.
Anything they log or write to a file is masked (motcua.privacy); only the console adapter prints
the body in clear, because a demo user must be able to read a one-time code from it.
"""

import json
import re
import smtplib
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from motcua.notify.models import Channel, Message
from motcua.privacy import mask_digits, mask_email, mask_text

DEFAULT_HTTP_TIMEOUT = 10  # seconds; well inside the worker's lease (services.LEASE)


class DeliveryError(Exception):
    """The provider did not accept the message."""


class TemporaryFailure(DeliveryError):
    """Try again later: the provider or the network may recover."""


class PermanentFailure(DeliveryError):
    """Do not try again: the provider refused this message for good."""


class Adapter:
    """The interface every channel adapter implements."""

    def send(self, message: Message) -> str:
        raise NotImplementedError


def adapter_for(channel: str) -> Adapter:
    """A new adapter for ``channel``, as configured in ``settings.MOTCUA_NOTIFY_ADAPTERS``."""
    path = settings.MOTCUA_NOTIFY_ADAPTERS.get(channel)
    if not path:
        raise ImproperlyConfigured(f"MOTCUA_NOTIFY_ADAPTERS has no adapter for {channel!r}")
    return import_string(path)()


def masked_recipient(message: Message) -> str:
    if message.channel == Channel.EMAIL:
        return mask_email(message.recipient)
    return mask_digits(re.sub(r"\D", "", message.recipient))


def vn_msisdn(phone: str) -> str:
    """``0912 345 678`` / ``+84912345678`` → ``84912345678``, the form gateways and Zalo expect.

    Only mobile numbers (03x, 05x, 07x, 08x, 09x) can receive SMS or Zalo; anything else is a
    permanent failure.
    """
    digits = re.sub(r"[\s().+-]", "", phone or "")
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not re.fullmatch(r"84[35789]\d{8}", digits):
        raise PermanentFailure(f"not a Vietnamese mobile number: {mask_digits(digits)}")
    return digits


# --------------------------------------------------------------------------- demo adapters


class ConsoleAdapter(Adapter):
    """Prints each message as a block on standard output, for the demo: the recipient masked,
    the body in clear (a demo user reads the one-time code from here)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: Message) -> str:
        rule = "─" * 64
        lines = [
            rule,
            _("%(channel)s gửi %(recipient)s")
            % {"channel": message.get_channel_display(), "recipient": masked_recipient(message)},
        ]
        if message.subject:
            lines.append(_("Tiêu đề: %(subject)s") % {"subject": message.subject})
        lines += ["", message.body, rule]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        return f"console:{message.uuid}"


class FileAdapter(Adapter):
    """Appends one JSON line per message to a file (``settings.MOTCUA_NOTIFY_FILE``, by default
    ``STATE_DIR/outbox.jsonl``): a mailbox for demos and tests. The file is a log, so the
    recipient and any number in the body are masked."""

    # One append at a time within a process, so lines from several threads never interleave.
    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None):
        configured = getattr(settings, "MOTCUA_NOTIFY_FILE", None)
        self.path = Path(path or configured or Path(settings.STATE_DIR) / "outbox.jsonl")

    def send(self, message: Message) -> str:
        line = json.dumps(
            {
                "uuid": str(message.uuid),
                "channel": message.channel,
                "recipient": masked_recipient(message),
                "subject": mask_text(message.subject),
                "body": mask_text(message.body),
                "written_at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            raise TemporaryFailure(f"cannot write {self.path}: {exc.strerror}") from exc
        return f"file:{message.uuid}"


# --------------------------------------------------------------------------- e-mail


class EmailAdapter(Adapter):
    """Sends through Django's configured e-mail backend (``EMAIL_BACKEND``, SMTP in production).

    The Message-ID is derived from the outbox uuid, so a retried message carries the same id and
    mail systems that de-duplicate by Message-ID drop the second copy.
    """

    def send(self, message: Message) -> str:
        message_id = f"<{message.uuid}@motcua>"
        email = mail.EmailMessage(
            subject=message.subject or _("Thông báo từ bộ phận một cửa"),
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        try:
            email.send(fail_silently=False)
        except Exception as exc:  # smtplib and socket errors, whatever the backend raises
            raise _email_failure(exc) from exc
        return message_id


def _email_failure(exc: Exception) -> DeliveryError:
    """SMTP 5xx replies and refused recipients are permanent; the rest (4xx, connection
    trouble) may pass."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            return PermanentFailure(f"recipient refused (SMTP {codes[0]})")
        return TemporaryFailure(f"recipient deferred (SMTP {codes[0]})")
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
        return kind(f"SMTP {exc.smtp_code}")
    return TemporaryFailure(f"{type(exc).__name__}: {mask_text(str(exc))[:200]}")


# --------------------------------------------------------------------------- HTTP gateways


def post_json(url: str, payload: dict, headers: dict[str, str], timeout: float) -> dict:
    """POST ``payload`` as JSON and return the JSON answer (``{}`` if the body is empty).

    5xx, 408, 429, timeouts and connection errors raise TemporaryFailure; other 4xx raise
    PermanentFailure. Error texts never include the request body (it holds the phone number).
    """
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = mask_text(exc.read(300).decode("utf-8", "replace"))
        kind = TemporaryFailure if exc.code >= 500 or exc.code in (408, 429) else PermanentFailure
        raise kind(f"HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TemporaryFailure(f"{type(exc).__name__}: {reason}") from exc
    if not raw.strip():
        return {}
    try:
        answer = json.loads(raw)
    except ValueError:
        # Accepted (2xx) but unreadable: the message was most likely taken, and retrying would
        # risk a duplicate, so it counts as sent; the uuid we sent is then the only handle.
        return {}
    return answer if isinstance(answer, dict) else {}


def _required_setting(name: str) -> str:
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} is not set")
    return value


def _timeout() -> float:
    return float(getattr(settings, "MOTCUA_NOTIFY_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT))


class SmsHttpAdapter(Adapter):
    """A generic SMS gateway that takes one JSON POST per message.

    Request to ``MOTCUA_SMS_URL`` with ``Authorization: Bearer MOTCUA_SMS_TOKEN`` and
    ``Idempotency-Key: <uuid>``::

        {"to": "84912345678", "text": "...", "client_ref": "<uuid>"}

    A 2xx answer is success; the provider's id is read from ``id`` or ``message_id`` (the uuid is
    kept otherwise). Vietnamese text is sent as is (Unicode SMS).
    """

    def __init__(self):
        self.url = _required_setting("MOTCUA_SMS_URL")
        self.token = _required_setting("MOTCUA_SMS_TOKEN")
        self.timeout = _timeout()

    def send(self, message: Message) -> str:
        key = str(message.uuid)
        answer = post_json(
            self.url,
            {"to": vn_msisdn(message.recipient), "text": message.body, "client_ref": key},
            {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
            self.timeout,
        )
        return str(answer.get("id") or answer.get("message_id") or key)


# Zalo's own table says -100 ("unknown error") should be retried later; every other non-zero
# code is about the request, the template or the account, which a retry does not change.
ZNS_TEMPORARY_ERRORS = frozenset({-100})


class ZaloZnsAdapter(Adapter):
    """Zalo Notification Service: a template message to the Zalo account of a phone number.

    POST ``MOTCUA_ZALO_URL`` (e.g. ``https://business.openapi.zalo.me/message/template``) with
    header ``access_token: MOTCUA_ZALO_TOKEN``::

        {"phone": "84912345678", "template_id": MOTCUA_ZALO_TEMPLATE_ID,
         "template_data": {...}, "tracking_id": "<uuid hex>"}

    ``template_data`` is ``message.data`` (the parameters of the registered template); a message
    without any is sent as ``{"content": body}``, which needs a template with a single
    ``content`` parameter. Zalo answers HTTP 200 with ``{"error": 0, "data": {"msg_id": ...}}``;
    a non-zero ``error`` is a failure.
    """

    def __init__(self):
        self.url = _required_setting("MOTCUA_ZALO_URL")
        self.token = _required_setting("MOTCUA_ZALO_TOKEN")
        self.template_id = _required_setting("MOTCUA_ZALO_TEMPLATE_ID")
        self.timeout = _timeout()

    def send(self, message: Message) -> str:
        answer = post_json(
            self.url,
            {
                "phone": vn_msisdn(message.recipient),
                "template_id": self.template_id,
                "template_data": message.data or {"content": message.body},
                "tracking_id": message.uuid.hex,
            },
            {"access_token": self.token},
            self.timeout,
        )
        error = answer.get("error", 0)
        if error:
            kind = TemporaryFailure if error in ZNS_TEMPORARY_ERRORS else PermanentFailure
            raise kind(f"ZNS error {error}: {mask_text(str(answer.get('message', '')))[:200]}")
        data = answer.get("data") or {}
        return str(data.get("msg_id") or message.uuid.hex)
