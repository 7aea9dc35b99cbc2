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


# Pages reached with a secret in the address (no login) that show personal data.
_TOKEN_PAGE_PREFIXES = ("/koppelingen/link/", "/agenda/", "/e-mail/")


class NoStoreForPersonalPagesMiddleware:
    """``Cache-Control: no-store`` on every page with personal data: everything a
    logged-in person sees, and the pages opened with a secret link. A browser or a
    proxy then keeps no copy (a shared computer at the library, the back button after
    logging out). A view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = bool(user is not None and user.is_authenticated) or request.path.startswith(_TOKEN_PAGE_PREFIXES)
        if personal and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
