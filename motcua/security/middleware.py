"""``Cache-Control: no-store`` on every dynamic answer, unless its view chose its own caching.

Pages, downloads, exports and API answers show ID numbers, phone numbers, papers and the signed-in
person's name. A shared computer's browser cache or a caching proxy must not keep them. Rather than
remember to decorate each view, every response that leaves Django without a ``Cache-Control``
header gets Django's ``never_cache`` headers (``max-age=0, no-cache, no-store, must-revalidate,
private``). A view that serves public, non-personal content may set its own ``Cache-Control``
(``django.views.decorators.cache.cache_control``) and keeps it.

Static files never get here: WhiteNoise answers them earlier in the chain, with its own caching.
"""

from django.utils.cache import add_never_cache_headers


class NoStoreByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
