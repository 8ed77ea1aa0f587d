"""A citizen's consent to reuse their stored papers at one intake (docs/decisions/0024).

An officer sees a citizen's store only under a live ``ReuseGrant``: the citizen's consent for one
intake (one officer, one commune, one ID number, a short time), proven by a one-time code that only
the citizen can have. Two ways to get the code:

- ``issue_sms_code``: the officer asks, and the code goes by SMS to the phone on the citizen's
  verified account (``residents.consent.send_reuse_code`` finds the phone and queues the SMS; this
  app sits below both). The code is bound at once to that officer, commune and intake.
- ``issue_share_code``: the citizen, signed in with a verified identity, makes a code on the portal
  and shows it; it is bound to the first officer who enters it correctly.

``redeem`` turns a correct code into a grant. Codes are 6 digits, kept only as a keyed hash, live
``CODE_LIFETIME``, are used once (a conditional update, so two officers cannot both win), and
allow ``MAX_ATTEMPTS`` tries in all: every wrong guess counts on each code it could have matched,
and a code that reaches the limit is void. A grant lives ``GRANT_LIFETIME`` and ends as soon as the
intake's dossier is received (``close_intake``).

Every look-up, code and grant is written to ``StoreAccess`` (``record``) and logged, the number
masked. These tables never hold the number in clear: ``owner_digest`` (HMAC with the secret key)
finds the rows of one number, ``mask_digits`` shows it.
"""

import hashlib
import hmac
import logging
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.docstore import queries
from motcua.docstore.models import (
    AccessEvent,
    ConsentChannel,
    ReuseGrant,
    StoreAccess,
    StoredDocument,
)
from motcua.privacy import mask_digits

logger = logging.getLogger(__name__)

# Long enough for a slow SMS and a citizen finding their phone; short enough that a code read
# aloud at a busy counter is worthless a little later.
CODE_LIFETIME = timedelta(minutes=10)
# One intake at the counter takes a few minutes to half an hour; the grant ends earlier, when the
# dossier is received.
GRANT_LIFETIME = timedelta(minutes=30)
# Tries in all across the codes a guess could match: 5 in a million for a 6-digit code.
MAX_ATTEMPTS = 5
# Codes by SMS: never two within SMS_RESEND_AFTER for one citizen, at most SMS_PER_OWNER in
# SMS_WINDOW, and at most SMS_PER_OFFICER_PER_HOUR from one officer, so nobody's phone is flooded
# and no officer fishes through many citizens.
SMS_RESEND_AFTER = timedelta(seconds=60)
SMS_WINDOW = timedelta(minutes=15)
SMS_PER_OWNER = 3
SMS_PER_OFFICER_PER_HOUR = 20


class ConsentRefused(Exception):
    """No consent: ``message`` says why and what to do, in the officer's words; ``code`` names
    the reason (``malformed``, ``wrong``, ``locked``, ``expired``, ``used``, ``elsewhere``,
    ``no_code``, ``wait``, ``too_many``, ``officer_budget``, ``no_phone``, ``no_intake``,
    ``no_grant``, ``not_verified``)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Owner:
    """A store's owner as these tables know them: a keyed digest and a masked number."""

    digest: str
    masked: str


@dataclass(frozen=True)
class StoreView:
    """What an officer may see of one number's store at one intake: the valid documents under a
    live grant; without one, only whether there is anything to ask consent for."""

    grant: ReuseGrant | None
    documents: list[StoredDocument]
    has_papers: bool


# --------------------------------------------------------------------------- numbers and codes


def owner_digest(number: str, *, key: str | None = None) -> str:
    """A keyed digest of an owner's number: it finds the rows of one number without keeping the
    number, and cannot be reversed by trying all 10^12 numbers without the secret key."""
    key = key if key is not None else settings.SECRET_KEY
    message = f"motcua.docstore.owner:{number}".encode()
    return hmac.new(str(key).encode(), message, hashlib.sha256).hexdigest()


def owner_digests(number: str) -> list[str]:
    """The digests of a number under the secret key and its fallbacks, so rows written before a
    key rotation are still found."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [owner_digest(number, key=key) for key in keys]


def _owner(number: str) -> tuple[str, Owner]:
    owner = queries.owner_key(number)
    if not owner:
        raise ConsentRefused(_("Số định danh chưa đúng: nhập đủ 12 chữ số."), "malformed")
    return owner, Owner(owner_digest(owner), mask_digits(owner))


def _code_hash(digest: str, code: str) -> str:
    message = f"motcua.docstore.reuse:{digest}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def clean_code(raw: object) -> str:
    """The 6 digits of a code as typed or read aloud ("123 456", full-width digits), or
    ConsentRefused. A malformed code is no guess and does not count as a try."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    digits = "".join(ch for ch in text if not ch.isspace() and ch not in "-.")
    if len(digits) != 6 or not (digits.isascii() and digits.isdigit()):
        raise ConsentRefused(
            _("Mã gồm đúng 6 chữ số. Nhập lại mã công dân đọc cho bạn."), "malformed"
        )
    return digits


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def as_intake(value: object) -> uuid.UUID | None:
    """The intake a form names (a UUID the intake page made), or None."""
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


# --------------------------------------------------------------------------- the audit trail


def record(
    event: str,
    owner: Owner,
    *,
    at: datetime,
    officer=None,
    grant: ReuseGrant | None = None,
    intake: uuid.UUID | None = None,
    detail: str = "",
) -> StoreAccess:
    """Add one row to the audit trail and one log line, the number masked. Rows are only added."""
    entry = StoreAccess.objects.create(
        at=at,
        event=event,
        owner_digest=owner.digest,
        owner_masked=owner.masked,
        officer=officer,
        commune_id=getattr(officer, "commune_id", None),
        grant=grant,
        intake=intake,
        detail=str(detail)[:200],
    )
    logger.info(
        "docstore consent: %s, owner %s, officer %s (commune %s), grant %s%s",
        event,
        owner.masked,
        getattr(officer, "pk", None),
        entry.commune_id,
        getattr(grant, "pk", None),
        f", {detail}" if detail else "",
    )
    return entry


def _refuse(error: ConsentRefused, owner: Owner, *, at, officer=None, intake=None, event=None):
    record(
        event or AccessEvent.CODE_REFUSED,
        owner,
        at=at,
        officer=officer,
        intake=intake,
        detail=error.code,
    )
    raise error


def refuse_to_send(error: ConsentRefused, *, owner: str, officer, at: datetime | None = None):
    """Record that no code could be sent (e.g. the citizen has no verified phone) and raise."""
    _number, who = _owner(owner)
    _refuse(error, who, at=at or timezone.now(), officer=officer, event=AccessEvent.CODE_NOT_SENT)


# --------------------------------------------------------------------------- issuing codes


def issue_sms_code(*, owner: str, officer, intake, send, at: datetime | None = None):
    """A new code for the citizen's verified phone, bound to this officer, commune and intake;
    ``send(grant, code)`` queues the SMS in the same transaction, and ``(grant, code)`` is
    returned. A new code replaces the earlier ones of this intake, so only the newest can be
    entered. Raises ConsentRefused (recorded, outside any transaction of ours) when codes were
    asked for too often."""
    at = at or timezone.now()
    _number, who = _owner(owner)
    intake = as_intake(intake)
    if intake is None or getattr(officer, "commune_id", None) is None:
        _refuse(_no_intake(), who, at=at, officer=officer, event=AccessEvent.CODE_NOT_SENT)
    sent = ReuseGrant.objects.filter(
        channel=ConsentChannel.SMS, owner_digest=who.digest, created_at__gt=at - SMS_WINDOW
    )
    latest = sent.first()
    refusal = None
    if latest is not None and at - latest.created_at < SMS_RESEND_AFTER:
        wait = int((SMS_RESEND_AFTER - (at - latest.created_at)).total_seconds()) + 1
        refusal = ConsentRefused(
            _("Mã vừa được gửi. Chờ %(s)s giây rồi gửi lại nếu công dân chưa nhận được.")
            % {"s": wait},
            "wait",
        )
    elif sent.count() >= SMS_PER_OWNER:
        refusal = ConsentRefused(
            _(
                "Đã gửi quá nhiều mã cho công dân này. Thử lại sau 15 phút, hoặc nhờ công dân "
                "tạo mã trong “Giấy tờ của tôi” trên cổng dịch vụ công."
            ),
            "too_many",
        )
    elif (
        ReuseGrant.objects.filter(
            channel=ConsentChannel.SMS, officer=officer, created_at__gt=at - timedelta(hours=1)
        ).count()
        >= SMS_PER_OFFICER_PER_HOUR
    ):
        refusal = ConsentRefused(
            _("Bạn đã gửi quá nhiều mã trong một giờ. Thử lại sau."), "officer_budget"
        )
    if refusal is not None:
        _refuse(
            refusal, who, at=at, officer=officer, intake=intake, event=AccessEvent.CODE_NOT_SENT
        )
    code = _new_code()
    with transaction.atomic():
        grant = _pending_grant(
            who,
            ConsentChannel.SMS,
            code,
            at=at,
            binding={"officer": officer, "intake": intake},
            commune_id=officer.commune_id,
        )
        send(grant, code)
        record(AccessEvent.CODE_SENT, who, at=at, officer=officer, grant=grant, intake=intake)
    return grant, code


def _pending_grant(who, channel, code: str, *, at, binding: dict, **fields) -> ReuseGrant:
    """A new code waiting to be entered, which replaces the unused codes of the same owner,
    channel and ``binding`` (an SMS code: its officer and intake; a share code: none)."""
    ReuseGrant.objects.filter(
        channel=channel,
        owner_digest=who.digest,
        granted_at__isnull=True,
        voided_at__isnull=True,
        **binding,
    ).update(voided_at=at)
    return ReuseGrant.objects.create(
        owner_digest=who.digest,
        owner_masked=who.masked,
        channel=channel,
        code_hash=_code_hash(who.digest, code),
        created_at=at,
        code_expires_at=at + CODE_LIFETIME,
        **binding,
        **fields,
    )


def issue_share_code(*, owner: str, at: datetime | None = None):
    """A code the citizen makes on the portal and shows to the officer of their choice; returns
    ``(grant, code)``. It replaces the citizen's earlier unused code. Only call it for a citizen
    whose ID number an identity provider verified (the caller knows the account)."""
    at = at or timezone.now()
    _number, who = _owner(owner)
    code = _new_code()
    with transaction.atomic():
        grant = _pending_grant(who, ConsentChannel.SHARE, code, at=at, binding={})
        record(AccessEvent.SHARE_CODE_MADE, who, at=at, grant=grant)
    return grant, code


# --------------------------------------------------------------------------- redeeming


def _no_intake() -> ConsentRefused:
    return ConsentRefused(
        _("Không xác định được lần tiếp nhận. Tải lại trang tiếp nhận rồi thử lại."), "no_intake"
    )


def _redeemable(digest: str, officer, intake, at: datetime) -> QuerySet[ReuseGrant]:
    """The pending codes this officer may redeem at this intake: the citizen's own share codes,
    and the SMS codes sent for this very intake by this officer from this commune."""
    return ReuseGrant.objects.filter(
        Q(channel=ConsentChannel.SHARE, officer__isnull=True)
        | Q(
            channel=ConsentChannel.SMS,
            officer=officer,
            commune_id=officer.commune_id,
            intake=intake,
        ),
        owner_digest=digest,
        granted_at__isnull=True,
        voided_at__isnull=True,
        code_expires_at__gt=at,
        attempts__lt=MAX_ATTEMPTS,
    )


def _why_not(digest: str, wanted: str, at: datetime) -> ConsentRefused | None:
    """Why a code of this citizen that is not redeemable here was refused, or None if the code
    was never issued for this number."""
    same = ReuseGrant.objects.filter(owner_digest=digest, code_hash=wanted).first()
    if same is None:
        return None
    if same.granted_at is not None:
        return ConsentRefused(
            _("Mã này đã được dùng. Mỗi mã chỉ dùng cho một lần tiếp nhận; gửi mã mới."), "used"
        )
    if same.voided_at is not None:
        return ConsentRefused(
            _("Mã này đã bị hủy (đã có mã mới hoặc nhập sai quá nhiều lần). Gửi mã mới."), "void"
        )
    if same.code_expires_at <= at:
        return ConsentRefused(_("Mã đã hết hạn. Gửi mã mới cho công dân."), "expired")
    if same.attempts >= MAX_ATTEMPTS:
        return ConsentRefused(
            _("Nhập sai quá nhiều lần: mã đã bị hủy. Gửi mã mới cho công dân."), "locked"
        )
    return ConsentRefused(
        _("Mã này được gửi cho một lần tiếp nhận khác. Gửi mã mới cho lần tiếp nhận này."),
        "elsewhere",
    )


def redeem(*, owner: str, code: str, officer, intake, at: datetime | None = None) -> ReuseGrant:
    """Turn the code the citizen read out into a grant for this officer and intake, or raise
    ConsentRefused (recorded, with what to do next)."""
    at = at or timezone.now()
    _number, who = _owner(owner)
    intake = as_intake(intake)
    if intake is None or getattr(officer, "commune_id", None) is None:
        _refuse(_no_intake(), who, at=at, officer=officer)
    try:
        code = clean_code(code)
    except ConsentRefused as exc:
        _refuse(exc, who, at=at, officer=officer, intake=intake)
    wanted = _code_hash(who.digest, code)
    pending = list(_redeemable(who.digest, officer, intake, at))
    if not pending:
        refusal = _why_not(who.digest, wanted, at) or ConsentRefused(
            _(
                "Chưa có mã nào đang chờ cho công dân này ở lần tiếp nhận này. Bấm “Gửi mã cho "
                "công dân”, hoặc nhờ công dân tạo mã trong “Giấy tờ của tôi”."
            ),
            "no_code",
        )
        _refuse(refusal, who, at=at, officer=officer, intake=intake)
    # Count the try on every code it could have matched before comparing, with conditional
    # updates, so parallel guesses all count and none gets past the limit.
    counted = [
        g
        for g in pending
        if ReuseGrant.objects.filter(
            pk=g.pk, attempts__lt=MAX_ATTEMPTS, voided_at__isnull=True
        ).update(attempts=F("attempts") + 1)
    ]
    hit = next((g for g in counted if hmac.compare_digest(g.code_hash, wanted)), None)
    if hit is None:
        _void_exhausted(counted, who, at=at, officer=officer, intake=intake)
        _refuse(_wrong(counted, who.digest, wanted, at), who, at=at, officer=officer, intake=intake)
    # Use the code once: two officers entering the same share code cannot both be granted.
    won = (
        ReuseGrant.objects.filter(
            pk=hit.pk, granted_at__isnull=True, voided_at__isnull=True, code_expires_at__gt=at
        )
        .filter(Q(officer__isnull=True) | Q(officer=officer, intake=intake))
        .update(
            granted_at=at,
            expires_at=at + GRANT_LIFETIME,
            officer=officer,
            commune_id=officer.commune_id,
            intake=intake,
        )
    )
    if not won:
        _refuse(
            ConsentRefused(_("Mã này đã được dùng. Gửi mã mới cho công dân."), "used"),
            who,
            at=at,
            officer=officer,
            intake=intake,
        )
    hit.refresh_from_db()
    record(AccessEvent.GRANTED, who, at=at, officer=officer, grant=hit, intake=intake)
    return hit


def _void_exhausted(counted, who: Owner, *, at, officer, intake) -> None:
    exhausted = ReuseGrant.objects.filter(
        pk__in=[g.pk for g in counted], attempts__gte=MAX_ATTEMPTS, voided_at__isnull=True
    )
    for grant in exhausted:
        if ReuseGrant.objects.filter(pk=grant.pk, voided_at__isnull=True).update(voided_at=at):
            record(AccessEvent.VOIDED, who, at=at, officer=officer, grant=grant, intake=intake)


def _wrong(counted, digest: str, wanted: str, at: datetime) -> ConsentRefused:
    """The refusal for a guess that matched none of the codes it was tried on."""
    left = ReuseGrant.objects.filter(
        pk__in=[g.pk for g in counted], voided_at__isnull=True
    ).values_list("attempts", flat=True)
    tries_left = max((MAX_ATTEMPTS - n for n in left), default=0)
    if tries_left <= 0:
        return ConsentRefused(
            _("Nhập sai quá nhiều lần: mã đã bị hủy. Gửi mã mới cho công dân."), "locked"
        )
    known = _why_not(digest, wanted, at)
    if known is not None:
        return known
    return ConsentRefused(
        _("Mã không đúng. Kiểm tra số định danh và mã công dân đọc cho bạn (còn %(n)s lần thử).")
        % {"n": tries_left},
        "wrong",
    )


# --------------------------------------------------------------------------- using a grant


def live_grant(*, owner: str, officer, intake, at: datetime | None = None) -> ReuseGrant | None:
    """The grant that lets this officer see this number's store at this intake now, if any."""
    at = at or timezone.now()
    number = queries.owner_key(owner)
    intake = as_intake(intake)
    if not number or intake is None or getattr(officer, "commune_id", None) is None:
        return None
    return (
        ReuseGrant.objects.filter(
            owner_digest=owner_digest(number),
            officer=officer,
            commune_id=officer.commune_id,
            intake=intake,
            granted_at__isnull=False,
            expires_at__gt=at,
        )
        .order_by("-granted_at")
        .first()
    )


def look_up(*, owner: str, officer, intake, at: datetime | None = None) -> StoreView:
    """What the officer may see of the store of the number typed at this intake, recorded: the
    valid documents under a live grant; otherwise only whether there are any."""
    at = at or timezone.now()
    number, who = _owner(owner)
    intake = as_intake(intake)
    documents = queries.valid_documents(number)
    grant = live_grant(owner=number, officer=officer, intake=intake, at=at)
    if grant is None:
        record(
            AccessEvent.NO_CONSENT,
            who,
            at=at,
            officer=officer,
            intake=intake,
            detail="has_papers" if documents else "empty",
        )
        return StoreView(grant=None, documents=[], has_papers=bool(documents))
    record(
        AccessEvent.LOOKED_UP,
        who,
        at=at,
        officer=officer,
        grant=grant,
        intake=intake,
        detail=str(len(documents)),
    )
    return StoreView(grant=grant, documents=documents, has_papers=bool(documents))


def require_grant(*, owner: str, officer, intake, at: datetime | None = None) -> ReuseGrant:
    """The live grant for reusing this number's papers at this intake, or ConsentRefused."""
    grant = live_grant(owner=owner, officer=officer, intake=intake, at=at)
    if grant is None:
        raise ConsentRefused(
            _(
                "Sự đồng ý của công dân cho lần tiếp nhận này đã hết hạn hoặc chưa có. Gửi mã "
                "mới cho công dân, hoặc bỏ chọn giấy tờ dùng lại."
            ),
            "no_grant",
        )
    return grant


def close_intake(*, officer, intake, at: datetime | None = None) -> int:
    """End the grants of an intake once its dossier is received: a grant serves one intake.
    Returns how many were live."""
    at = at or timezone.now()
    intake = as_intake(intake)
    if intake is None:
        return 0
    closed = 0
    live = ReuseGrant.objects.filter(
        officer=officer, intake=intake, granted_at__isnull=False, expires_at__gt=at
    )
    for grant in live:
        if ReuseGrant.objects.filter(pk=grant.pk, expires_at__gt=at).update(expires_at=at):
            closed += 1
            record(
                AccessEvent.CLOSED,
                Owner(grant.owner_digest, grant.owner_masked),
                at=at,
                officer=officer,
                grant=grant,
                intake=intake,
            )
    return closed


# --------------------------------------------------------------------------- reading the trail


def accesses_in(commune) -> QuerySet[StoreAccess]:
    """The audit trail of one commune's officers, newest first (for its administrator)."""
    return StoreAccess.objects.filter(commune=commune).select_related("officer", "grant")


def accesses_of(owner: str) -> QuerySet[StoreAccess]:
    """Who looked at, asked for or was granted one number's store, newest first (for the
    citizen's own page and for an administrator's search by exact number)."""
    number = queries.owner_key(owner)
    if not number:
        return StoreAccess.objects.none()
    return StoreAccess.objects.filter(owner_digest__in=owner_digests(number)).select_related(
        "commune", "officer"
    )
