"""Reads for mantelzorgers and help requests, as seen by the people themselves.

Care details (the person cared for, burden check-ins) are health data: every
function here starts from the logged-in user or their own Mantelzorger record,
so nobody can reach someone else's file through them. The broker side reads
through its own, organisation-scoped selectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.selectors import reads_about_person, role_label
from caregivers.models import (
    BurdenCheckIn,
    CareRecipient,
    HelpRequest,
    Mantelzorger,
    RequestDate,
    RequestEvent,
    RequestSlot,
)

# Requests that the requester may still withdraw (nothing has been arranged yet).
WITHDRAWABLE_STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY)
# While the broker still clarifies the request, the person may add to the ladder's parts
# (what they can do, who helps, their goal, the language); the same statuses as the intake.
LADDER_EDITABLE_STATUSES = WITHDRAWABLE_STATUSES

# What each status means for the person who asked, in plain words (B1).
REQUEST_STATUS_TEXT: dict[str, str] = {
    HelpRequest.Status.NEW: gettext_lazy("Uw vraag is binnen. Een makelaar neemt contact met u op."),
    HelpRequest.Status.INTAKE: gettext_lazy("Een makelaar bespreekt uw vraag met u."),
    HelpRequest.Status.READY: gettext_lazy("We zoeken een vrijwilliger"),
    HelpRequest.Status.MATCHED: gettext_lazy("Er is een vrijwilliger gevonden"),
    HelpRequest.Status.CLOSED: gettext_lazy("Deze hulp is afgerond"),
    HelpRequest.Status.REFERRED: gettext_lazy("We hebben u doorverwezen naar andere hulp"),
    HelpRequest.Status.WITHDRAWN: gettext_lazy("Deze vraag is ingetrokken"),
}

# Badge colour per status (classes from static/css/site.css).
REQUEST_STATUS_BADGE: dict[str, str] = {
    HelpRequest.Status.NEW: "badge--info",
    HelpRequest.Status.INTAKE: "badge--info",
    HelpRequest.Status.READY: "badge--warning",
    HelpRequest.Status.MATCHED: "badge--success",
    HelpRequest.Status.CLOSED: "",
    HelpRequest.Status.REFERRED: "",
    HelpRequest.Status.WITHDRAWN: "",
}


# One line per step in the request's history, as the requester reads it. Broker
# notes are internal and never shown here.
REQUEST_EVENT_TEXT: dict[str, str] = {
    HelpRequest.Status.NEW: gettext_lazy("Vraag verstuurd"),
    HelpRequest.Status.INTAKE: gettext_lazy("Een makelaar bespreekt de vraag"),
    HelpRequest.Status.READY: gettext_lazy("We zoeken een vrijwilliger"),
    HelpRequest.Status.MATCHED: gettext_lazy("Er is een vrijwilliger gevonden"),
    HelpRequest.Status.CLOSED: gettext_lazy("Afgerond"),
    HelpRequest.Status.REFERRED: gettext_lazy("Doorverwezen naar andere hulp"),
    HelpRequest.Status.WITHDRAWN: gettext_lazy("Ingetrokken"),
}


def request_status_text(status: str) -> str:
    return str(REQUEST_STATUS_TEXT.get(status, status))


# Steps that keep the status, as the requester reads them (by the event's code).
REQUEST_EVENT_CODE_TEXT: dict[str, str] = {
    RequestEvent.Code.LADDER_CHANGED: gettext_lazy("U heeft aangepast wat u zelf kunt en wie helpt"),
}


def request_event_text(status: str) -> str:
    return str(REQUEST_EVENT_TEXT.get(status, status))


def request_event_line(event: RequestEvent) -> str:
    """One line of the requester's history: the step's own text if it has one, else
    the status it reached."""
    text = REQUEST_EVENT_CODE_TEXT.get(event.code)
    return str(text) if text is not None else request_event_text(event.to_status)


# --- Where someone lives -------------------------------------------------------


# --- Mantelzorgers -------------------------------------------------------------


def mantelzorger_for_user(user) -> Mantelzorger | None:
    """The mantelzorger record of ``user`` (with organisation and neighbourhood), or None."""
    if not user.is_authenticated:
        return None
    return (
        Mantelzorger.objects.filter(user=user)
        .select_related("organisation", "neighbourhood__municipality")
        .prefetch_related(Prefetch("care_recipients", queryset=CareRecipient.objects.order_by("pk")))
        .first()
    )


def care_recipients_of(mantelzorger: Mantelzorger) -> QuerySet[CareRecipient]:
    return CareRecipient.objects.filter(mantelzorger=mantelzorger).order_by("pk")


def care_recipient_of_user(*, user, pk: int) -> CareRecipient | None:
    """A care recipient of the user's own mantelzorger record; None for anyone else's."""
    if not user.is_authenticated:
        return None
    return CareRecipient.objects.filter(pk=pk, mantelzorger__user=user).select_related("mantelzorger").first()


def burden_trend(mantelzorger: Mantelzorger, limit: int = 6) -> list[BurdenCheckIn]:
    """The last ``limit`` check-ins, oldest first (the order a trend is read in)."""
    latest = list(BurdenCheckIn.objects.filter(mantelzorger=mantelzorger).order_by("-created_at", "-pk")[:limit])
    return latest[::-1]


def latest_burden(mantelzorger: Mantelzorger) -> BurdenCheckIn | None:
    return BurdenCheckIn.objects.filter(mantelzorger=mantelzorger).order_by("-created_at", "-pk").first()


@dataclass(frozen=True)
class SparkPoint:
    x: float
    y: float
    score: int
    high: bool


@dataclass(frozen=True)
class Sparkline:
    """Geometry for a small inline SVG of burden scores (0 at the bottom, 10 at the top)."""

    width: int
    height: int
    points: tuple[SparkPoint, ...]
    high_y: float  # where the "heavy" line (BurdenCheckIn.HIGH_SCORE) is drawn

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)


def burden_sparkline(trend: list[BurdenCheckIn], *, width: int = 160, height: int = 40, pad: int = 4) -> Sparkline:
    """Server-side sparkline of a burden trend (oldest first): no JavaScript needed."""

    def y_of(score: float) -> float:
        return round(pad + (10 - score) / 10 * (height - 2 * pad), 1)

    n = len(trend)
    step = (width - 2 * pad) / (n - 1) if n > 1 else 0
    points = tuple(
        SparkPoint(
            x=round(pad + i * step, 1) if n > 1 else width / 2,
            y=y_of(checkin.score),
            score=checkin.score,
            high=checkin.is_high,
        )
        for i, checkin in enumerate(trend)
    )
    return Sparkline(width=width, height=height, points=points, high_y=y_of(BurdenCheckIn.HIGH_SCORE))


def burden_direction(trend: list[BurdenCheckIn]) -> str:
    """``up`` (heavier), ``down`` (lighter), ``same`` or ``""`` (too few check-ins)."""
    if len(trend) < 2:
        return ""
    first, last = trend[-2].score, trend[-1].score
    return "up" if last > first else "down" if last < first else "same"


# --- Help requests ---------------------------------------------------------------


def requests_of(user) -> QuerySet[HelpRequest]:
    """The requests ``user`` asked for: as requester, or as the mantelzorger they
    are for (a broker may have entered those). Newest first, ready for a list."""
    if not user.is_authenticated:
        return HelpRequest.objects.none()
    return (
        HelpRequest.objects.filter(Q(requester=user) | Q(mantelzorger__user=user))
        .select_related("care_recipient", "neighbourhood")
        .prefetch_related(
            Prefetch("slots", queryset=RequestSlot.objects.order_by("weekday", "start")),
            Prefetch("dates", queryset=RequestDate.objects.order_by("date", "start")),
        )
        .order_by("-created_at", "-pk")
    )


def request_of_user(*, user, pk: int) -> HelpRequest | None:
    """One of the user's own requests (see :func:`requests_of`), or None."""
    return requests_of(user).filter(pk=pk).prefetch_related("events", "skills").first()


def request_times(request: HelpRequest) -> list[str]:
    """When a request is for, in words: "elke dinsdag 13:00-17:00", "maandag 3 juni 2030, 10:00-12:00".

    Uses the prefetched ``slots`` and ``dates`` (see :func:`requests_of`)."""
    times = [
        _("elke %(day)s %(start)s-%(end)s")
        % {"day": str(WEEKDAYS[slot.weekday]).lower(), "start": f"{slot.start:%H:%M}", "end": f"{slot.end:%H:%M}"}
        for slot in request.slots.all()
    ]
    times += [
        _("%(date)s, %(start)s-%(end)s")
        % {"date": date_format(row.date, "l j F Y"), "start": f"{row.start:%H:%M}", "end": f"{row.end:%H:%M}"}
        for row in request.dates.all()
    ]
    return times


def request_can_be_withdrawn(request: HelpRequest) -> bool:
    return request.status in WITHDRAWABLE_STATUSES


def request_ladder_editable(request: HelpRequest) -> bool:
    return request.status in LADDER_EDITABLE_STATUSES


def withdraw_refusal(status: str) -> str:
    """Why a request in ``status`` can no longer be withdrawn, in plain words."""
    if status == HelpRequest.Status.WITHDRAWN:
        return _("Deze vraag is al ingetrokken.")
    if status == HelpRequest.Status.MATCHED:
        return _(
            "Er is al een vrijwilliger voor deze vraag. Wilt u stoppen? Neem dan contact op met de makelaar. "
            "Die regelt het met de vrijwilliger."
        )
    return _("Deze vraag is al afgesloten. Intrekken kan niet meer.")


def caregiver_roles(user) -> dict:
    """The mantelzorger and help-seeker part of ``accounts.roles.Roles``. Two indexed
    look-ups (the requester's requests; the carer's profile and its requests) instead
    of one OR over a join."""
    mantelzorger_ids = list(Mantelzorger.objects.filter(user=user).values_list("pk", flat=True)[:1])
    is_help_seeker = (
        HelpRequest.objects.filter(requester=user).exists()
        or bool(mantelzorger_ids)
        and HelpRequest.objects.filter(mantelzorger_id=mantelzorger_ids[0]).exists()
    )
    return {"is_mantelzorger": bool(mantelzorger_ids), "is_help_seeker": is_help_seeker}


def mantelzorger_profile(user) -> Mantelzorger | None:
    return Mantelzorger.objects.filter(user=user).first()


def file_reads_of(user) -> list:
    """Who else opened this person's file (their care file as a mantelzorger, their
    account, their requests), newest first, with a plain label of the role."""
    if not user.is_authenticated:
        return []
    mantelzorger_id = Mantelzorger.objects.filter(user=user).values_list("pk", flat=True).first()
    request_ids = HelpRequest.objects.filter(Q(requester=user) | Q(mantelzorger__user=user)).values_list(
        "pk", flat=True
    )
    reads = reads_about_person(user_id=user.pk, mantelzorger_id=mantelzorger_id, request_ids=request_ids)
    for entry in reads:
        entry.role_text = role_label(entry.actor_role)
    return reads


def last_own_request_details(*, user) -> dict | None:
    """Name, address and phone of ``user``'s latest request for herself (not one made
    for someone else: those carry no e-mail address or another one), to prefill the
    next one; None when there is none."""
    if not user.email:
        return None
    return (
        HelpRequest.objects.filter(requester=user, email__iexact=user.email)
        .exclude(postcode="")
        .order_by("-created_at", "-pk")
        .values("requester_first_name", "requester_last_name", "postcode", "house_number", "phone")
        .first()
    )
