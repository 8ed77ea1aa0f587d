"""Language selection: Vietnamese unless the person chose English.

Django's LocaleMiddleware follows the browser's Accept-Language header. Many residents' phones are
set to English while they expect a Vietnamese government service, so we ignore that header and
honour only an explicit choice (the language switcher's cookie, or ``/en/``-free URLs as they are).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
