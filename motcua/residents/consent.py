"""The citizen's side of consent to reuse their stored papers at the counter (ADR 0024).

The document store (``docstore.consent``) issues and checks the codes; this app knows the
citizen's verified account and its phone, and the notification outbox sits between the two, so
sending the SMS is done here.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.docstore import consent
from motcua.notify.services import enqueue
from motcua.privacy import mask_digits
from motcua.residents.models import Resident


def verified_phone(owner: str) -> str:
    """The phone on the account whose ID number an identity provider verified, or ""."""
    resident = (
        Resident.objects.filter(verified_id_number=owner, phone__isnull=False).only("phone").first()
    )
    return resident.phone if resident else ""


def send_reuse_code(*, owner: str, officer, intake, at=None) -> str:
    """Send the citizen a code, by SMS to the phone on their verified account, that lets this
    officer see their store for this intake once they read it out. Returns the phone, masked,
    for the officer to say where the code went. Raises ``consent.ConsentRefused`` (recorded)
    when there is no such phone or codes were asked for too often."""
    at = at or timezone.now()
    phone = verified_phone(owner)
    if not phone:
        refusal = consent.ConsentRefused(
            _(
                "Công dân chưa có tài khoản định danh điện tử có số điện thoại trên cổng dịch vụ "
                "công, nên không gửi được mã. Công dân có thể đăng nhập bằng VNeID và tạo mã "
                "trong “Giấy tờ của tôi”; nếu không, nhận giấy tờ bản giấy."
            ),
            "no_phone",
        )
        consent.refuse_to_send(refusal, owner=owner, officer=officer, at=at)
    commune = getattr(officer.commune, "name", "")

    def send(grant, code):
        enqueue(
            "sms",
            phone,
            _(
                "motcua: mã %(code)s cho phép cán bộ một cửa %(commune)s xem giấy tờ của bạn trong "
                "kho dữ liệu cho lần tiếp nhận này, hiệu lực 10 phút. Chỉ đọc mã cho cán bộ đang "
                "tiếp nhận hồ sơ của bạn."
            )
            % {"code": code, "commune": commune},
            dedupe_key=f"reuse:{grant.pk}",
            at=at,
            redact_after_send=True,
        )

    consent.issue_sms_code(owner=owner, officer=officer, intake=intake, send=send, at=at)
    return mask_digits(phone)


def make_share_code(resident: Resident, *, at=None):
    """A code the verified resident shows the officer; ``(grant, code)``. Refused (ValueError)
    for an account whose ID number no identity provider verified: its store is not open."""
    if not resident.verified_id_number:
        raise ValueError("only a verified resident has a store to share")
    return consent.issue_share_code(owner=resident.verified_id_number, at=at)
