"""The refusal to serve: a production server does not start with an unsafe configuration.

``motcua check --deploy`` reports the same problems, but nothing makes an operator run it. So
``motcua.wsgi`` and ``motcua.asgi`` (what gunicorn or uvicorn load) call ``refuse_insecure_start``
once Django is set up: with debug off and outside the demo, any error of
``checks.unsafe_to_serve``, and the national-portal or SMS stand-in unless the operator accepted
it by name (``MOTCUA_ALLOW_STAND_INS``), stops the process before it answers a single request,
with a message naming each variable to set. gunicorn then reports "Worker failed to boot" and
exits. ``check --deploy`` reports the stand-ins as warnings, accepted or not.

Debug on is a developer's own machine (``MOTCUA_DEBUG=1``); the demo is ``motcua demo``, which
serves with the development key and the VNeID stand-in on purpose (motcua.runmode).
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from motcua.security import checks

logger = logging.getLogger(__name__)


class InsecureConfiguration(ImproperlyConfigured):
    """The settings are unsafe for a real server; the message lists what to set."""


def refuse_insecure_start() -> None:
    if settings.DEBUG or settings.MOTCUA_DEMO_MODE:
        return
    errors = [*checks.unsafe_to_serve(), *checks.unacknowledged_stand_ins()]
    if errors:
        raise InsecureConfiguration(refusal_message(errors))
    for warning in checks.stand_ins():
        logger.warning("%s: %s %s", warning.id, warning.msg, warning.hint)


def refusal_message(errors) -> str:
    lines = [
        _(
            "motcua không khởi động: cấu hình này không an toàn cho máy chủ thật "
            "(MOTCUA_DEBUG đang tắt)."
        )
    ]
    for error in errors:
        lines.append(f"- {error.id}: {error.msg}\n  → {error.hint}")
        if error.id in checks.ACKNOWLEDGEABLE.values():
            name = next(n for n, i in checks.ACKNOWLEDGEABLE.items() if i == error.id)
            lines.append(
                "    "
                + _("Nếu tạm thời chưa có, ghi rõ chấp nhận bằng MOTCUA_ALLOW_STAND_INS=%(name)s.")
                % {"name": name}
            )
    lines.append(
        _(
            "Xem đủ các mục cần đặt bằng: motcua check --deploy. Muốn chạy thử thì dùng bản "
            "trình diễn: python3 dev.py demo."
        )
    )
    return "\n".join(lines)
