"""How often one address may look a dossier up by its code (the public tracking page and API).

Dossier codes are sequential (``{agency}-{yymmdd}-{seq}``), so without a limit anyone could walk
them and read every dossier's public status. Counted in ``motcua.ratelimit``, the page and the API
sharing one allowance per address.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.ratelimit import Limit


def tracking_lookups() -> Limit:
    return Limit(
        "tracking",
        settings.MOTCUA_TRACKING_LOOKUPS_PER_HOUR,
        timedelta(hours=1),
        _(
            "Bạn đã tra cứu quá nhiều hồ sơ trong một giờ từ địa chỉ mạng này. Vui lòng thử "
            "lại sau %(wait)s."
        ),
    )
