"""The rate limit per token (or per logged-in person, or per address for nobody), counted
in the shared cache so that every web process counts the same calls. Over the limit: 429
with ``Retry-After`` (``api.problems``). ``API_RATE_LIMIT`` sets it (default 600/min)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class PerCallerThrottle(SimpleRateThrottle):
    scope = "caller"

    def get_rate(self):
        # Read at call time (not at import), so a changed setting applies at once.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.token_hash[:24]}"
        elif request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return f"api:throttle:{ident}"
