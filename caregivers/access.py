"""Whose file a page about a request or a mantelzorger shows, for the access log.

``audit.services.access_record`` stores a pseudonymous subject (``audit.services.Subject``);
this module is the one place that decides it for the people of this app:

* a request of a mantelzorger (directly, or through the person they care for): the
  mantelzorger's care file, ``mantelzorger:<id>``;
* any other request of someone with an account: ``user:<requester id>``;
* a request entered on behalf of someone without an account: ``request:<id>``.

The request's id is always kept as well, so that the person's own page and the privacy
officer's filter find every read of it.
"""

from __future__ import annotations

from django.db.models import Q

from audit.registry import MAX_IDS
from audit.services import Subject, access_record
from caregivers.models import CareSignal, HelpRequest, Mantelzorger


def request_owner_mantelzorger_id(help_request: HelpRequest) -> int | None:
    if help_request.mantelzorger_id:
        return help_request.mantelzorger_id
    if help_request.care_recipient_id:
        return help_request.care_recipient.mantelzorger_id
    return None


def request_subject(help_request: HelpRequest) -> Subject:
    mantelzorger_id = request_owner_mantelzorger_id(help_request)
    if mantelzorger_id is not None:
        key = f"mantelzorger:{mantelzorger_id}"
    elif help_request.requester_id:
        key = f"user:{help_request.requester_id}"
    else:
        key = f"request:{help_request.pk}"
    return Subject(
        key=key,
        organisation_id=help_request.organisation_id,
        mantelzorger_id=mantelzorger_id,
        user_id=help_request.requester_id,
        request_id=help_request.pk,
    )


def mantelzorger_subject(mantelzorger: Mantelzorger) -> Subject:
    return Subject(
        key=f"mantelzorger:{mantelzorger.pk}",
        organisation_id=mantelzorger.organisation_id,
        mantelzorger_id=mantelzorger.pk,
        user_id=mantelzorger.user_id,
    )


def request_read(*, request, help_request: HelpRequest, what: str, role: str = "", obj=None):
    """Log that the page answering ``request`` shows ``help_request``'s care data."""
    return access_record(
        request=request, subject=request_subject(help_request), what=what, obj=obj or help_request, role=role
    )


def signal_subject(signal: CareSignal) -> Subject:
    """A signal that became a request belongs to that request's file; else to itself
    (``signal:<id>``: the person is known by the signal only)."""
    if signal.request_id is not None:
        return request_subject(signal.request)
    return Subject(key=f"signal:{signal.pk}", organisation_id=signal.organisation_id)


def signal_read(*, request, signal: CareSignal, what: str):
    """Log that the page answering ``request`` shows ``signal``."""
    return access_record(request=request, subject=signal_subject(signal), what=what, obj=signal)


def subjects_named(*, organisation_id: int, text: str) -> dict[str, list[int]]:
    """The organisation's mantelzorgers and requests whose name (every word) or e-mail
    address matches ``text``: the privacy officer's search in the log."""
    words = text.split()[:5]
    if not words:
        return {}
    carers = Mantelzorger.objects.filter(organisation_id=organisation_id)
    requests = HelpRequest.objects.filter(organisation_id=organisation_id)
    for word in words:
        carers = carers.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__iexact=word))
        requests = requests.filter(
            Q(requester_first_name__icontains=word) | Q(requester_last_name__icontains=word) | Q(email__iexact=word)
        )
    return {
        "mantelzorger": list(carers.values_list("pk", flat=True)[:MAX_IDS]),
        "request": list(requests.values_list("pk", flat=True)[:MAX_IDS]),
    }
