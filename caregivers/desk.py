"""The broker's desk across requests: who looks after a request (assignment), named
filter sets per broker, and one step done to many requests at once (bulk).

Bulk steps go through the same services as the buttons on one request
(:func:`caregivers.intake.request_mark_ready`, :func:`caregivers.services.request_withdraw`,
:func:`request_assign`), each request in its own transaction, so their rules and
recorded events hold; a request that cannot take the step is reported with the reason
and the others go on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet, TextChoices
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caregivers.filters import RequestQueueFilter
from caregivers.intake import OPEN_STATUSES, request_mark_ready, requests_of_organisation, state_error
from caregivers.models import HelpRequest, SavedQueueFilter
from caregivers.services import request_withdraw
from common.errors import DomainError
from neighbourhoods.models import Organisation, StaffMembership
from neighbourhoods.selectors import is_broker_of

# A request can be given to a broker while someone still works on it.
ASSIGNABLE_STATUSES: tuple[str, ...] = (*OPEN_STATUSES, HelpRequest.Status.MATCHED)
BULK_MAX = 100
SAVED_FILTERS_MAX = 20
SAVED_FILTER_NAME_MAX = SavedQueueFilter._meta.get_field("name").max_length
# Parameters of the queue that a saved filter keeps (never the page number).
SAVED_FILTER_PARAMS = ("tab", "q", "neighbourhood", "kind", "urgency", "status", "age", "assigned", "sort")


# --- Assignment -------------------------------------------------------------------------


def organisation_brokers(*, organisation: Organisation) -> QuerySet:
    """The accounts that may look after a request of ``organisation``: its brokers."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=StaffMembership.CARE_FILE_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def broker_name(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


def request_assign(*, request: HelpRequest, to, by) -> HelpRequest:
    """Give ``request`` to the broker ``to`` (``None``: to nobody). Only brokers of the
    request's organisation may do it and be chosen; a closed request keeps its broker."""
    if by is None or not is_broker_of(by, request.organisation_id):
        raise DomainError(_("Alleen makelaars van deze organisatie kunnen een vraag toewijzen."))
    if to is not None and not (to.is_active and is_broker_of(to, request.organisation_id)):
        raise DomainError(_("%(name)s is geen makelaar van deze organisatie.") % {"name": broker_name(to)})
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in ASSIGNABLE_STATUSES:
            raise state_error(locked.status)
        HelpRequest.objects.filter(pk=locked.pk).update(assigned_to=to, updated_at=timezone.now())
    request.assigned_to = to
    return request


# --- Saved filters --------------------------------------------------------------------------


def queue_query_clean(
    data: QueryDict, *, organisation: Organisation, user, now: datetime.datetime, filterset=None
) -> str:
    """The queue's query string with only the known parameters the filter form accepts
    (an unknown status or a neighbourhood of another municipality is left out).
    ``filterset``: the queue's own :class:`RequestQueueFilter` of ``data``, when the
    caller has one (the queue page), so that the form is not built and checked twice."""
    if filterset is None:
        filterset = RequestQueueFilter(
            data, queryset=HelpRequest.objects.none(), organisation=organisation, now=now, user=user
        )
    form = filterset.form
    form.is_valid()
    pairs = []
    for name in SAVED_FILTER_PARAMS:
        value = (data.get(name) or "").strip()
        if value and name not in form.errors:
            pairs.append((name, value))
    return urlencode(pairs)


def saved_filters(*, user, organisation: Organisation) -> QuerySet[SavedQueueFilter]:
    return SavedQueueFilter.objects.filter(user=user, organisation=organisation).order_by("name", "pk")


def saved_filter_save(*, user, organisation: Organisation, name: str, query: str) -> SavedQueueFilter:
    """Store (or replace, by name) the broker's filter set. ``query`` must already be
    cleaned with :func:`queue_query_clean`."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Geef het filter een naam."), field="name")
    if len(name) > SAVED_FILTER_NAME_MAX:
        raise DomainError(
            _("Gebruik voor de naam hoogstens %(limit)s tekens, nu %(count)s.")
            % {"limit": SAVED_FILTER_NAME_MAX, "count": len(name)},
            field="name",
        )
    if not is_broker_of(user, organisation.pk):
        raise DomainError(_("Alleen makelaars van deze organisatie kunnen filters bewaren."))
    with transaction.atomic():
        existing = SavedQueueFilter.objects.select_for_update().filter(user=user, organisation=organisation)
        same = existing.filter(name=name).first()
        if same is not None:
            same.query = query
            same.save(update_fields=["query"])
            return same
        if existing.count() >= SAVED_FILTERS_MAX:
            raise DomainError(
                _("U heeft al %(limit)s bewaarde filters. Verwijder er eerst een.") % {"limit": SAVED_FILTERS_MAX},
                field="name",
            )
        return SavedQueueFilter.objects.create(user=user, organisation=organisation, name=name, query=query)


def saved_filter_delete(*, user, organisation: Organisation, pk: int) -> None:
    """Remove one of the broker's own filters; 404 for anyone else's."""
    deleted, _rows = SavedQueueFilter.objects.filter(user=user, organisation=organisation, pk=pk).delete()
    if not deleted:
        raise Http404


# --- Bulk steps -------------------------------------------------------------------------------


class BulkAction(TextChoices):
    ASSIGN = "assign", gettext_lazy("Toewijzen aan")
    UNASSIGN = "unassign", gettext_lazy("Niemand toewijzen")
    READY = "ready", gettext_lazy("Klaarzetten om te koppelen")
    WITHDRAW = "withdraw", gettext_lazy("Intrekken, met reden")


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one selected request: done, or why not."""

    pk: int
    name: str
    done: bool
    message: str


def requests_bulk(
    *,
    organisation: Organisation,
    pks: Iterable[int],
    action: str,
    by,
    assignee=None,
    reason: str = "",
) -> list[BulkOutcome]:
    """Do ``action`` to each request ``pks`` of ``organisation``, in the order given,
    each on its own (one that fails changes nothing and stops nothing)."""
    if action not in BulkAction.values:
        raise DomainError(_("Deze actie kennen we niet. Kies een van de mogelijkheden."), field="action")
    wanted = list(dict.fromkeys(pks))
    if not wanted:
        raise DomainError(_("Kies eerst een of meer vragen."), field="requests")
    if len(wanted) > BULK_MAX:
        raise DomainError(
            _("Kies hoogstens %(limit)s vragen tegelijk, nu %(count)s.") % {"limit": BULK_MAX, "count": len(wanted)},
            field="requests",
        )
    if action == BulkAction.ASSIGN and assignee is None:
        raise DomainError(_("Kies aan wie u de vragen toewijst."), field="assignee")
    if action == BulkAction.WITHDRAW and not (reason or "").strip():
        raise DomainError(_("Schrijf op waarom de vragen worden ingetrokken."), field="reason")
    found = {r.pk: r for r in requests_of_organisation(organisation=organisation).filter(pk__in=wanted)}
    outcomes = []
    for pk in wanted:
        item = found.get(pk)
        if item is None:
            outcomes.append(BulkOutcome(pk, "", False, _("Deze vraag bestaat niet of hoort niet bij uw organisatie.")))
            continue
        name = f"{item.requester_first_name} {item.requester_last_name}".strip()
        try:
            if action == BulkAction.ASSIGN:
                request_assign(request=item, to=assignee, by=by)
                message = _("Toegewezen aan %(name)s.") % {"name": broker_name(assignee)}
            elif action == BulkAction.UNASSIGN:
                request_assign(request=item, to=None, by=by)
                message = _("Aan niemand meer toegewezen.")
            elif action == BulkAction.READY:
                request_mark_ready(request=item, by=by)
                message = _("Staat klaar om te koppelen.")
            else:
                request_withdraw(request=item, by=by, reason=reason)
                message = _("Ingetrokken.")
        except DomainError as error:
            outcomes.append(BulkOutcome(pk, name, False, error.message))
        else:
            outcomes.append(BulkOutcome(pk, name, True, message))
    return outcomes
