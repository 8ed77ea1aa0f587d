"""The shared look of motcua's pages: template filters and tags, and the component reference page.

The design system itself lives in ``motcua/static/css/motcua.css`` and ``motcua/templates/``
(``base.html`` and ``includes/``); this app only holds the Python that templates need.
"""
