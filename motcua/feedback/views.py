"""The public rating page, opened from the SMS link or the receipt's QR. No login: the token in
the address is the permission. Thin: read the link, call the service, render."""

from dataclasses import dataclass

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.feedback import errors, queries, services
from motcua.feedback.criteria import Criterion, Level, criteria_for
from motcua.feedback.errors import RatingError
from motcua.feedback.links import channel_from_param, open_link

# The heading of the page shown when a rating cannot be taken, by error code.
PROBLEM_TITLES = {
    errors.INVALID_TOKEN: _("Liên kết đánh giá không hợp lệ"),
    errors.UNKNOWN_DOSSIER: _("Không tìm thấy hồ sơ"),
    errors.ALREADY_RATED: _("Hồ sơ này đã được đánh giá"),
    errors.NOT_RETURNED: _("Chưa đến lúc đánh giá"),
    errors.NOT_RATEABLE: _("Hồ sơ này không có phiếu đánh giá"),
}


@dataclass(frozen=True)
class Question:
    """One criterion as the form shows it: its radio group's name, the chosen level, the error."""

    criterion: Criterion
    chosen: str = ""
    error: str = ""

    @property
    def name(self) -> str:
        return field_name(self.criterion)


def field_name(criterion: Criterion) -> str:
    """The name of a criterion's radio group in the form (``tc_a`` … ``tc_i``)."""
    return f"tc_{criterion.key}"


@require_http_methods(["GET", "POST"])
def rate(request, token):
    try:
        dossier = open_link(token).dossier
    except RatingError as exc:
        return _problem(request, exc)
    try:
        queries.check_open(dossier)
    except RatingError as exc:
        return _problem(request, exc, dossier)
    shown = criteria_for(dossier)
    questions = [Question(c) for c in shown]
    comment, comment_error, status = "", "", 200
    if request.method == "POST":
        questions = [Question(c, request.POST.get(field_name(c), "")) for c in shown]
        comment = request.POST.get("comment", "")
        try:
            services.submit_rating(
                token,
                {q.criterion.key: q.chosen for q in questions},
                channel=channel_from_param(request.GET.get("kenh")),
                comment=comment,
            )
        except RatingError as exc:
            if exc.status != 422:  # rated meanwhile from another tab or device
                return _problem(request, exc, dossier)
            questions = [_with_error(q, exc.errors) for q in questions]
            comment_error = " ".join(exc.errors.get("comment", []))
            status = 400  # the project's answer to a form with errors
        else:
            return redirect("feedback:thanks", token=token)
    context = {
        "dossier": dossier,
        "questions": questions,
        "levels": Level.choices,
        "comment": comment,
        "comment_error": comment_error,
        "has_errors": status == 400,
    }
    return render(request, "feedback/rate.html", context, status=status)


@require_GET
def thanks(request, token):
    try:
        dossier = open_link(token).dossier
    except RatingError as exc:
        return _problem(request, exc)
    rating = queries.rating_of(dossier)
    if rating is None:
        return redirect("feedback:rate", token=token)
    return render(request, "feedback/thanks.html", {"dossier": dossier, "rating": rating})


def _with_error(question: Question, errors_by_key: dict[str, list[str]]) -> Question:
    messages = errors_by_key.get(question.criterion.key, [])
    return Question(question.criterion, question.chosen, " ".join(messages))


def _problem(request, exc: RatingError, dossier=None):
    """The page saying why no rating can be taken, and what to do; ``dossier`` when the link
    itself was genuine (then the page links to the dossier's tracking page)."""
    # Opening the page before the result is a normal visit (the QR is printed on the receipt at
    # intake), so it is not an error; only a submission then is refused.
    status = 200 if exc.code == errors.NOT_RETURNED and request.method == "GET" else exc.status
    context = {"title": PROBLEM_TITLES.get(exc.code), "error": exc, "dossier": dossier}
    return render(request, "feedback/problem.html", context, status=status)
