"""Reads for the rating page, the API and the service; no writes. Figures are in ``scoring``."""

from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.feedback import errors
from motcua.feedback.criteria import RATEABLE_STATES
from motcua.feedback.errors import RatingError
from motcua.feedback.models import Rating
from motcua.ui.templatetags.ui import local_dt


def rating_of(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def check_open(dossier: Dossier) -> None:
    """Raise RatingError if the dossier cannot be rated now (``criteria.RATEABLE_STATES``):
    ``already_rated``; ``not_rateable`` if it was closed without a decision; ``not_returned``
    while the applicant does not hold the result yet."""
    rating = rating_of(dossier)
    if rating is not None:
        raise already_rated(dossier, rating)
    if dossier.state in RATEABLE_STATES:
        return
    if dossier.is_final:
        raise RatingError(
            _(
                "Hồ sơ %(code)s đã dừng xử lý nên không có kết quả để đánh giá. Nếu có ý kiến, "
                "xin gửi phản ánh, kiến nghị tại bộ phận một cửa."
            )
            % {"code": dossier.code},
            errors.NOT_RATEABLE,
        )
    raise RatingError(
        _(
            "Hồ sơ %(code)s chưa được trả kết quả. Việc đánh giá mở khi ông/bà nhận kết quả; "
            "khi đó hãy quét lại mã QR trên giấy tiếp nhận hoặc mở lại liên kết này."
        )
        % {"code": dossier.code},
        errors.NOT_RETURNED,
    )


def already_rated(dossier: Dossier, rating: Rating) -> RatingError:
    return RatingError(
        _(
            "Hồ sơ %(code)s đã được đánh giá lúc %(at)s. Mỗi hồ sơ chỉ được đánh giá một lần; "
            "đánh giá đã gửi được giữ nguyên."
        )
        % {"code": dossier.code, "at": local_dt(rating.submitted_at)},
        errors.ALREADY_RATED,
        rated_at=rating.submitted_at,
    )
