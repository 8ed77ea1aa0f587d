"""Signed addresses that stand in for a login: a ticket's live page and a centre's kiosk.

    ticket_url(ticket)   -> https://…/so-thu-tu/<token>/   (the QR on the slip, the SMS link)
    kiosk_url(center)    -> https://…/kiosk/<token>/       (opened once on the kiosk's browser)

Tokens are ``django.core.signing`` signed objects with salts of their own and no timestamp: the
same ticket always has the same address, so the slip's QR, the SMS link and the page agree. They
do not expire; the nonce and the kiosk key are what revoke them. A ticket token names the ticket
and its nonce: whoever holds the slip may follow and cancel that one number. A kiosk token names
the centre and its ``kiosk_key``; changing the key in the admin revokes every kiosk link at once.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.queueing import errors
from motcua.queueing.errors import QueueError
from motcua.queueing.models import QueueSettings, Ticket

TICKET_SALT = "motcua.queueing.ticket"
KIOSK_SALT = "motcua.queueing.kiosk"


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt)  # reads SECRET_KEY (and its fallbacks) when called


def ticket_token(ticket: Ticket) -> str:
    return _signer(TICKET_SALT).sign_object({"t": ticket.pk, "n": ticket.token_nonce})


def ticket_path(ticket: Ticket) -> str:
    return reverse("queueing:ticket", args=[ticket_token(ticket)])


def ticket_url(ticket: Ticket) -> str:
    return settings.PUBLIC_BASE_URL + ticket_path(ticket)


def open_ticket(token: str) -> Ticket:
    try:
        claims = _signer(TICKET_SALT).unsign_object(token)
        pk, nonce = int(claims["t"]), str(claims["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise _invalid_ticket() from exc
    ticket = (
        Ticket.objects.select_related("center", "field", "priority_group", "counter")
        .filter(pk=pk, token_nonce=nonce)
        .first()
    )
    if ticket is None:
        raise _invalid_ticket()
    return ticket


def _invalid_ticket() -> QueueError:
    return QueueError(
        _(
            "Liên kết số thứ tự không hợp lệ hoặc đã bị thay đổi. Hãy quét lại mã QR trên phiếu, "
            "hoặc hỏi cán bộ tại trung tâm."
        ),
        errors.INVALID_TOKEN,
    )


def kiosk_token(queue_settings: QueueSettings) -> str:
    return _signer(KIOSK_SALT).sign_object(
        {"c": queue_settings.center_id, "k": queue_settings.kiosk_key}
    )


def kiosk_path(queue_settings: QueueSettings) -> str:
    return reverse("queueing:kiosk", args=[kiosk_token(queue_settings)])


def open_kiosk(token: str) -> QueueSettings:
    try:
        claims = _signer(KIOSK_SALT).unsign_object(token)
        center_id, key = int(claims["c"]), str(claims["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise _invalid_kiosk() from exc
    found = (
        QueueSettings.objects.select_related("center__commune")
        .filter(center_id=center_id, kiosk_key=key, center__is_active=True)
        .first()
    )
    if found is None:
        raise _invalid_kiosk()
    return found


def _invalid_kiosk() -> QueueError:
    return QueueError(
        _(
            "Địa chỉ máy lấy số không hợp lệ hoặc đã bị thu hồi. Cán bộ quản trị hãy mở lại địa "
            "chỉ mới từ trang Hàng đợi."
        ),
        errors.INVALID_TOKEN,
    )
