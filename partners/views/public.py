"""The public vacancy pages (``/vacatures/``, namespace ``vacancies``): the search for
everybody without an account, one vacancy, the one-click response and "past bij u"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.errors import DomainError
from neighbourhoods.mapdraw import tiles_context
from partners.filters import VacancyFilter
from partners.fit import vacancies_fitting
from partners.forms import ResponseForm
from partners.maps import vacancy_features, vacancy_map
from partners.selectors import public_vacancies, public_vacancy, responded, volunteer_responses
from partners.seo import vacancy_structured_data, vacancy_summary
from partners.services import response_submit
from partners.views.common import add_domain_error
from volunteers.models import Volunteer

PAGE_SIZE = 50


def _volunteer_of(user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).select_related("organisation").first()


def vacancy_list(request):
    """Public: search the vacancies of every centre's partners."""
    search = VacancyFilter(request.GET or None, queryset=public_vacancies().order_by("-published_at", "-pk"))
    vacancies = list(search.qs[:PAGE_SIZE])
    volunteer = _volunteer_of(request.user)
    context = {
        "filter": search,
        "vacancies": vacancies,
        "vacancy_map": vacancy_map(vacancies),
        "responded": responded(volunteer=volunteer, vacancies=vacancies),
        "volunteer": volunteer,
        "page_size": PAGE_SIZE,
    }
    tiles = tiles_context()
    if tiles and context["vacancy_map"]:
        context.update(tiles=tiles, map_features=vacancy_features(vacancies), features_id="vacancymap-features")
    return render(request, "partners/public/list.html", context, status=400 if search.form.errors else 200)


def vacancy_detail(request, pk):
    """Public, server-rendered, with what search engines and link previews read: a
    canonical address, Open Graph tags and schema.org data (``partners.seo``)."""
    vacancy = public_vacancy(pk=pk)
    volunteer = _volunteer_of(request.user)
    url = request.build_absolute_uri(reverse("vacancies:detail", args=[vacancy.pk]))
    context = {
        "vacancy": vacancy,
        "volunteer": volunteer,
        "already": bool(responded(volunteer=volunteer, vacancies=[vacancy])),
        "form": ResponseForm(vacancy=vacancy),
        "canonical_url": url,
        "summary": vacancy_summary(vacancy),
        "structured_data": vacancy_structured_data(vacancy, url=url),
    }
    return render(request, "partners/public/detail.html", context)


@login_required
def vacancy_respond(request, pk):
    """A volunteer says "ik wil dit doen", with a short note. Someone without a volunteer
    profile signs up first (and comes back here)."""
    vacancy = public_vacancy(pk=pk)
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        messages.info(request, _("Meld u eerst aan als vrijwilliger. Daarna kunt u reageren."))
        return redirect("volunteers:start")
    form = ResponseForm(request.POST or None, vacancy=vacancy)
    if request.method == "POST" and form.is_valid():
        try:
            response_submit(
                vacancy=vacancy,
                volunteer=volunteer,
                note=form.cleaned_data["note"],
                age_confirmed=form.cleaned_data.get("age_confirmed", True),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Uw reactie is verstuurd naar %(partner)s.") % {"partner": vacancy.partner.name}
            )
            return redirect("vacancies:mine")
    context = {
        "vacancy": vacancy,
        "volunteer": volunteer,
        "form": form,
        "already": bool(responded(volunteer=volunteer, vacancies=[vacancy])),
    }
    return render(request, "partners/public/detail.html", context, status=400 if request.method == "POST" else 200)


@login_required
def vacancy_fit(request):
    """ "Past bij u": the public vacancies that fit the volunteer, by the engine's rules."""
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:start")
    fits = vacancies_fitting(volunteer=volunteer, vacancies=public_vacancies())
    context = {
        "fits": fits,
        "volunteer": volunteer,
        "responded": responded(volunteer=volunteer, vacancies=[fit.vacancy for fit in fits]),
        "located": volunteer.point is not None,
    }
    return render(request, "partners/public/fit.html", context)


@login_required
def my_responses(request):
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:start")
    responses = volunteer_responses(volunteer).order_by("-created_at", "-pk")
    return render(request, "partners/public/mine.html", {"responses": responses, "volunteer": volunteer})
