"""The OpenAPI description's shared parts: our two ways of logging in, and the problem
documents, ETag and conditional-read headers that every operation has."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from api.problems import PROBLEM_TYPE
from api.serializers import ProblemSerializer, both


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        definition = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        definition["description"] = both(
            "Persoonlijke sleutel, gemaakt door een beheerder.", "Personal access token made by an admin."
        )
        return definition


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


_PROBLEMS = {
    "400": both("Ongeldige invoer.", "Invalid input."),
    "401": both("Geen of een ongeldige sleutel.", "Missing, unknown, expired or revoked token."),
    "403": both("Recht ontbreekt.", "Missing scope."),
    "404": both("Niet gevonden of niet van deze organisatie.", "Not found, or not of this organisation."),
    "405": both("Methode niet toegestaan.", "Method not allowed."),
    "406": both("Alleen JSON.", "Only JSON can be returned."),
    "429": both("Te veel vragen; zie Retry-After.", "Too many requests; see Retry-After."),
}
_WRITE_PROBLEMS = {
    "409": both("Kan nu niet (er loopt al iets).", "Conflicts with the current state."),
    "415": both("Stuur JSON.", "Send JSON."),
    "422": both("Idempotency-Key hoort bij een andere vraag.", "Idempotency-Key reused with another body."),
}


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=both(
                        "ETag van een eerder antwoord: 304 als niets veranderde.", "ETag: 304 if unchanged."
                    ),
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        problems = dict(_PROBLEMS)
        if self.method == "POST":
            problems.update(_WRITE_PROBLEMS)
        if getattr(self.view, "problem_statuses", None):
            problems.update(self.view.problem_statuses)
        for code, description in problems.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=description), code, media_types=[PROBLEM_TYPE]
                )
        if self.method == "GET" and "200" in bodies:
            bodies["304"] = {"description": both("Niet veranderd (If-None-Match).", "Not modified.")}
        return bodies
