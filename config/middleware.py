"""Site-wide middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class DutchFirstMiddleware:
    """Speak Dutch unless the person chose English with the language switch.

    Many Dutch people's browsers ask for English (an English operating system), so
    the browser's Accept-Language header is ignored; the language cookie set by
    the switch (and an /en/ choice in the session) still counts. Place it before
    django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
