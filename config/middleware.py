"""Site-wide middleware."""

import logging
import time
from collections.abc import Callable

import redis.exceptions
from django import db
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from accounts.two_step import has_second_step, session_limit_reached, session_passed_second_step, two_step_required
from notifications.links import request_base

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
        return service_unavailable(exception)


def service_unavailable(exception: BaseException) -> HttpResponse:
    """The friendly 503 page for an outage of the database or the cache."""
    logger.error("service unavailable: %s", type(exception).__name__, exc_info=exception)
    # Like the 500 page: no request context, so that nothing here needs the database.
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    return response


# Pages reached with a secret in the address (no login) that show personal data.
_TOKEN_PAGE_PREFIXES = ("/koppelingen/link/", "/agenda/", "/e-mail/", "/activiteiten/aanbod/")


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


class StaffSessionMiddleware:
    """Staff (``accounts.two_step.two_step_required``): the session limits and the
    required second step. Place it after allauth's AccountMiddleware.

    1. A staff session ends after ``STAFF_SESSION_IDLE_SECONDS`` without a request or
       ``STAFF_SESSION_MAX_SECONDS`` after logging in: the person is logged out and sent
       to the login page with a message that says why, and, for a form that was being
       sent, that what they typed was not saved (a form is never dropped silently).
    2. A staff member whose session did not pass the second step is sent to set it up
       (no app or key yet) or to confirm it with a code (a login that bypassed allauth's
       form): no page opens until then except the account pages (log out, set up,
       change language), the privacy page and the health checks.

    Everyone else passes without a change (one indexed query to know they are not staff).
    """

    # Paths a staff member may open before the second step is done.
    OPEN_PREFIXES = ("/accounts/", "/i18n/", "/health/", "/privacy/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        try:
            staff = two_step_required(user)
            if staff:
                limit = session_limit_reached(request.session)
                if limit:
                    return self._end_session(request, limit)
                if not request.path.startswith(self.OPEN_PREFIXES) and not session_passed_second_step(request, user):
                    return self._second_step(request, user)
        except _OUTAGES as exception:
            return service_unavailable(exception)
        return self.get_response(request)

    def _end_session(self, request: HttpRequest, limit: str) -> HttpResponse:
        next_path = request.get_full_path() if request.method == "GET" else request.path
        logout(request)
        if limit == "idle":
            minutes = settings.STAFF_SESSION_IDLE_SECONDS // 60
            text = ngettext(
                "U was %(minutes)s minuut niet actief. Daarom bent u uitgelogd. Log opnieuw in.",
                "U was %(minutes)s minuten niet actief. Daarom bent u uitgelogd. Log opnieuw in.",
                minutes,
            ) % {"minutes": minutes}
        else:
            hours = settings.STAFF_SESSION_MAX_SECONDS // 3600
            text = ngettext(
                "U was %(hours)s uur ingelogd. Dat is het langste dat kan. Log opnieuw in.",
                "U was %(hours)s uur ingelogd. Dat is het langste dat kan. Log opnieuw in.",
                hours,
            ) % {"hours": hours}
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            text += " " + gettext("Wat u net verstuurde, is niet opgeslagen. Vul het na het inloggen nog een keer in.")
        messages.warning(request, text)
        return _redirect(request, f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_path})}")

    def _second_step(self, request: HttpRequest, user) -> HttpResponse:
        next_path = request.get_full_path() if request.method == "GET" else request.path
        if has_second_step(user):
            messages.info(request, gettext("Bevestig eerst met de code uit uw app dat u het bent."))
            url = f"{reverse('mfa_reauthenticate')}?{urlencode({REDIRECT_FIELD_NAME: next_path})}"
        else:
            messages.warning(
                request,
                gettext(
                    "Medewerkers loggen in met twee stappen: uw wachtwoord en een code van uw telefoon "
                    "of een beveiligingssleutel. Stel dat nu eerst in. Daarna kunt u verder."
                ),
            )
            url = reverse("mfa_index")
        return _redirect(request, url)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; for htmx a header instead (htmx would follow a 302 and put the login
    page inside the part of the page it was updating)."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


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


class SiteUrlMiddleware:
    """Links in mails queued while serving a request point to the host and port of that
    request (``notifications.links.site_url``; ``SITE_URL`` still wins when set), so a
    local run on another port (``PORT=8101 ./scripts/run``) sends working links."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            base = request.build_absolute_uri("/")
        except DisallowedHost:  # CommonMiddleware answers these; never trust the header
            base = None
        with request_base(base):
            return self.get_response(request)
