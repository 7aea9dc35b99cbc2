"""Reads about partners, their vacancies and the responses, each scoped to who asks:
a partner's people see their own partner's rows only (404 elsewhere), the public sees
published vacancies that are not over."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from neighbourhoods.models import Organisation
from partners.models import Partner, PartnerMembership, PartnerSettings, Response, Vacancy


def partner_roles(user) -> dict:
    """The partner part of ``accounts.roles.Roles``: the partners this person works for."""
    partners = tuple(
        Partner.objects.filter(memberships__user=user, is_active=True).select_related("organisation").order_by("name")
    )
    return {"partner_of": partners}


def referral_targets(organisation_id: int) -> list[tuple[int, str]]:
    """The organisation's active partners, for the broker's warm referral."""
    return list(
        Partner.objects.filter(organisation_id=organisation_id, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def partner_settings(organisation: Organisation) -> PartnerSettings:
    """The organisation's partner settings (the defaults when it never saved any)."""
    found = PartnerSettings.objects.filter(organisation=organisation).first()
    return found or PartnerSettings(organisation=organisation)


def partner_for_user(*, user, pk: int) -> Partner:
    """Partner ``pk`` when ``user`` works for it; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    found = Partner.objects.filter(pk=pk, is_active=True, memberships__user=user).select_related("organisation").first()
    if found is None:
        raise Http404
    return found


def partners_of_user(user) -> list[Partner]:
    if not user.is_authenticated:
        return []
    return list(Partner.objects.filter(memberships__user=user, is_active=True).order_by("name"))


def vacancy_for_user(*, user, pk: int) -> Vacancy:
    """Vacancy ``pk`` of a partner ``user`` works for; another partner's is a 404."""
    if not user.is_authenticated:
        raise Http404
    found = (
        Vacancy.objects.filter(pk=pk, partner__is_active=True, partner__memberships__user=user)
        .select_related("partner", "partner__organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def response_for_user(*, user, pk: int) -> Response:
    """Response ``pk`` to a vacancy of a partner ``user`` works for; any other is a 404."""
    if not user.is_authenticated:
        raise Http404
    found = (
        Response.objects.filter(pk=pk, vacancy__partner__is_active=True, vacancy__partner__memberships__user=user)
        .select_related("vacancy", "vacancy__partner", "volunteer")
        .first()
    )
    if found is None:
        raise Http404
    return found


def partner_vacancies(partner: Partner) -> QuerySet[Vacancy]:
    return (
        Vacancy.objects.filter(partner=partner)
        .annotate(
            n_responses=Count("responses", filter=~Q(responses__status=Response.Status.WITHDRAWN)),
            n_new=Count("responses", filter=Q(responses__status=Response.Status.NEW)),
            n_accepted=Count("responses", filter=Q(responses__status=Response.Status.ACCEPTED)),
        )
        .order_by("-created_at", "-pk")
    )


def vacancy_responses(vacancy: Vacancy) -> QuerySet[Response]:
    return (
        vacancy.responses.exclude(status=Response.Status.WITHDRAWN)
        .select_related("volunteer")
        .order_by("created_at", "pk")
    )


def organisation_partners(organisation: Organisation) -> QuerySet[Partner]:
    return (
        Partner.objects.filter(organisation=organisation)
        .annotate(n_people=Count("memberships", distinct=True), n_vacancies=Count("vacancies", distinct=True))
        .order_by("name")
    )


def vacancies_to_review(organisation: Organisation) -> QuerySet[Vacancy]:
    return (
        Vacancy.objects.filter(partner__organisation=organisation, status=Vacancy.Status.REVIEW)
        .select_related("partner")
        .order_by("created_at", "pk")
    )


# --- Public ---------------------------------------------------------------------------------


def public_vacancies(*, today: datetime.date | None = None) -> QuerySet[Vacancy]:
    """Published vacancies of active partners that are not over: "until" not passed and a
    one-off date not in the past."""
    today = today or timezone.localdate()
    return (
        Vacancy.objects.filter(status=Vacancy.Status.PUBLISHED, partner__is_active=True)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .exclude(when=Vacancy.When.ONE_OFF, date__lt=today)
        .select_related("partner", "neighbourhood__municipality")
        .prefetch_related("skills", "slots")
    )


def public_vacancy(*, pk: int) -> Vacancy:
    found = public_vacancies().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def responded(*, volunteer, vacancies) -> set[int]:
    """Ids of the vacancies ``volunteer`` already responded to."""
    if volunteer is None:
        return set()
    return set(Response.objects.filter(volunteer=volunteer, vacancy__in=vacancies).values_list("vacancy_id", flat=True))


def volunteer_responses(volunteer) -> QuerySet[Response]:
    return Response.objects.filter(volunteer=volunteer).select_related("vacancy", "vacancy__partner")


def is_partner_member(user) -> bool:
    return user.is_authenticated and PartnerMembership.objects.filter(user=user).exists()


# --- Figures for the centre -------------------------------------------------------------------


def vacancy_figures(*, organisation: Organisation, start: datetime.datetime, end: datetime.datetime) -> dict[str, int]:
    """Vacancies posted (published in the period), of those filled (as many accepted
    responses as places), responses received and volunteers accepted in the period. Two
    queries."""
    accepted = (
        Response.objects.filter(vacancy=OuterRef("pk"), status=Response.Status.ACCEPTED)
        .order_by()
        .values("vacancy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    vacancies = (
        Vacancy.objects.filter(partner__organisation=organisation, published_at__gte=start, published_at__lt=end)
        .annotate(n_accepted=Coalesce(Subquery(accepted, output_field=IntegerField()), 0))
        .aggregate(posted=Count("pk"), filled=Count("pk", filter=Q(n_accepted__gte=F("places"))))
    )
    responses = Response.objects.filter(vacancy__partner__organisation=organisation).aggregate(
        received=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        accepted=Count("pk", filter=Q(status=Response.Status.ACCEPTED, decided_at__gte=start, decided_at__lt=end)),
    )
    return {
        "vacancies_posted": vacancies["posted"],
        "vacancies_filled": vacancies["filled"],
        "responses": responses["received"],
        "responses_accepted": responses["accepted"],
    }
