"""Taking a satisfaction rating: the only code that writes ratings (architecture.md: services).

A rating needs no login: the signed token in the link is the permission (``links``). Every check
runs before anything is written, so a refused rating changes nothing.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.feedback import errors, queries
from motcua.feedback.criteria import BY_KEY, Criterion, Level, criteria_for
from motcua.feedback.errors import RatingError
from motcua.feedback.links import RatingLink, open_link
from motcua.feedback.models import Rating, RatingAnswer, RatingChannel

__all__ = ["RatingError", "submit_rating"]

COMMENT_MAX = Rating._meta.get_field("comment").max_length


def submit_rating(
    token: str,
    answers: dict[str, str],
    *,
    channel: str,
    comment: str = "",
    at: datetime | None = None,
) -> Rating:
    """Store one resident's rating of a dossier: a level per criterion, and an optional comment.

    ``answers`` maps criterion keys (``criteria.CRITERIA``) to ``Level`` values; an optional
    criterion may be missing or blank. Raises RatingError, storing nothing, when the token is
    forged (``invalid_token``), the dossier is gone (``unknown_dossier``), already rated
    (``already_rated``) or its result not yet received (``not_returned``), or an answer is
    missing, unknown or not a level (every such criterion is named in ``errors``).
    """
    if channel not in RatingChannel.values:
        raise ValueError(f"Unknown rating channel {channel!r}; one of {RatingChannel.values}.")
    link = open_link(token)
    queries.check_open(link.dossier)
    levels, comment = _validated(link.dossier, answers, comment)
    return _store(link, levels, channel=channel, comment=comment, at=at or timezone.now())


def _store(link: RatingLink, levels: dict[str, str], *, channel, comment, at) -> Rating:
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=link.dossier,
                submitted_at=at,
                channel=channel,
                comment=comment,
                token_nonce=link.nonce,
            )
            RatingAnswer.objects.bulk_create(
                RatingAnswer(rating=rating, criterion=key, level=level)
                for key, level in levels.items()
            )
    except IntegrityError:
        # Another submission for the same dossier won the race: the unique dossier column
        # refused this one. Any other integrity failure is a bug and goes up as it is.
        earlier = queries.rating_of(link.dossier)
        if earlier is None:
            raise
        raise queries.already_rated(link.dossier, earlier) from None
    return rating


def _validated(dossier: Dossier, answers: dict[str, str], comment: str) -> tuple[dict, str]:
    """The levels to store and the trimmed comment; RatingError naming every problem at once."""
    levels, problems = _checked_answers(criteria_for(dossier), answers)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        problems["comment"] = (errors.INVALID_COMMENT, _comment_message(comment))
    if problems:
        raise _answers_error(problems)
    return levels, comment


def _checked_answers(
    shown: list[Criterion], answers: dict[str, str]
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The levels to store, in criteria order, and every problem at once: criterion key ->
    (error code, message naming the criterion)."""
    shown_keys = {c.key for c in shown}
    problems: dict[str, tuple[str, str]] = {}  # key -> (code, message)
    for key in answers:
        if key not in shown_keys:
            problems[key] = (errors.UNKNOWN_CRITERION, _unknown_message(key))
    levels: dict[str, str] = {}
    for criterion in shown:
        level = answers.get(criterion.key) or ""
        if level in Level.values:
            levels[criterion.key] = level
        elif level:
            problems[criterion.key] = (errors.INVALID_LEVEL, _level_message(criterion, level))
        elif not criterion.optional:
            problems[criterion.key] = (errors.MISSING_ANSWER, _missing_message(criterion))
    return levels, problems


def _unknown_message(key: str) -> str:
    if key in BY_KEY:
        return _("Tiêu chí %(key)s không áp dụng cho hồ sơ này.") % {"key": key}
    return _("Không có tiêu chí “%(key)s” trong phiếu đánh giá.") % {"key": key}


def _level_message(criterion: Criterion, level: str) -> str:
    return _("“%(level)s” không phải một mức đánh giá cho tiêu chí %(key)s (%(question)s).") % {
        "level": level,
        "key": criterion.key,
        "question": criterion.question,
    }


def _missing_message(criterion: Criterion) -> str:
    return _("Hãy chọn một mức cho tiêu chí %(key)s: %(question)s.") % {
        "key": criterion.key,
        "question": criterion.question,
    }


def _answers_error(problems: dict[str, tuple[str, str]]) -> RatingError:
    # The error's code is that of the gravest problem: a wrong key or level means a broken
    # client, a missing answer means the resident skipped a question.
    codes = {code for code, _message in problems.values()}
    order = [
        errors.UNKNOWN_CRITERION,
        errors.INVALID_LEVEL,
        errors.MISSING_ANSWER,
        errors.INVALID_COMMENT,
    ]
    code = next(c for c in order if c in codes)
    messages = [message for _code, message in problems.values()]
    return RatingError(
        " ".join(messages),
        code,
        errors={key: [message] for key, (_code, message) in problems.items()},
    )


def _comment_message(comment: str) -> str:
    return _("Ý kiến dài tối đa %(max)d ký tự (hiện có %(n)d).") % {
        "max": COMMENT_MAX,
        "n": len(comment),
    }
