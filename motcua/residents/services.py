"""Residents signing in and filing: every state change of this app, as plain functions.

Sign-in by phone: ``request_code`` sends a 6-digit code by SMS through the notification outbox,
``verify_code`` turns a correct code into a signed-in ``Resident``. Codes are stored hashed, live
five minutes, allow five tries, and are used once (conditional updates, so two tabs racing with
the same code cannot both win). Sending is limited per phone number, per network address and for
the whole site (``code_limits``).
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua import ratelimit
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.identity import validate_personal_id
from motcua.privacy import mask_digits
from motcua.ratelimit import Limit
from motcua.residents.identity import VerifiedIdentity
from motcua.residents.models import AssistedSubmission, OneTimeCode, Resident
from motcua.residents.phones import normalize_phone

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# At most this many codes per phone in the window, and never two within RESEND_AFTER: enough for
# a resident whose SMS was slow, too few for anyone to flood a stranger's phone.
MAX_CODES_PER_WINDOW = 3
CODE_WINDOW = timedelta(minutes=15)
RESEND_AFTER = timedelta(seconds=30)
HOUR = timedelta(hours=1)


def code_limits(phone: str, address: str) -> list[tuple[Limit, str]]:
    """Every limit a code request counts against, the phone's first (``motcua.ratelimit``):
    one per phone per ``RESEND_AFTER``, ``MAX_CODES_PER_WINDOW`` per phone per ``CODE_WINDOW``,
    and hourly budgets per network address and for the whole site (settings), which stop one
    machine, or many, from spending the site's SMS on thousands of numbers."""
    limits = [
        (
            Limit(
                "sms-resend",
                1,
                RESEND_AFTER,
                _("Mã vừa được gửi. Vui lòng chờ %(wait)s rồi yêu cầu lại."),
            ),
            phone,
        ),
        (
            Limit(
                "sms-phone",
                MAX_CODES_PER_WINDOW,
                CODE_WINDOW,
                _("Đã gửi quá nhiều mã đến số này. Vui lòng thử lại sau %(wait)s."),
            ),
            phone,
        ),
    ]
    if address:
        address_budget = Limit(
            "sms-address",
            settings.MOTCUA_SMS_CODES_PER_ADDRESS_PER_HOUR,
            HOUR,
            _(
                "Đã có quá nhiều yêu cầu mã đăng nhập từ địa chỉ mạng này. Vui lòng thử lại sau "
                "%(wait)s."
            ),
        )
        limits.append((address_budget, address))
    site_budget = Limit(
        "sms-site",
        settings.MOTCUA_SMS_CODES_PER_HOUR,
        HOUR,
        _("Hệ thống đang nhận quá nhiều yêu cầu mã đăng nhập. Vui lòng thử lại sau %(wait)s."),
    )
    limits.append((site_budget, "site"))
    return limits


# The ``SignInError`` code of each limit's refusal (clients of the portal API read it).
REFUSAL_CODES = {
    "sms-resend": "wait",
    "sms-phone": "too_many",
    "sms-address": "too_many_from_address",
    "sms-site": "busy",
}


class SignInError(Exception):
    def __init__(self, message: str, code: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after  # seconds, when a limit refused (Retry-After)


def _hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(raw_phone: str, *, address: str = "", at: datetime | None = None) -> OneTimeCode:
    """Send a sign-in code to the phone; ``address`` is the asker's network address. Raises
    ValidationError for a malformed number and SignInError when codes were asked for too often
    (``code_limits``; a refused request counts against none of them and sends nothing)."""
    at = at or timezone.now()
    phone = normalize_phone(raw_phone)  # counted in its one normal form, however it was typed
    try:
        ratelimit.hit(*code_limits(phone, address), at=at)
    except ratelimit.Refused as refused:
        raise SignInError(
            refused.message, REFUSAL_CODES[refused.limit.scope], retry_after=refused.retry_after
        ) from None
    code = f"{secrets.randbelow(10**6):06d}"
    from motcua.notify.services import enqueue  # the outbox; imported late to keep apps apart

    with transaction.atomic():
        otp = OneTimeCode.objects.create(
            phone=phone, code_hash=_hash(phone, code), created_at=at, expires_at=at + CODE_LIFETIME
        )
        enqueue(
            "sms",
            phone,
            _("motcua: mã đăng nhập của bạn là %(code)s, hiệu lực 5 phút. Không đưa mã cho ai.")
            % {"code": code},
            dedupe_key=f"otp:{otp.pk}",
            redact_after_send=True,
        )
    log.info("sign-in code sent to %s", mask_digits(phone))
    return otp


def verify_code(raw_phone: str, code: str, *, at: datetime | None = None) -> Resident:
    """The resident behind a correct, fresh, unused code (created on first sign-in)."""
    at = at or timezone.now()
    phone = normalize_phone(raw_phone)
    code = (code or "").strip().replace(" ", "")
    otp = OneTimeCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=at).first()
    if otp is None:
        raise SignInError(_("Mã đã hết hạn hoặc chưa được gửi. Hãy yêu cầu mã mới."), "expired")
    # Count the try before comparing, with a conditional update, so parallel guesses all count.
    counted = OneTimeCode.objects.filter(pk=otp.pk, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise SignInError(_("Nhập sai quá nhiều lần. Hãy yêu cầu mã mới."), "locked")
    if not hmac.compare_digest(otp.code_hash, _hash(phone, code)):
        raise SignInError(_("Mã không đúng. Kiểm tra tin nhắn và nhập lại 6 chữ số."), "wrong")
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=at):
        raise SignInError(_("Mã này đã được dùng. Hãy yêu cầu mã mới."), "used")
    resident, _created = _get_or_create(phone=phone)
    return _touch(resident, at)


def sign_in_verified(identity: VerifiedIdentity, *, at: datetime | None = None) -> Resident:
    """The resident an identity provider vouched for; their ID number becomes verified."""
    at = at or timezone.now()
    id_number = validate_personal_id(identity.id_number)
    resident = Resident.objects.filter(verified_id_number=id_number).first()
    if resident is None:
        phone = _phone_or_none(identity.phone)
        taken = phone and Resident.objects.filter(phone=phone).first()
        if taken and not taken.verified_id_number:
            # The same person signed in by phone before: join the two ways into one account.
            resident = taken
        else:
            resident = Resident(phone=None if taken else phone)
        resident.verified_id_number = id_number
    resident.verified_by = identity.provider
    resident.full_name = identity.full_name or resident.full_name
    resident.save()
    return _touch(resident, at)


def _phone_or_none(raw: str) -> str | None:
    try:
        return normalize_phone(raw) if raw else None
    except ValidationError:
        return None


def _get_or_create(**lookup) -> tuple[Resident, bool]:
    try:
        with transaction.atomic():
            return Resident.objects.get_or_create(**lookup)
    except IntegrityError:  # a parallel first sign-in created it
        return Resident.objects.get(**lookup), False


def _touch(resident: Resident, at: datetime) -> Resident:
    Resident.objects.filter(pk=resident.pk).update(last_signed_in_at=at)
    resident.last_signed_in_at = at
    return resident


# --------------------------------------------------------------------------- filing


CONSENT_TEXT_VI = (
    "Tôi đồng ý để người hỗ trợ có tên dưới đây thay mặt tôi nộp hồ sơ trực tuyến này, dùng "
    "thông tin và giấy tờ tôi đã cung cấp. Tôi đã được đọc lại nội dung hồ sơ trước khi nộp. "
    "Kết quả và thông báo về hồ sơ được gửi đến số điện thoại của tôi."
)


@dataclass(frozen=True)
class AssistedConsent:
    given_by: str
    text: str = CONSENT_TEXT_VI


def submit_assisted(
    *, helper, consent: AssistedConsent, at: datetime | None = None, **filing
) -> Dossier:
    """A volunteer or officer files online on a resident's behalf; the consent is stored with the
    dossier in the same transaction, so there is no assisted dossier without it."""
    at = at or timezone.now()
    if not (consent.given_by or "").strip():
        raise ValidationError({"consent_given_by": [_("Ghi họ tên người dân đã đồng ý.")]})
    with transaction.atomic():
        dossier = dossier_services.submit_online(at=at, assisted_by=helper, **filing)
        AssistedSubmission.objects.create(
            dossier=dossier,
            assisted_by=helper,
            at=at,
            consent_text=consent.text,
            consent_given_by=consent.given_by.strip(),
        )
    return dossier


# --------------------------------------------------------------------------- API tokens

# Apps and kiosks sign in once and keep the token: long enough not to ask for an SMS code every
# week, short enough that a lost phone's token dies on its own.
TOKEN_LIFETIME = timedelta(days=30)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()  # as ``accounts.models.hash_token``


def issue_token(resident: Resident, *, at: datetime | None = None) -> str:
    """A new bearer token for the portal API; the raw value is returned once and only its
    SHA-256 is stored (like the staff ``accounts.ApiToken``)."""
    at = at or timezone.now()
    raw = "mcr_" + secrets.token_urlsafe(32)
    resident.api_tokens.create(
        key_hash=_token_hash(raw), created_at=at, expires_at=at + TOKEN_LIFETIME
    )
    log.info("portal token issued to resident #%s", resident.pk)
    return raw


def revoke_token(raw: str) -> bool:
    """Revoke a token (signing out); False when it was unknown or already revoked."""
    from motcua.residents.models import ResidentToken

    live = ResidentToken.objects.filter(key_hash=_token_hash(raw or ""), revoked=False)
    return bool(live.update(revoked=True))


def resident_for_token(raw: str, *, at: datetime | None = None) -> Resident | None:
    """The resident behind a live token (known, not revoked, not expired), noting its use."""
    from motcua.residents.models import ResidentToken

    at = at or timezone.now()
    token = (
        ResidentToken.objects.select_related("resident")
        .filter(key_hash=_token_hash(raw or ""), revoked=False, expires_at__gt=at)
        .first()
    )
    if token is None:
        return None
    ResidentToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.resident
