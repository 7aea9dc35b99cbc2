"""What every API view shares: the caller at the organisation of the path, ETags on
reads, idempotency keys on creating writes."""

from __future__ import annotations

import hashlib
import json
import re

from django.core.cache import cache
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.access import Caller, caller_at
from api.models import ApiToken
from api.problems import problem_response

IDEMPOTENCY_SECONDS = 24 * 60 * 60
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


class ApiView(GenericAPIView):
    """An endpoint of one organisation (``slug`` in the path) that needs ``scope``."""

    scope: str = ""
    caller: Caller

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.has_method(request) and (request.auth is not None or request.user.is_authenticated):
            return  # a method the view has not: 405 for whoever is known (nobody: 401 first)
        self.caller = caller_at(request, slug=kwargs.get("slug", ""), scope=self.scope)

    def has_method(self, request) -> bool:
        method = request.method.lower()
        return method in self.http_method_names and hasattr(self, method)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return self.queryset
        return self.scoped_queryset()

    def scoped_queryset(self):
        """The rows of ``self.caller.organisation``."""
        raise NotImplementedError

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and isinstance(response, Response):
            response.render()
            etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
            response["ETag"] = etag
            response = get_conditional_response(request, etag=etag, response=response) or response
        return response


def _caller_key(request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.token_hash[:24]}"
    return f"user:{request.user.pk}"


def idempotent(create):
    """A creating POST with an ``Idempotency-Key`` header runs once per key (24 hours,
    per caller and path): a repeat with the same body gets the first answer again
    (``Idempotent-Replayed: true``), with another body 422, while the first still runs 409."""

    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return create(self, request, *args, **kwargs)
        if not _IDEMPOTENCY_KEY.match(key):
            raise exceptions.ValidationError({"Idempotency-Key": [_("Gebruik 1 tot 100 letters, cijfers of _.:-")]})
        fingerprint = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
        cache_key = (
            "api:idempotency:" + hashlib.sha256(f"{_caller_key(request)}|{request.path}|{key}".encode()).hexdigest()
        )
        if not cache.add(cache_key, {"state": "running", "fingerprint": fingerprint}, IDEMPOTENCY_SECONDS):
            stored = cache.get(cache_key) or {}
            if stored.get("fingerprint") != fingerprint:
                return problem_response(
                    422, "idempotency_key_reused", _("Deze Idempotency-Key hoort bij een andere vraag.")
                )
            if stored.get("state") != "done":
                return problem_response(409, "idempotency_in_progress", _("Deze vraag loopt nog. Probeer het zo."))
            replay = Response(stored["data"], status=stored["status"])
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = create(self, request, *args, **kwargs)
        except Exception:
            cache.delete(cache_key)
            raise
        if 200 <= response.status_code < 300:
            cache.set(
                cache_key,
                {"state": "done", "fingerprint": fingerprint, "status": response.status_code, "data": response.data},
                IDEMPOTENCY_SECONDS,
            )
        else:
            cache.delete(cache_key)
        return response

    wrapper.__name__ = create.__name__
    wrapper.__doc__ = create.__doc__
    return wrapper
