"""The ASGI application (``motcua.asgi:application``), for uvicorn workers.

It refuses to start with an unsafe configuration (motcua.security.startup).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_asgi_application()

from motcua.security.startup import refuse_insecure_start  # noqa: E402 - needs Django set up

refuse_insecure_start()
