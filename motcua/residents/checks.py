"""System checks for the residents' sign-in: VNeID enabled means VNeID configured, over HTTPS.

Errors, so that ``motcua check`` (and ``check --deploy``) fail and a web process will not start
with a VNeID button that cannot work, or that talks to the provider in clear.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

from motcua.residents.oidc import Config


@register(Tags.security)
def vneid_configured(app_configs=None, **kwargs):
    if "vneid" not in settings.MOTCUA_IDENTITY_PROVIDERS:
        return []
    config = Config.from_settings()
    errors = [
        Error(
            f"VNeID sign-in is enabled but not configured: {problem}.",
            hint="See the README's table of MOTCUA_OIDC_* variables, or remove 'vneid' from "
            "MOTCUA_IDENTITY_PROVIDERS.",
            id="motcua.residents.E001",
        )
        for problem in config.problems()
    ]
    if not settings.DEBUG:
        errors += [
            Error(
                f"{name} is not an https:// URL.",
                hint="In production VNeID is reached over HTTPS only.",
                id="motcua.residents.E002",
            )
            for name in config.plain_http_urls()
        ]
    return errors
