"""The spec's refusals: a list of ``{code, description}`` with the matching HTTP status."""

from django.utils.translation import gettext as _


class Open311Error(Exception):
    """A refusal to answer as the spec's error list; ``status`` is also the HTTP status."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = str(description)
        self.retry_after = retry_after

    def as_list(self) -> list[dict]:
        return [{"code": self.status, "description": self.description}]


def bad_parameter(name: str, problem: str) -> Open311Error:
    """400 naming the parameter: ``service_code: …``."""
    return Open311Error(400, f"{name}: {problem}")


def missing(name: str) -> Open311Error:
    return bad_parameter(name, _("thiếu tham số bắt buộc này."))


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)
