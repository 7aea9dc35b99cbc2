"""The partner's own pages (``/partner/``, namespace ``partners``): the profile, the
vacancies and the responses to them, and the signals it passes to the centre. Every
object is looked up through the user's partner membership: another partner's vacancy
or response is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caregivers.broker_forms import PartnerSignalForm
from caregivers.outreach import signal_submit, signals_of_partner
from common.errors import DomainError
from partners.forms import PartnerProfileForm, VacancyForm
from partners.models import Response, Vacancy
from partners.organised import organised_for
from partners.selectors import (
    partner_for_user,
    partner_vacancies,
    partners_of_user,
    response_for_user,
    vacancy_for_user,
    vacancy_responses,
)
from partners.services import (
    partner_profile_update,
    response_decide,
    vacancy_close,
    vacancy_save,
)
from partners.views.common import add_domain_error


@login_required
def home(request):
    """The partner's start: every partner this person works for, with its vacancies."""
    partners = partners_of_user(request.user)
    if not partners:
        raise Http404
    blocks = [(partner, list(partner_vacancies(partner)), organised_for(partner_id=partner.pk)) for partner in partners]
    return render(request, "partners/partner/home.html", {"blocks": blocks})


@login_required
def profile(request, pk):
    partner = partner_for_user(user=request.user, pk=pk)
    form = PartnerProfileForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            partner_profile_update(
                partner=partner_for_user(user=request.user, pk=pk), by=request.user, values=form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Het profiel is opgeslagen."))
            return redirect("partners:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/partner/profile.html", {"partner": partner, "form": form}, status=status)


def _vacancy_page(request, partner, form, vacancy=None):
    status = 400 if request.method == "POST" else 200
    context = {"partner": partner, "form": form, "vacancy": vacancy}
    return render(request, "partners/partner/vacancy_form.html", context, status=status)


@login_required
def vacancy_new(request, pk):
    partner = partner_for_user(user=request.user, pk=pk)
    form = VacancyForm(request.POST or None, organisation=partner.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = vacancy_save(partner=partner, by=request.user, **form.service_values())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if vacancy.status == Vacancy.Status.REVIEW:
                messages.success(
                    request, _("De vacature is opgeslagen. De centrale kijkt er eerst naar; daarna staat hij online.")
                )
            else:
                messages.success(request, _("De vacature staat online."))
            return redirect("partners:home")
    return _vacancy_page(request, partner, form)


def _own_vacancy(request, vacancy_pk) -> tuple:
    """The vacancy ``vacancy_pk`` of a partner this person works for (404 otherwise)."""
    vacancy = vacancy_for_user(user=request.user, pk=vacancy_pk)
    return vacancy.partner, vacancy


@login_required
def vacancy_edit(request, vacancy_pk):
    partner, vacancy = _own_vacancy(request, vacancy_pk)
    form = VacancyForm(
        request.POST or None, organisation=partner.organisation, initial=VacancyForm.initial_for(vacancy)
    )
    if request.method == "POST" and form.is_valid():
        try:
            vacancy_save(partner=partner, by=request.user, vacancy=vacancy, **form.service_values())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("De vacature is opgeslagen."))
            return redirect("partners:home")
    return _vacancy_page(request, partner, form, vacancy)


@login_required
@require_POST
def vacancy_close_view(request, vacancy_pk):
    partner, vacancy = _own_vacancy(request, vacancy_pk)
    vacancy_close(vacancy=vacancy, by=request.user)
    messages.success(request, _("De vacature staat niet meer online."))
    return redirect("partners:home")


@login_required
def responses(request, vacancy_pk):
    """The responses to one of the partner's own vacancies: name and note; the contact
    details only of the ones it accepted."""
    partner, vacancy = _own_vacancy(request, vacancy_pk)
    rows = list(vacancy_responses(vacancy))
    accepted = sum(1 for row in rows if row.status == Response.Status.ACCEPTED)
    context = {"partner": partner, "vacancy": vacancy, "rows": rows, "places_left": max(0, vacancy.places - accepted)}
    return render(request, "partners/partner/responses.html", context)


def _decide(request, response_pk, *, accept: bool):
    response = response_for_user(user=request.user, pk=response_pk)
    try:
        response_decide(response=response, by=request.user, accept=accept, base_url=request.build_absolute_uri("/"))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("partners:responses", vacancy_pk=response.vacancy_id)
    if accept:
        messages.success(request, _("U heeft deze vrijwilliger aangenomen. U ziet nu de contactgegevens."))
    else:
        messages.success(request, _("U heeft deze reactie afgewezen. De vrijwilliger krijgt een mail."))
    return redirect("partners:responses", vacancy_pk=response.vacancy_id)


@login_required
@require_POST
def response_accept(request, response_pk):
    return _decide(request, response_pk, accept=True)


@login_required
@require_POST
def response_decline(request, response_pk):
    return _decide(request, response_pk, accept=False)


@login_required
def signal_new(request, pk):
    """The partner passes a signal ("erop af") about someone who may need support, with
    the person's consent; it lands in the broker's queue like a staff signal."""
    partner = partner_for_user(user=request.user, pk=pk)
    form = PartnerSignalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signal = signal_submit(
                organisation=partner.organisation, by=request.user, partner=partner, **form.service_kwargs()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            when = formats.date_format(timezone.localtime(signal.created_at), "j F Y")
            messages.success(request, _("Doorgegeven op %(date)s.") % {"date": when})
            return redirect("partners:signals", pk=partner.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/partner/signal_new.html", {"partner": partner, "form": form}, status=status)


@login_required
def signals(request, pk):
    """The signals this partner passed: the date and the status only."""
    partner = partner_for_user(user=request.user, pk=pk)
    rows = list(signals_of_partner(organisation=partner.organisation, partner_pk=partner.pk))
    return render(request, "partners/partner/signals.html", {"partner": partner, "rows": rows})
