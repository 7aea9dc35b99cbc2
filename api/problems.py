"""RFC 9457 problem details (``application/problem+json``) for every error of the API:
DRF's exceptions (400, 401, 403, 404, 405, 406, 415, 429), Django's own 404 and 500 for
paths under ``/api/`` (``config.urls`` routes its handlers here), and our domain errors.

A problem document::

    {"type": "urn:buurtmakelaar:problem:validation", "title": "Bad Request", "status": 400,
     "detail": "<the reason, in the caller's language>", "code": "validation",
     "errors": [{"field": "limit", "code": "invalid", "message": "…"}]}
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import set_rollback

from common.errors import DomainError

PROBLEM_TYPE = "application/problem+json"
logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """The request is fine, the state is not (yet): e.g. no suggestions before intake."""

    status_code = 409
    default_code = "conflict"


def problem_response(status: int, code: str, detail: str, *, errors=None, headers=None) -> HttpResponse:
    body = {
        "type": f"urn:buurtmakelaar:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_TYPE}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten(detail, field: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out += _flatten(value, f"{field}.{name}" if field and name else (name or field))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out += _flatten(value, f"{field}[{index}]")
            else:
                out += _flatten(value, field)
        return out
    return [{"field": field, "code": getattr(detail, "code", "invalid") or "invalid", "message": str(detail)}]


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every known error as a problem document; None (a 500)
    for anything else, which ``server_error`` answers as a problem too."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DomainError):
        exc = exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, exceptions.MethodNotAllowed):
        view = context.get("view")
        if view is not None:
            headers["Allow"] = ", ".join(view.allowed_methods)
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
        return problem_response(400, "validation", detail or _("De invoer klopt niet."), errors=errors, headers=headers)
    detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    if isinstance(exc, exceptions.NotFound):
        detail, code = _("Niet gevonden, of niet van uw organisatie."), "not_found"
    return problem_response(exc.status_code, code, detail, headers=headers)


def not_found(request, exception=None) -> HttpResponse:
    """Django's 404 for a path under /api/ that matches no route."""
    return problem_response(404, "not_found", _("Dit adres bestaat niet in de API."))


def server_error(request) -> HttpResponse:
    return problem_response(500, "server_error", _("Er ging iets mis bij ons. Probeer het later nog eens."))
