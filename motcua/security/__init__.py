"""Safe to deploy: the checks that refuse an insecure production setup, and the response headers
every page needs (docs/decisions/0016-secure-by-default-deployment.md).

- ``checks``: Django system checks run by ``motcua check --deploy``: errors for what makes a
  server unsafe (the development secret key, the VNeID stand-in, ``*`` in the allowed hosts),
  warnings for stand-ins that leave a commune's work undone (national portal, SMS).
- ``startup``: the refusal to serve: ``motcua.wsgi`` and ``motcua.asgi`` will not start with those
  errors when debug is off, outside the demo.
- ``middleware``: ``Cache-Control: no-store`` on every dynamic answer unless a view says otherwise.
"""
