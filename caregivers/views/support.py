"""Support for carers beyond respite: the carer's page with what the organisation offers
and a request to talk with the carer consultant, and the admin's page that keeps the texts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from caregivers.broker_forms import CarerSupportForm
from caregivers.outreach import SUPPORT_FIELDS, carer_support_of, carer_support_update, consultant_request
from caregivers.selectors import mantelzorger_for_user
from caregivers.views.broker import _add_domain_error
from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation


class ConsultantForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Waar wilt u over praten? (mag leeg blijven)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        error_messages={
            "max_length": gettext_lazy("Dit is te lang: hoogstens %(limit_value)d tekens (nu %(show_value)d).")
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def carer_support(request):
    mantelzorger = mantelzorger_for_user(request.user)
    if mantelzorger is None:
        return redirect("caregivers:mantelzorger_start")
    form = ConsultantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultant_request(mantelzorger=mantelzorger, by=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request, _("Uw vraag om een gesprek is verstuurd. De mantelzorgconsulent neemt contact met u op.")
            )
            return redirect("caregivers:support")
    return render(
        request,
        "caregivers/support.html",
        {
            "support": carer_support_of(mantelzorger.organisation),
            "organisation": mantelzorger.organisation,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def carer_support_edit(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.ADMIN})
    support = carer_support_of(organisation)
    initial = {name: getattr(support, name) for name in SUPPORT_FIELDS} if support else None
    form = CarerSupportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            carer_support_update(organisation=organisation, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("De teksten voor mantelzorgers zijn opgeslagen."))
            return redirect("caregivers_broker:support_edit", slug=organisation.slug)
    return render(
        request,
        "caregivers/broker/support_edit.html",
        {"organisation": organisation, "form": form},
        status=400 if request.method == "POST" else 200,
    )
