"""Site-wide middleware."""

import logging
import time
from collections.abc import Callable

import redis.exceptions
from django import db
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("buurtmakelaar.request")


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


class RequestLogMiddleware:
    """One log line per request, as ``key=value`` pairs on the logger ``buurtmakelaar.request``.

    It names the URL *pattern* and the route name, not the path: paths hold ids and
    tokens (``/koppelingen/link/<purpose>/<secret>/``), and the query string may hold
    search terms, so neither is logged. Nothing about the person is logged either.
    Place it first, so that the duration covers the whole stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = (time.monotonic() - started) * 1000
        match = request.resolver_match
        status = response.status_code
        request_logger.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "method=%s route=%s name=%s status=%s ms=%.1f",
            request.method,
            # An unresolved path (a 404, a static file) has no pattern: a dash.
            _quote(f"/{match.route}") if match else "-",
            (match.view_name or "-") if match else "-",
            status,
            duration_ms,
        )
        return response


def _quote(value: str) -> str:
    """Quote a value with spaces (a regex route may have one) so the line stays parseable."""
    return f'"{value}"' if " " in value or '"' in value else value


# Outages of a service the pages depend on: the database, the Redis cache.
_OUTAGES: tuple[type[BaseException], ...] = (
    db.OperationalError,
    db.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class ServiceUnavailableMiddleware:
    """Turn an outage of the database or the cache during a view into the friendly
    503 page (templates/503.html) with ``Retry-After``, instead of a 500: the person can
    try again in a minute and nothing is their fault. Other errors still go to the 500
    page. Place it last, so that it sees the views' exceptions.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, _OUTAGES):
            return None
        logger.error("service unavailable: %s", type(exception).__name__, exc_info=exception)
        # Like the 500 page: no request context, so that nothing here needs the database.
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "60"
        return response


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


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` (settings.PERMISSIONS_POLICY) on every response: camera,
    microphone, location and the other powerful browser features are off for our pages
    and anything they might embed, so an injected script could not ask for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = self.policy
        return response
