"""The WSGI application gunicorn serves (``motcua.wsgi:application``).

It refuses to start with an unsafe configuration (motcua.security.startup).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

from motcua.security.startup import refuse_insecure_start  # noqa: E402 - needs Django set up

refuse_insecure_start()
