"""Rating links: a signed token in the URL stands in for a login.

    rating_url(dossier)                        -> https://…/danh-gia/<token>/   (the SMS link)
    rating_url(dossier, channel="receipt_qr")  -> https://…/danh-gia/<token>/?kenh=qr

The token is ``django.core.signing`` with a salt of its own, carrying the dossier's id, its code
and a short random nonce. Anyone holding it may rate that one dossier, once; nobody can make one
for another dossier without the secret key. It does not expire: a resident may rate weeks after
the result (keys in ``SECRET_KEY_FALLBACKS`` keep old links working across a key rotation).
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.feedback import errors
from motcua.feedback.errors import RatingError
from motcua.feedback.models import RatingChannel

SALT = "motcua.feedback.rating-link"

# The ``kenh`` query parameter tells the page which channel a link was handed out through; the
# SMS link, the most common, carries none. Unknown values count as the SMS link.
CHANNEL_PARAMS: dict[str, str] = {
    RatingChannel.RECEIPT_QR: "qr",
    RatingChannel.PORTAL: "cong",
    RatingChannel.KIOSK: "kiosk",
}


def rating_token(dossier: Dossier) -> str:
    """A new token for rating this dossier (each call has a fresh nonce)."""
    return signing.dumps(
        {"d": dossier.pk, "c": dossier.code, "n": secrets.token_urlsafe(6)}, salt=SALT
    )


def rating_url(dossier: Dossier, channel: str = RatingChannel.SMS_LINK) -> str:
    """The absolute address of the rating page for this dossier, for an SMS or a printed QR."""
    url = settings.PUBLIC_BASE_URL + reverse("feedback:rate", args=[rating_token(dossier)])
    param = CHANNEL_PARAMS.get(channel)
    return f"{url}?kenh={param}" if param else url


def channel_from_param(value: str | None) -> str:
    """The rating channel a ``kenh`` query value stands for."""
    for channel, param in CHANNEL_PARAMS.items():
        if value == param:
            return channel
    return RatingChannel.SMS_LINK


@dataclass(frozen=True)
class RatingLink:
    dossier: Dossier
    nonce: str


def open_link(token: str) -> RatingLink:
    """Check a token and find its dossier.

    Raises RatingError ``invalid_token`` if the signature is wrong or the token names a dossier
    whose code is not the one signed (a database restored or renumbered under old links), and
    ``unknown_dossier`` if the signed dossier no longer exists.
    """
    try:
        claims = signing.loads(token, salt=SALT)
        dossier_id, code, nonce = int(claims["d"]), str(claims["c"]), str(claims["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise _invalid() from exc
    dossier = Dossier.objects.select_related("procedure").filter(pk=dossier_id).first()
    if dossier is None:
        raise RatingError(
            _(
                "Không tìm thấy hồ sơ của liên kết đánh giá này. Xin liên hệ bộ phận một cửa "
                "nơi ông/bà đã nộp hồ sơ."
            ),
            errors.UNKNOWN_DOSSIER,
        )
    if dossier.code != code:
        raise _invalid()
    return RatingLink(dossier, nonce)


def _invalid() -> RatingError:
    return RatingError(
        _(
            "Liên kết đánh giá không hợp lệ hoặc đã bị thay đổi. Hãy mở lại đúng liên kết trong "
            "tin nhắn, quét lại mã QR trên giấy tiếp nhận, hoặc đánh giá tại bộ phận một cửa."
        ),
        errors.INVALID_TOKEN,
    )
