"""Whose data: the :class:`accounts.personal_data.Subject` of a person with an account
(everything about them), or of one record a broker opens for someone (that
organisation's records only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.personal_data import Subject
from caregivers.models import HelpRequest, Mantelzorger
from caregivers.services import ANONYMOUS_MANTELZORGER, ANONYMOUS_REQUESTER
from neighbourhoods.models import Organisation, StaffMembership
from privacy.models import RightsEvent
from volunteers.models import Volunteer
from volunteers.services import ANONYMOUS_FIRST_NAME as ANONYMOUS_VOLUNTEER

# The kinds of record a broker opens for someone, as they appear in the address.
KIND_SLUGS = {
    "vrijwilliger": RightsEvent.SubjectKind.VOLUNTEER,
    "mantelzorger": RightsEvent.SubjectKind.MANTELZORGER,
    "hulpvraag": RightsEvent.SubjectKind.REQUEST,
}


def _emails(*groups) -> frozenset[str]:
    return frozenset(e.strip().lower() for group in groups for e in group if e and e.strip())


def _phones(*groups) -> frozenset[str]:
    return frozenset(p.strip() for group in groups for p in group if p and p.strip())


def subject_for_user(user) -> Subject:
    """Everything about ``user``: their profiles in every organisation, their requests
    (as requester or as the mantelzorger they are for), their account."""
    from allauth.account.models import EmailAddress

    volunteers = list(Volunteer.objects.filter(user=user).values_list("pk", "email", "phone"))
    carers = list(Mantelzorger.objects.filter(user=user).values_list("pk", "email", "phone"))
    carer_ids = [pk for pk, _email, _phone in carers]
    requests = list(
        HelpRequest.objects.filter(Q(requester=user) | Q(mantelzorger_id__in=carer_ids)).values_list(
            "pk", "email", "phone"
        )
    )
    return Subject(
        user=user,
        volunteer_ids=frozenset(pk for pk, _e, _p in volunteers),
        mantelzorger_ids=frozenset(carer_ids),
        request_ids=frozenset(pk for pk, _e, _p in requests),
        emails=_emails(
            [user.email],
            EmailAddress.objects.filter(user=user).values_list("email", flat=True),
            [e for _pk, e, _p in volunteers],
            [e for _pk, e, _p in carers],
            [e for _pk, e, _p in requests],
        ),
        phones=_phones([p for *_rest, p in volunteers], [p for *_rest, p in carers], [p for *_rest, p in requests]),
    )


@dataclass(frozen=True)
class Record:
    """One record a broker opened for someone, with the subject it stands for."""

    kind: str  # RightsEvent.SubjectKind
    slug: str  # as in the address
    pk: int
    label: str  # the name as the broker knows it (empty once erased)
    erased: bool
    has_account: bool
    subject: Subject


def record_for_broker(*, organisation: Organisation, kind_slug: str, pk: int) -> Record:
    """The record ``pk`` of kind ``kind_slug`` in ``organisation``; 404 for an unknown
    kind, an unknown record, or a record of another organisation.

    A mantelzorger stands for the carer with all their requests in this organisation;
    a request of a mantelzorger stands for that mantelzorger; any other request for its
    requester: with an account, all their requests in this organisation; without one,
    the request alone."""
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    org = organisation.pk
    if kind == RightsEvent.SubjectKind.VOLUNTEER:
        volunteer = Volunteer.objects.filter(pk=pk, organisation_id=org).first()
        if volunteer is None:
            raise Http404
        erased = volunteer.user_id is None and volunteer.first_name == ANONYMOUS_VOLUNTEER
        return Record(
            kind=kind,
            slug=kind_slug,
            pk=pk,
            label=f"{volunteer.first_name} {volunteer.last_name}".strip(),
            erased=erased,
            has_account=volunteer.user_id is not None,
            subject=Subject(
                organisation_id=org,
                volunteer_ids=frozenset({pk}),
                emails=_emails([volunteer.email]),
                phones=_phones([volunteer.phone]),
            ),
        )
    if kind == RightsEvent.SubjectKind.REQUEST:
        request = HelpRequest.objects.filter(pk=pk, organisation_id=org).first()
        if request is None:
            raise Http404
        if request.mantelzorger_id is not None:
            return record_for_broker(organisation=organisation, kind_slug="mantelzorger", pk=request.mantelzorger_id)
        requests = HelpRequest.objects.filter(pk=pk)
        if request.requester_id is not None:
            requests = HelpRequest.objects.filter(requester_id=request.requester_id, organisation_id=org)
        rows = list(requests.values_list("pk", "email", "phone"))
        return Record(
            kind=kind,
            slug=kind_slug,
            pk=pk,
            label=f"{request.requester_first_name} {request.requester_last_name}".strip(),
            erased=request.requester_id is None and request.requester_first_name == ANONYMOUS_REQUESTER,
            has_account=request.requester_id is not None,
            subject=Subject(
                organisation_id=org,
                request_ids=frozenset(p for p, _e, _ph in rows),
                emails=_emails([e for _p, e, _ph in rows]),
                phones=_phones([ph for _p, _e, ph in rows]),
            ),
        )
    carer = Mantelzorger.objects.filter(pk=pk, organisation_id=org).first()
    if carer is None:
        raise Http404
    rows = list(HelpRequest.objects.filter(mantelzorger_id=pk, organisation_id=org).values_list("pk", "email", "phone"))
    return Record(
        kind=kind,
        slug="mantelzorger",
        pk=pk,
        label=f"{carer.first_name} {carer.last_name}".strip(),
        erased=carer.user_id is None and carer.first_name == ANONYMOUS_MANTELZORGER,
        has_account=carer.user_id is not None,
        subject=Subject(
            organisation_id=org,
            mantelzorger_ids=frozenset({pk}),
            request_ids=frozenset(p for p, _e, _ph in rows),
            emails=_emails([carer.email], [e for _p, e, _ph in rows]),
            phones=_phones([carer.phone], [ph for _p, _e, ph in rows]),
        ),
    )


def last_admin_of(user) -> list[Organisation]:
    """The organisations where ``user`` is the only admin: erasing them would leave
    nobody to manage the team."""
    organisations = []
    for membership in StaffMembership.objects.filter(user=user, role=StaffMembership.Role.ADMIN).select_related(
        "organisation"
    ):
        others = StaffMembership.objects.filter(
            organisation_id=membership.organisation_id, role=StaffMembership.Role.ADMIN, user__is_active=True
        ).exclude(user=user)
        if not others.exists():
            organisations.append(membership.organisation)
    return organisations
