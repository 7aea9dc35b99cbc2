"""Reads about volunteers: profiles, the skills catalogue, availability and screening (VOG)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import roles_for
from common.languages import language_label
from common.slots import Slot
from neighbourhoods.models import Neighbourhood, Organisation, Skill
from volunteers.models import TARGET_GROUPS, AvailabilitySlot, VogCheck, Volunteer

# A VOG that runs out within this many days is flagged so the broker can ask for a new one in time.
VOG_EXPIRING_DAYS = 60

VogState = Literal["valid", "expiring", "expired", "none"]
VOG_STATES: dict[str, str] = {
    "valid": gettext_lazy("geldig"),
    "expiring": gettext_lazy("verloopt binnenkort"),
    "expired": gettext_lazy("verlopen"),
    "none": gettext_lazy("geen VOG"),
}

# Languages offered as checkboxes: common.languages (requests use them too).


# --- Profile -----------------------------------------------------------------


def volunteer_for_user(user) -> Volunteer | None:
    """The volunteer profile of ``user`` (with what the profile page shows), or None."""
    if not user.is_authenticated:
        return None
    return (
        Volunteer.objects.filter(user=user)
        .select_related("organisation", "neighbourhood__municipality")
        .prefetch_related(_skills_prefetch(), "availability")
        .first()
    )


def volunteer_slots(volunteer: Volunteer) -> list[Slot]:
    """The volunteer's weekly availability as plain slots, sorted by day and time.

    Uses the prefetched ``availability`` when there is one (no extra query in lists)."""
    return sorted(slot.as_slot() for slot in volunteer.availability.all())


def volunteer_language_labels(volunteer: Volunteer) -> list[str]:
    return [language_label(code) for code in volunteer.language_codes()]


def volunteer_target_group_labels(volunteer: Volunteer) -> list[str]:
    return [str(TARGET_GROUPS[code]) for code in volunteer.target_groups if code in TARGET_GROUPS]


def volunteer_account_kept_reason(user) -> str:
    """Why a login must stay when its volunteer profile is deleted ('' = it may go):
    the same person also cares for someone, asks for help or works for an organisation."""
    roles = roles_for(user)
    if roles.is_mantelzorger or roles.is_help_seeker:
        return _("U heeft ook een account als mantelzorger of hulpvrager. Dat account blijft bestaan.")
    if roles.is_staff_member or user.is_staff or user.is_superuser:
        return _("U werkt ook voor een organisatie in Buurtmakelaar. Uw account blijft daarom bestaan.")
    return ""


# --- Skills catalogue ----------------------------------------------------------


def _skills_prefetch() -> Prefetch:
    return Prefetch("skills", queryset=Skill.objects.order_by("label"))


# --- Where someone lives -------------------------------------------------------


# --- Screening (VOG) -----------------------------------------------------------


def volunteer_vog_state(volunteer: Volunteer, on: datetime.date) -> VogState:
    """``valid``, ``expiring`` (valid, but runs out within VOG_EXPIRING_DAYS),
    ``expired`` or ``none``, judged on the date ``on``."""
    until = volunteer.vog_valid_until
    if until is None:
        return "none"
    if until < on:
        return "expired"
    if until <= on + datetime.timedelta(days=VOG_EXPIRING_DAYS):
        return "expiring"
    return "valid"


def vog_state_q(state: str, on: datetime.date) -> Q:
    """The same rule as :func:`volunteer_vog_state`, as a filter on Volunteer."""
    soon = on + datetime.timedelta(days=VOG_EXPIRING_DAYS)
    return {
        "valid": Q(vog_valid_until__gt=soon),
        "expiring": Q(vog_valid_until__gte=on, vog_valid_until__lte=soon),
        "expired": Q(vog_valid_until__lt=on),
        "none": Q(vog_valid_until__isnull=True),
    }[state]


def volunteer_can_do_respite(volunteer: Volunteer, on: datetime.date) -> bool:
    """Respite (a vulnerable person at home) needs a VOG that is valid on ``on``.

    Only the screening rule: activity, pauses and capacity are checked by the
    matching engine itself."""
    return volunteer_vog_state(volunteer, on) in ("valid", "expiring")


def volunteer_vog_history(volunteer: Volunteer) -> QuerySet[VogCheck]:
    return volunteer.vog_checks.select_related("checked_by").order_by("-checked_at", "-pk")


# --- Broker lists ----------------------------------------------------------------


def volunteers_of_organisation(*, organisation: Organisation) -> QuerySet[Volunteer]:
    """All volunteers of ``organisation``, with what a list row shows (no N+1)."""
    return (
        Volunteer.objects.filter(organisation=organisation)
        .select_related("neighbourhood")
        .prefetch_related(
            _skills_prefetch(),
            Prefetch("availability", queryset=AvailabilitySlot.objects.order_by("weekday", "start")),
        )
        .order_by("last_name", "first_name", "pk")
    )


def volunteer_status_q(status: str, on: datetime.date) -> Q:
    """``active`` (can get proposals), ``paused`` (holiday) or ``inactive``."""
    paused = Q(paused_until__gte=on)
    return {
        "active": Q(is_active=True) & ~paused,
        "paused": Q(is_active=True) & paused,
        "inactive": Q(is_active=False),
    }[status]


def neighbourhoods_of_organisation(organisation: Organisation) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(municipality__organisations=organisation).select_related("municipality")


def volunteer_roles(user) -> dict:
    """The volunteer part of ``accounts.roles.Roles``."""
    return {"is_volunteer": Volunteer.objects.filter(user=user).exists()}


def volunteer_profile(user) -> Volunteer | None:
    return Volunteer.objects.filter(user=user).first()


def volunteer_thanks_text(*, organisation) -> str:
    """The organisation's own thank-you to its volunteers, or "" (then a standard text)."""
    from volunteers.models import VolunteerThanks

    return VolunteerThanks.objects.filter(organisation=organisation).values_list("text", flat=True).first() or ""
