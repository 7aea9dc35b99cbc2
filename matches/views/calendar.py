"""The private iCal feed (``/agenda/<token>.ics``, no login) and the page where a
person finds its address and can make a new one (``/agenda/``, login required)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from matches.calendar import calendar_feed_by_token, calendar_feed_of, calendar_feed_reset, calendar_ics


class ResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Ja, maak een nieuw adres. Het oude adres werkt dan niet meer."),
        error_messages={"required": gettext_lazy("Zet een vinkje als u zeker weet dat u een nieuw adres wilt.")},
    )


@require_GET
def feed(request, token: str):
    found = calendar_feed_by_token(token)
    if found is None or not found.user.is_active:
        return HttpResponseNotFound(
            _("Deze agenda bestaat niet (meer).") + "\n", content_type="text/plain; charset=utf-8"
        )
    # Calendar apps send no useful language: the feed is in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        body = calendar_ics(user=found.user, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="buurtmakelaar.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _feed_urls(request, token: str) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": token}))
    webcal = "webcal://" + https.split("://", 1)[1]
    return {"feed_url": https, "webcal_url": webcal}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    """The calendar page. Only a hash of the address's secret is stored, so the
    address is shown once: in the answer to the POST that makes it. Someone who
    lost it makes a new one (with a tick when one exists: the old one stops)."""
    feed = calendar_feed_of(request.user)
    form = ResetForm(request.POST if request.method == "POST" and feed is not None else None)
    context = {"form": form, "has_feed": feed is not None}
    if request.method == "POST" and (feed is None or form.is_valid()):
        _feed, token = calendar_feed_reset(user=request.user)
        if feed is not None:
            messages.success(request, _("U heeft een nieuw agenda-adres. Het oude adres werkt niet meer."))
        context.update(_feed_urls(request, token), has_feed=True, form=ResetForm())
    return render(request, "matches/calendar_manage.html", context, status=400 if form.errors else 200)
