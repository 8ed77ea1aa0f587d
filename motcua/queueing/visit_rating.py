"""The visitor's rating of a visit, from the QR on their ticket: same 3-level scale as the dossier
rating (``feedback.criteria.Level``), three questions about what the visit itself was.

The courtesy question is the dossier rating's criterion đ, word for word, so the two can be read
side by side; the waiting question is what only the queue can be judged on.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.feedback.criteria import BY_KEY, Level
from motcua.queueing import errors
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Ticket, VisitRating, VisitRatingAnswer
from motcua.queueing.workflow import State


@dataclass(frozen=True)
class Question:
    key: str
    question: Promise
    hint: Promise
    optional: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question(
        "wait",
        gettext_lazy("Thời gian chờ đến lượt"),
        gettext_lazy("Từ lúc lấy số (hoặc giờ hẹn) đến lúc được mời lên quầy."),
    ),
    Question("courtesy", BY_KEY["đ"].question, BY_KEY["đ"].hint),
    Question(
        "place",
        gettext_lazy("Nơi chờ và trang thiết bị"),
        gettext_lazy("Chỗ ngồi, màn hình gọi số, máy lấy số, nước uống, chỗ để xe."),
        optional=True,
    ),
)
KEYS = tuple(q.key for q in QUESTIONS)
_BY_KEY = {q.key: q for q in QUESTIONS}


def question_text(key: str) -> str:
    """The question of a stored answer, as the visitor read it."""
    return str(_BY_KEY[key].question) if key in _BY_KEY else key


def level_text(level: str) -> str:
    """``satisfied`` → ``Hài lòng``: a stored level of the 3-level scale in words."""
    return str(Level(level).label) if level in Level.values else level


def rateable(ticket: Ticket) -> bool:
    return ticket.state == State.DONE


def submit(
    ticket: Ticket, answers: dict[str, str], comment: str = "", *, at: datetime | None = None
) -> VisitRating:
    """Store one rating of a finished visit; QueueError names each problem, nothing is stored."""
    at = at or timezone.now()
    if not rateable(ticket):
        raise QueueError(
            _("Chỉ đánh giá được sau khi đã được phục vụ xong tại quầy."), errors.NOT_ALLOWED
        )
    missing = [str(q.question) for q in QUESTIONS if not q.optional and answers.get(q.key) is None]
    wrong = [k for k, v in answers.items() if k not in KEYS or (v and v not in Level.values)]
    if missing or wrong:
        raise QueueError(
            _("Xin chọn mức hài lòng cho: %(list)s.") % {"list": ", ".join(missing)}
            if missing
            else _("Câu trả lời không hợp lệ."),
            errors.MISSING_ANSWER,
        )
    comment = (comment or "").strip()[:2000]
    try:
        with transaction.atomic():
            rating = VisitRating.objects.create(ticket=ticket, submitted_at=at, comment=comment)
            VisitRatingAnswer.objects.bulk_create(
                VisitRatingAnswer(rating=rating, question=k, level=v)
                for k, v in answers.items()
                if v
            )
    except IntegrityError:
        raise QueueError(
            _("Lượt đến này đã được đánh giá. Cảm ơn ông/bà."), errors.ALREADY_RATED
        ) from None
    return rating
