"""Signals ("erop af"): staff pass on a signal about someone; the broker reads it,
turns it into a request (the "request for someone" form, prefilled) or closes it.

Entering a signal is for brokers and admins (``StaffMembership.CASEWORK_ROLES``);
reading and handling one is for brokers only, like every care file, and every page that
shows a signal writes a row in the access log (``caregivers.access.signal_read``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLogEntry
from caregivers.access import signal_read
from caregivers.broker_forms import SignalCloseForm, SignalForm
from caregivers.models import CareSignal
from caregivers.outreach import signal_close, signal_for_broker, signal_submit
from caregivers.views.broker import STAFF_ROLES, _add_domain_error
from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import may_read_care_files, staff_organisation

What = AccessLogEntry.What
ENTER_ROLES = set(StaffMembership.CASEWORK_ROLES)


@login_required
def signal_new(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ENTER_ROLES)
    form = SignalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signal = signal_submit(organisation=organisation, by=request.user, **form.service_kwargs())
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Het signaal over %(name)s is doorgegeven. Een makelaar neemt contact op.")
                % {"name": signal.first_name},
            )
            if may_read_care_files(request.user, organisation.pk):
                return redirect("caregivers_broker:signal", slug=organisation.slug, pk=signal.pk)
            return redirect("caregivers_broker:signal_new", slug=organisation.slug)
    return render(
        request,
        "caregivers/broker/signal_new.html",
        {"organisation": organisation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _render_signal(request, organisation, signal, *, form=None, status=200):
    signal_read(request=request, signal=signal, what=What.SIGNAL)
    age_days = max((timezone.now() - signal.created_at).days, 0)
    return render(
        request,
        "caregivers/broker/signal.html",
        {
            "organisation": organisation,
            "signal": signal,
            "age_days": age_days,
            "is_open": signal.status == CareSignal.Status.OPEN,
            "close_form": form or SignalCloseForm(),
        },
        status=status,
    )


@login_required
def signal_detail(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)
    signal = signal_for_broker(organisation=organisation, pk=pk)
    return _render_signal(request, organisation, signal)


@login_required
@require_POST
def signal_close_view(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)
    signal = signal_for_broker(organisation=organisation, pk=pk)
    form = SignalCloseForm(request.POST)
    if form.is_valid():
        try:
            signal_close(signal=signal, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("Het signaal is afgesloten."))
            return redirect("caregivers_broker:queue", slug=organisation.slug)
    signal = signal_for_broker(organisation=organisation, pk=pk)
    return _render_signal(request, organisation, signal, form=form, status=400)
