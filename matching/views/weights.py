"""The admin's matching weights (``/organisatie/<slug>/instellingen/gewichten/``,
namespace ``matching_settings``), with a preview: for one ready request, the current
top suggestions next to the order the new weights would give. The preview never saves;
saving goes through ``neighbourhoods.orgsettings.organisation_settings_update``, which
checks the weights again and records each change in the settings history.

It lives here and not on the settings page in ``neighbourhoods`` because it needs the
matching engine, a layer above."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AccessLogEntry
from caregivers.access import request_read
from caregivers.models import HelpRequest
from common.errors import DomainError
from matching.engine.types import Weights
from matching.loaders import organisation_weights
from matching.selectors import volunteer_candidates
from matching.weight_texts import WEIGHT_HELP, WEIGHT_LABELS
from neighbourhoods.models import StaffMembership
from neighbourhoods.orgsettings import WEIGHT_MAX, clean_weights, organisation_settings_update
from neighbourhoods.selectors import staff_organisation

PREVIEW_LIMIT = 10


class WeightsForm(forms.Form):
    request = forms.TypedChoiceField(
        label=gettext_lazy("Voorbeeld met hulpvraag"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Kies een hulpvraag die klaar is om te koppelen, en klik op ‘Voorbeeld bekijken’."),
        error_messages={"invalid_choice": gettext_lazy("Kies een hulpvraag uit de lijst.")},
    )

    def __init__(self, *args, organisation, current: Weights, **kwargs):
        super().__init__(*args, **kwargs)
        ready = (
            HelpRequest.objects.filter(organisation=organisation, status=HelpRequest.Status.READY)
            .select_related("neighbourhood")
            .order_by("-pk")[:200]
        )
        self.fields["request"].choices = [("", _("Kies een hulpvraag"))] + [
            (r.pk, f"#{r.pk} {r.get_kind_display()} – {r.neighbourhood.name if r.neighbourhood else r.place}")
            for r in ready
        ]
        message = _("Kies een gewicht van 0 tot en met %(max)d.") % {"max": WEIGHT_MAX}
        for name in Weights.names():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=WEIGHT_LABELS.get(name, name),
                help_text=WEIGHT_HELP.get(name, ""),
                min_value=0,
                max_value=WEIGHT_MAX,
                initial=getattr(current, name),
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "size": 5}),
                error_messages={
                    "required": _("Vul een gewicht in (0 zet dit deel uit)."),
                    "invalid": _("Vul een getal in, bijvoorbeeld 1,5."),
                    "min_value": message,
                    "max_value": message,
                },
                localize=True,
            )

    def weights(self) -> dict[str, float]:
        return {name: self.cleaned_data[f"weight_{name}"] for name in Weights.names()}

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                clean_weights(self.weights(), names=Weights.names())
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


def _rows(suggestions) -> list:
    return [{"id": c.volunteer_id, "name": c.name, "score": c.score} for c in suggestions.candidates]


def _preview(request, organisation, help_request, weights: Weights) -> dict:
    now_rows = _rows(volunteer_candidates(organisation=organisation, request=help_request, limit=PREVIEW_LIMIT))
    new_suggestions = volunteer_candidates(
        organisation=organisation, request=help_request, limit=PREVIEW_LIMIT, weights=weights
    )
    new_rows = _rows(new_suggestions)
    before = {row["id"]: position for position, row in enumerate(now_rows, start=1)}
    for position, row in enumerate(new_rows, start=1):
        old = before.get(row["id"])
        row["was"] = old
        moved = 0 if old is None else old - position
        row["up"], row["down"] = max(moved, 0), max(-moved, 0)
    request_read(request=request, help_request=help_request, what=AccessLogEntry.What.SUGGESTIONS)
    return {
        "request": help_request,
        "now": now_rows,
        "new": new_rows,
        "changed": [r["id"] for r in now_rows] != [r["id"] for r in new_rows],
        "problem": new_suggestions.problem,
    }


@login_required
def weights(request, slug) -> HttpResponse:
    """Admin: see and change the weights; ``action=preview`` shows the effect on one
    ready request without saving, ``action=save`` saves."""
    organisation = staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.ADMIN})
    current = organisation_weights(organisation)
    form = WeightsForm(request.POST or None, organisation=organisation, current=current)
    preview = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if not form.is_valid():
            status = 400
        elif action == "preview":
            pk = form.cleaned_data["request"]
            if pk is None:
                form.add_error("request", _("Kies een hulpvraag voor het voorbeeld."))
                status = 400
            else:
                help_request = HelpRequest.objects.get(organisation=organisation, pk=pk)
                preview = _preview(request, organisation, help_request, Weights.from_mapping(form.weights()))
        else:
            try:
                changes = organisation_settings_update(
                    organisation=organisation,
                    by=request.user,
                    values={"matching_weights": form.weights()},
                    weight_names=Weights.names(),
                    weight_defaults=Weights().as_dict(),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 400
            else:
                if changes:
                    messages.success(request, _("De gewichten zijn opgeslagen."))
                else:
                    messages.info(request, _("Er was niets veranderd."))
                return redirect("matching_settings:weights", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "form": form,
        "request_field": form["request"],
        "weight_fields": [form[f"weight_{name}"] for name in Weights.names()],
        "defaults": [(WEIGHT_LABELS.get(name, name), value) for name, value in Weights().as_dict().items()],
        "preview": preview,
    }
    return render(request, "matching/weights.html", context, status=status)
