"""The privacy page (its retention section comes from ``privacy.schedule``) and the
admin's page for the organisation's retention periods."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.errors import DomainError
from neighbourhoods.models import Organisation, StaffMembership
from neighbourhoods.selectors import staff_organisation
from privacy.forms import RetentionSettingsForm
from privacy.retention import retention_months, retention_settings_update
from privacy.schedule import schedule_lines
from privacy.who_sees import WHO_SEES


def _organisation_of(user) -> Organisation | None:
    """The organisation whose periods a logged-in person lives under: their volunteer
    or mantelzorger profile's, else the first where they work."""
    if not user.is_authenticated:
        return None
    for profile in ("volunteer", "mantelzorger"):
        found = Organisation.objects.filter(**{f"{profile}s__user": user}).first()
        if found is not None:
            return found
    return Organisation.objects.filter(memberships__user=user).order_by("pk").first()


def privacy_page(request):
    """Public. ``?organisatie=SLUG`` shows that organisation's periods (404 for an
    unknown one); otherwise the visitor's own organisation's, or the defaults."""
    slug = request.GET.get("organisatie", "").strip()
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise Http404(_("Deze vrijwilligerscentrale kennen we niet."))
    else:
        organisation = _organisation_of(request.user)
    context = {
        "who_sees": WHO_SEES,
        "retention_organisation": organisation,
        "retention_lines": schedule_lines(retention_months(organisation=organisation)),
        # The browser fetches map tiles from this host when the deployment uses them.
        "map_tiles_host": urlsplit(settings.MAP_TILES_URL).netloc if settings.MAP_TILES_URL else "",
    }
    return render(request, "privacy.html", context)


@login_required
def retention_settings(request, slug):
    """Admin: the organisation's retention periods, within the schedule's bounds."""
    organisation = staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.ADMIN})
    months = retention_months(organisation=organisation)
    form = RetentionSettingsForm(request.POST or None, months=months)
    if request.method == "POST" and form.is_valid():
        try:
            retention_settings_update(organisation=organisation, months=form.cleaned_data, by=request.user)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("De bewaartermijnen zijn opgeslagen."))
            return redirect("privacy:retention_settings", slug=organisation.slug)
    return render(
        request,
        "privacy/retention_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "lines": schedule_lines(months),
        },
    )
