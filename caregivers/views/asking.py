"""Asking for help without an account (``/hulp/zonder-account/``): the public form and
its thank-you page. The rules live in ``caregivers.asking``; here are the robot checks.

- a honeypot field (``website``): filled in, the visitor sees the thank-you page and
  nothing is stored;
- rate limits per client network and per phone number (or e-mail address), counted in
  the shared cache by allauth's rate limiter, the one that throttles logins
  (``settings.ASK_WITHOUT_ACCOUNT_RATE_LIMITS``); over the limit: the form again with the
  reason, status 429, nothing stored. The cache holds a hash of the phone number, and
  the database no IP address;
- the thank-you page shows nothing of what was sent, not even the name."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caregivers.asking import request_without_account_submit
from caregivers.forms import AskWithoutAccountForm
from common.errors import DomainError
from common.phone import dutch_phone
from neighbourhoods.models import Organisation

FIELD_ALIASES = {"kind": "help_with"}


def _consume_limits(request, form):
    """Count this request against the limits; None when one is reached (then nothing
    counted stays counted), else the usages, to roll back if nothing is stored."""
    config = settings.ASK_WITHOUT_ACCOUNT_RATE_LIMITS
    usages = []
    by_ip = ratelimit.consume(request, app="caregivers", action="ask_ip", config=config)
    if by_ip is None:
        return None
    usages.append(by_ip)
    data = form.cleaned_data
    contact = dutch_phone(data["phone"]) if data["phone"] else data["email"].strip().casefold()
    by_contact = ratelimit.consume(request, app="caregivers", action="ask_contact", config=config, key=contact)
    if by_contact is None:
        by_ip.rollback()
        return None
    usages.append(by_contact)
    return usages


def _page(request, form, status=200):
    return render(request, "caregivers/ask_without_account.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def ask(request):
    if request.method != "POST":
        # From the postcode look-up: the address it found, to save typing.
        initial = {key: request.GET.get(key, "")[:12] for key in ("postcode", "house_number")}
        return _page(request, AskWithoutAccountForm(initial=initial))
    form = AskWithoutAccountForm(request.POST)
    if form.is_robot:
        return redirect("caregivers:ask_thanks")
    if not form.is_valid():
        return _page(request, form, status=400)
    usages = _consume_limits(request, form)
    if usages is None:
        form.add_error(
            None,
            _(
                "Er zijn vanaf deze plek of met dit telefoonnummer al veel vragen verstuurd. Probeer het later "
                "nog eens, of bel de vrijwilligerscentrale."
            ),
        )
        return _page(request, form, status=429)
    d = form.cleaned_data
    try:
        help_request = request_without_account_submit(
            location=form.location,
            postcode=d["postcode"],
            house_number=d["house_number"],
            kind=form.kind,
            skill_code=form.skill_code,
            first_name=d["first_name"],
            contact_name=d["contact_name"] if d["for_someone_else"] else "",
            phone=d["phone"],
            email=d["email"],
            description=d["description"],
            call_time=d["call_time"],
        )
    except DomainError as error:
        for usage in usages:  # nothing stored: it does not count
            usage.rollback()
        field = FIELD_ALIASES.get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, error.message)
        if error.field == "postcode":
            form.add_error(
                None,
                _(
                    "Wij kunnen deze vraag niet doorgeven. Kijk op de website van uw gemeente of bel de gemeente: "
                    "zij weten wie u kan helpen. Bij een spoedgeval belt u uw huisarts."
                ),
            )
        return _page(request, form, status=400)
    url = reverse("caregivers:ask_thanks")
    return redirect(f"{url}?{urlencode({'organisatie': help_request.organisation.slug})}")


@require_GET
def ask_thanks(request):
    """Nothing of what was sent; only who calls back and how to reach them first."""
    slug = request.GET.get("organisatie", "")[:60]
    organisation = Organisation.objects.filter(slug=slug).only("name", "phone", "email").first() if slug else None
    return render(request, "caregivers/ask_thanks.html", {"organisation": organisation})
