"""The broker's privacy page for someone without (or away from) their account: download
what the organisation holds about them, or erase it, with the reason recorded.
Scoped to the broker's organisation: any other organisation's record answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation
from privacy.export import personal_data_collect, readable
from privacy.forms import BrokerEraseForm, BrokerExportForm
from privacy.models import RightsEvent
from privacy.selectors import record_for_broker
from privacy.services import record_erase, rights_event_record
from privacy.views.mine import json_download


@require_http_methods(["GET", "POST"])
def person(request, slug: str, kind: str, pk: int):
    # The whole file, care data included: brokers only (CARE_FILE_ROLES, the privacy page).
    organisation = staff_organisation(user=request.user, slug=slug, roles=set(StaffMembership.CARE_FILE_ROLES))
    record = record_for_broker(organisation=organisation, kind_slug=kind, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    export_form = BrokerExportForm(request.POST if action in ("export_json", "export_page") else None, prefix="export")
    erase_form = BrokerEraseForm(request.POST if action == "erase" else None, prefix="erase")
    if action in ("export_json", "export_page") and not record.erased and export_form.is_valid():
        rights_event_record(
            action=RightsEvent.Action.EXPORT,
            subject_kind=record.kind,
            subject_ref=record.pk,
            organisation=organisation,
            by=request.user,
            reason=export_form.cleaned_data["reason"],
        )
        data = personal_data_collect(record.subject)
        if action == "export_json":
            return json_download(data, f"gegevens-{record.slug}-{record.pk}-{timezone.localdate():%Y-%m-%d}.json")
        return render(
            request,
            "privacy/export.html",
            {"data": data, "tree": readable(data["parts"]), "own": False, "organisation": organisation},
        )
    if action == "erase" and erase_form.is_valid():
        try:
            record_erase(
                record=record, organisation=organisation, by=request.user, reason=erase_form.cleaned_data["reason"]
            )
        except DomainError as error:
            erase_form.add_error(error.field if error.field in erase_form.fields else None, error.message)
        else:
            messages.success(request, _("De gegevens zijn gewist. Alleen de cijfers zonder naam blijven over."))
            return redirect("privacy_broker:person", slug=organisation.slug, kind=record.slug, pk=record.pk)
    if action == "erase" and record.erased and not erase_form.errors:
        erase_form.add_error(None, _("Deze gegevens zijn al gewist."))
    if action is not None and action not in ("export_json", "export_page", "erase"):
        messages.error(request, _("Kies wat u wilt doen: downloaden of wissen."))
    events = RightsEvent.objects.filter(
        organisation=organisation, subject_kind=record.kind, subject_ref=record.pk
    ).order_by("-at", "-pk")[:20]
    return render(
        request,
        "privacy/broker_person.html",
        {
            "organisation": organisation,
            "record": record,
            "export_form": export_form,
            "erase_form": erase_form,
            "events": events,
        },
    )
