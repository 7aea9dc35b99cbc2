"""Mail preferences: the page for people who are logged in, and the one-click
'switch this off' link at the bottom of every optional e-mail (no login needed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.roles import roles_for
from notifications.forms import PreferencesForm
from notifications.links import UnsubscribeLinkExpired, unsubscribe_read
from notifications.models import OPTIONAL_CATEGORIES, Category
from notifications.services import preferences_for, preferences_update


@login_required
def preferences(request):
    roles = roles_for(request.user)
    is_broker = bool(roles.broker_of or roles.admin_of)
    instance = preferences_for(request.user.email)
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=instance, is_broker=is_broker)
    if request.method == "POST" and form.is_valid():
        preferences_update(email=request.user.email, values={name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, _("Uw e-mailinstellingen zijn bewaard."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
@csrf_exempt  # the signed token in the address is the proof; mail programs POST here (RFC 8058)
def unsubscribe(request, token):
    try:
        found = unsubscribe_read(token)
    except UnsubscribeLinkExpired:
        # Gone for good: the person chooses on the settings page after logging in.
        return render(request, "notifications/unsubscribe.html", {"expired": True}, status=410)
    optional = {c.value for c in OPTIONAL_CATEGORIES}
    if found is None or found[1] not in optional:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"invalid": True},
            status=400,
        )
    email, category = found
    label = Category(category).label
    done = False
    if request.method == "POST":
        preferences_update(email=email, values={category: False})
        done = True
    elif not preferences_for(email).wants(category):
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"label": label, "done": done, "email": email, "token": token},
    )
