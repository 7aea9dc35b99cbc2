"""Reading the access log: the privacy officer's list and a person's own view."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLogEntry
from audit.registry import subjects_named

What = AccessLogEntry.What

# Who opened the file, as a person reads it (the role at the time).
ROLE_LABELS = {
    "broker": _("een makelaar"),
    "admin": _("een beheerder"),
    "privacy_officer": _("de privacy officer"),
    "volunteer": _("de vrijwilliger die u helpt of die gevraagd is"),
    "link": _("iemand met de link uit de e-mail aan een vrijwilliger"),
    "superuser": _("technisch beheer"),
    "admin_site": _("technisch beheer"),
}


def role_label(role: str) -> str:
    """The plainest label of a stored role ("admin,broker" reads as a broker)."""
    parts = set(role.split(","))
    for code in ("broker", "admin", "privacy_officer", "volunteer", "link", "superuser", "admin_site"):
        if code in parts:
            return str(ROLE_LABELS[code])
    return str(_("iemand anders"))


SUBJECT_PATTERN = re.compile(r"^(mantelzorger|user|request|organisation):([0-9]{1,18})$")


def log_of_organisation(
    *,
    organisation,
    subject: str = "",
    actor: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    what: str = "",
) -> QuerySet[AccessLogEntry]:
    """The organisation's log, newest first, filtered. ``subject`` is a key
    (``mantelzorger:12``, ``user:5``, ``request:7``): a key of a person matches the rows
    about them and about their requests, and the queue pages that listed the request.
    Any other text is a name or e-mail address, looked up through ``audit.registry``."""
    rows = AccessLogEntry.objects.filter(organisation_id=organisation.pk)
    match = SUBJECT_PATTERN.match(subject or "")
    if subject and not match:
        # A name or an e-mail address: the ids the people apps know by it.
        found = subjects_named(organisation_id=organisation.pk, text=subject)
        rows = rows.filter(
            Q(subject_mantelzorger_id__in=found["mantelzorger"])
            | Q(subject_request_id__in=found["request"])
            | Q(subject_user_id__in=found["user"])
        )
    if match:
        kind, number = match.group(1), int(match.group(2))
        condition = Q(subject_key=subject)
        if kind == "mantelzorger":
            condition |= Q(subject_mantelzorger_id=number)
        elif kind == "user":
            condition |= Q(subject_user_id=number)
        elif kind == "request":
            condition |= Q(subject_request_id=number) | Q(object_ref__regex=rf"(^|,)helprequest:{number}(,|:|$)")
        rows = rows.filter(condition)
    if actor:
        rows = rows.filter(actor_label__iexact=actor.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        rows = rows.filter(at__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz))
    if date_to:
        rows = rows.filter(
            at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        )
    if what:
        rows = rows.filter(what=what)
    return rows.order_by("-seq")


def reads_about_person(
    *,
    user_id: int | None,
    mantelzorger_id: int | None = None,
    request_ids: Iterable[int] = (),
    mantelzorger_ids: Iterable[int] = (),
    limit: int | None = 50,
) -> list[AccessLogEntry]:
    """Who else opened this person's file: rows about their care file, their account
    or their requests, never their own reads. Lists (the queue, the admin's lists) are
    left out: they name people without opening a file. ``limit=None``: all of them (the
    person's data export)."""
    condition = Q(pk__in=[])
    if user_id is not None:
        condition |= Q(subject_user_id=user_id)
    carers = [*mantelzorger_ids, *([mantelzorger_id] if mantelzorger_id is not None else [])]
    if carers:
        condition |= Q(subject_mantelzorger_id__in=carers)
    request_ids = list(request_ids)
    if request_ids:
        condition |= Q(subject_request_id__in=request_ids)
    rows = AccessLogEntry.objects.filter(condition).exclude(what__in=[What.QUEUE, What.ADMIN_LIST, What.LOG_EXPORT])
    if user_id is not None:
        rows = rows.exclude(actor_key=f"user:{user_id}")
    rows = rows.select_related("organisation").order_by("-seq")
    return list(rows if limit is None else rows[:limit])
