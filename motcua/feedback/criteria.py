"""What residents are asked after their result, as data (architecture.md: rules that are tables).

- ``CRITERIA``: the criteria of Decree 118/2025/NĐ-CP Art. 33 (domain.md §9.1), each with a plain
  question, the legal reference and the Circular 01/2018 indicator it mirrors (domain.md §9.2).
- ``Level`` and ``POINTS``: the 3-level scale used at kiosks and on portals and its 2/1/0 points.
  This is the only place that maps a level to points; ``scoring`` derives every figure from it.
- ``criteria_for``: which criteria a given dossier is asked.
- ``RATEABLE_STATES``: when a dossier may be rated.

The page, the API, the admin and the scoring all read these tables; none repeats them.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Channel, Dossier, ReturnMethod
from motcua.dossiers.workflow import State

DECREE = "Nghị định 118/2025/NĐ-CP"


class Level(models.TextChoices):
    """The 3-level scale portals and counter devices use (domain.md §9.2, "Practice")."""

    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


# Circular 01/2018/TT-VPCP scores each indicator 2 / 1 / 0 (better than required / as required /
# worse). The resident's judgement of the same indicator gets the same weights: very satisfied 2,
# satisfied 1, not satisfied 0. Change it here and every figure follows.
POINTS: dict[str, int] = {
    Level.VERY_SATISFIED: 2,
    Level.SATISFIED: 1,
    Level.NOT_SATISFIED: 0,
}


@dataclass(frozen=True)
class Criterion:
    key: str  # the letter of Art. 33 ("a" … "i", with "đ"); stored in RatingAnswer.criterion
    question: Promise  # the topic, in words a resident uses; the legend of its radio group
    hint: Promise  # what exactly to judge, shown under the question
    legal_reference: str
    # The Circular 01/2018 indicator (domain.md §9.2) measuring the same thing from the records, so
    # reports can set what residents felt beside what was measured; None when there is none.
    indicator: int | None = None
    optional: bool = False  # may be left unanswered
    online_only: bool = False  # asked only of residents who used the online service


def _ref(letter: str) -> str:
    return f"{DECREE}, Điều 33, điểm {letter}"


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "a",
        _("Thời gian giải quyết hồ sơ"),
        _("Ông/bà nhận kết quả sớm hơn, đúng hay muộn hơn ngày hẹn ghi trên giấy tiếp nhận."),
        _ref("a"),
        indicator=1,
    ),
    Criterion(
        "b",
        _("Số nơi phải đến liên hệ"),
        _(
            "Ông/bà chỉ cần làm việc với bộ phận một cửa, hay phải tự đến thêm cơ quan, "
            "đơn vị khác."
        ),
        _ref("b"),
        indicator=4,
    ),
    Criterion(
        "c",
        _("Số lần phải đi lại"),
        _("Số lần ông/bà phải đến hoặc liên hệ để bổ sung, hoàn thiện hồ sơ."),
        _ref("c"),
        indicator=3,
    ),
    Criterion(
        "d",
        _("Thông tin về thủ tục"),
        _(
            "Giấy tờ cần nộp, phí, lệ phí và thời gian giải quyết được niêm yết tại trụ sở và "
            "đăng trên mạng có đầy đủ, chính xác, dễ hiểu không."
        ),
        _ref("d"),
        indicator=6,
    ),
    Criterion(
        "đ",
        _("Thái độ của cán bộ, công chức"),
        _("Cán bộ có hướng dẫn tận tình, lịch sự, không gây phiền hà, sách nhiễu không."),
        _ref("đ"),
        indicator=7,
    ),
    Criterion(
        "e",
        _("Kết quả và chi phí"),
        _(
            "Kết quả có đúng quy định không; ông/bà chỉ nộp phí, lệ phí đúng mức niêm yết, "
            "không phải trả thêm khoản nào khác."
        ),
        _ref("e"),
    ),
    # Optional: most residents never sent a feedback or complaint about their dossier, and a
    # level forced out of them would be noise in the indicator-8 figure. Once complaints are
    # recorded in motcua, ask this only of residents who made one, and make it required for them.
    Criterion(
        "g",
        _("Việc trả lời phản ánh, kiến nghị"),
        _(
            "Chỉ trả lời nếu ông/bà đã gửi phản ánh, kiến nghị về hồ sơ này: có được trả lời "
            "đúng hạn, thỏa đáng không."
        ),
        _ref("g"),
        indicator=8,
        optional=True,
    ),
    # Only for residents who used the online service for this dossier (see ``used_online``); for
    # them it is required, since they can judge it.
    Criterion(
        "h",
        _("Dịch vụ công trực tuyến"),
        _(
            "Nộp hồ sơ, theo dõi và nhận kết quả qua mạng có dễ dùng, thông suốt, "
            "không bị lỗi không."
        ),
        _ref("h"),
        indicator=9,
        online_only=True,
    ),
    # Optional: Art. 33 leaves "other" open, so a level for it means something only when the
    # resident has something in mind; the comment box says what.
    Criterion(
        "i",
        _("Những điều khác"),
        _(
            "Ví dụ nơi ngồi chờ, chỗ để xe, trang thiết bị. Ông/bà có thể ghi cụ thể "
            "trong ô ý kiến bên dưới."
        ),
        _ref("i"),
        optional=True,
    ),
)

BY_KEY: dict[str, Criterion] = {c.key: c for c in CRITERIA}


def used_online(dossier: Dossier) -> bool:
    """The resident used the online service for this dossier: filed online, or chose (or got)
    the result online."""
    return (
        dossier.channel == Channel.ONLINE
        or dossier.return_method == ReturnMethod.ONLINE
        or dossier.state == State.RETURNED_ONLINE
    )


def criteria_for(dossier: Dossier) -> list[Criterion]:
    """The criteria this dossier's applicant is asked, in the order of Art. 33."""
    online = used_online(dossier)
    return [c for c in CRITERIA if online or not c.online_only]


# A dossier may be rated once the applicant holds its result: one of the three "returned" states.
# Also after a refusal at reception: that slip is the result the applicant received (national
# status 3), practice hands the rating form out with it (domain.md §9.2), and leaving refused
# applicants out would only keep the least satisfied people out of the figures. Dossiers the
# applicant withdrew or let lapse (stopped, closed_no_supplement) are not rated: the office made
# no decision on them. A refusal after appraisal becomes rateable when it is returned, like any
# other result.
RATEABLE_STATES = frozenset(
    {
        State.RETURNED_AT_COUNTER,
        State.RETURNED_BY_POST,
        State.RETURNED_ONLINE,
        State.REFUSED_AT_RECEPTION,
    }
)
