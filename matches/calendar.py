"""Private iCal feeds: the appointments of a person's active matches in their own
phone's calendar.

* :func:`calendar_feed_reset` (write): a new secret token for a person's feed (the
  first, or a new one: the old address stops working at once); only its SHA-256
  is stored, so the address is shown once.
* :func:`calendar_feed_of` (read): the person's feed, if any;
  :func:`calendar_feed_by_token` (read): the feed behind a token, or ``None``.
* :func:`calendar_ics` (read): the feed itself, as bytes.

What is in the feed, for the user's ACTIVE matches only:

* as the volunteer: a weekly recurring event per requested weekly slot, an event
  per requested date, and the introduction meeting if it is still to come;
  SUMMARY "Respijtzorg bij Henk" (the requester's first name) and the address as
  LOCATION (they need it to get there);
* as the requester or their mantelzorger: the same times with SUMMARY
  "Zoë komt helpen" (the volunteer's first name), no LOCATION.

Never in the feed: descriptions, care notes, the situation of the person cared
for, phone numbers, last names. A calendar is often synced to third parties.

Times are wall-clock times in Europe/Amsterdam (DTSTART;TZID=Europe/Amsterdam with
a generated VTIMEZONE), so a weekly 13:00 stays 13:00 across DST changes.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from caregivers.models import HelpRequest
from matches.models import CalendarFeed, Match

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TZID = "Europe/Amsterdam"
PRODID = "-//Buurtmakelaar//NL"
CALENDAR_NAME = "Buurtmakelaar"
UID_DOMAIN = "buurtmakelaar"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# An introduction meeting has a start only; show it as one hour.
INTRO_LENGTH = datetime.timedelta(hours=1)
# How far ahead the generated VTIMEZONE lists DST changes (clients that know
# the TZID use their own rules anyway).
VTIMEZONE_YEARS_AHEAD = 15


# --- the token --------------------------------------------------------------
#
# Only the SHA-256 of a feed's token is stored: whoever reads the database (a backup,
# a leak) cannot open anyone's calendar. The address is therefore shown once, when it
# is made; a person who lost it makes a new one (the old one then stops working).


def _new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_of(user) -> CalendarFeed | None:
    """The user's feed, or ``None`` when they never made one."""
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_reset(*, user) -> tuple[CalendarFeed, str]:
    """A new secret address for the user's feed (the first one, or a new one: the old
    one stops working at once). Returns the feed and the token, which is nowhere
    stored in plain text: show it now or never."""
    token = _new_token()
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            feed = CalendarFeed.objects.create(user=user, token_hash=calendar_token_hash(token))
        else:
            feed.token_hash = calendar_token_hash(token)
            feed.save(update_fields=["token_hash"])
    return feed, token


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed for ``token`` (looked up by its hash), or ``None``."""
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("user").filter(token_hash=calendar_token_hash(token)).first()


# --- the events ------------------------------------------------------------


def _active_matches(user) -> Iterator[tuple[Match, str]]:
    """(match, role) for the user's active matches; role is "volunteer" or
    "requester". A match is listed once (as volunteer if the user is both)."""
    seen: set[int] = set()
    base = Match.objects.filter(status=Match.Status.ACTIVE).select_related("volunteer", "request")
    base = base.prefetch_related("request__slots", "request__dates").order_by("pk")
    for match in base.filter(volunteer__user=user):
        seen.add(match.pk)
        yield match, "volunteer"
    requester_q = Q(request__requester=user) | Q(request__mantelzorger__user=user)
    for match in base.filter(requester_q).distinct():
        if match.pk not in seen:
            seen.add(match.pk)
            yield match, "requester"


def _summary(match: Match, role: str) -> str:
    if role == "volunteer":
        name = match.request.requester_first_name
        texts = {
            HelpRequest.Kind.RESPITE: _("Respijtzorg bij %(name)s"),
            HelpRequest.Kind.PRACTICAL: _("Helpen bij %(name)s"),
            HelpRequest.Kind.COMPANIONSHIP: _("Op bezoek bij %(name)s"),
            HelpRequest.Kind.TRANSPORT: _("Vervoer voor %(name)s"),
        }
        return texts.get(match.request.kind, _("Helpen bij %(name)s")) % {"name": name}
    return _("%(name)s komt helpen") % {"name": match.volunteer.first_name}


def _intro_summary(match: Match, role: str) -> str:
    name = match.request.requester_first_name if role == "volunteer" else match.volunteer.first_name
    return _("Kennismaking met %(name)s") % {"name": name}


def _location(match: Match) -> str:
    request = match.request
    address = " ".join(p for p in (request.postcode, request.house_number) if p)
    if request.place:
        address = f"{address}, {request.place}" if address else request.place
    return address


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=AMSTERDAM)


def _first_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _event(*, uid: str, summary: str, start: datetime.datetime, end: datetime.datetime, now, location: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    if location:
        event.add("location", location)
    event.add("transp", "OPAQUE")
    return event


def _events(match: Match, role: str, *, now: datetime.datetime) -> Iterable[Event]:
    summary = _summary(match, role)
    location = _location(match) if role == "volunteer" else ""
    since = (match.activated_at or now).astimezone(AMSTERDAM).date()
    uid = f"match-{match.pk}"
    for slot in match.request.slots.all():
        day = _first_on_or_after(since, slot.weekday)
        event = _event(
            uid=f"{uid}-slot-{slot.pk}@{UID_DOMAIN}",
            summary=summary,
            start=_local(day, slot.start),
            end=_local(day, slot.end),
            now=now,
            location=location,
        )
        event.add("rrule", {"freq": "weekly", "byday": WEEKDAYS[slot.weekday]})
        yield event
    for date in match.request.dates.all():
        yield _event(
            uid=f"{uid}-date-{date.pk}@{UID_DOMAIN}",
            summary=summary,
            start=_local(date.date, date.start),
            end=_local(date.date, date.end),
            now=now,
            location=location,
        )
    if match.intro_meeting_at and match.intro_meeting_at > now:
        start = match.intro_meeting_at.astimezone(AMSTERDAM)
        yield _event(
            uid=f"{uid}-intro@{UID_DOMAIN}",
            summary=_intro_summary(match, role),
            start=start,
            end=start + INTRO_LENGTH,
            now=now,
            location=location,
        )


def calendar_ics(*, user, now: datetime.datetime) -> bytes:
    """The iCalendar feed (RFC 5545) of the user's active matches."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-timezone", TZID)
    # Ask clients to refresh hourly (Apple honours X-PUBLISHED-TTL, others REFRESH-INTERVAL).
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    first = now.astimezone(AMSTERDAM).date()
    for match, role in _active_matches(user):
        for event in _events(match, role, now=now):
            calendar.add_component(event)
            first = min(first, event.decoded("dtstart").date())
    # Always one VTIMEZONE for Europe/Amsterdam, also in an empty feed.
    calendar.add_missing_timezones(
        first_date=first - datetime.timedelta(days=366),
        last_date=datetime.date(now.year + VTIMEZONE_YEARS_AHEAD, 1, 1),
    )
    if TZID not in {tz.tz_name for tz in calendar.timezones}:
        calendar.subcomponents.insert(
            0,
            Timezone.from_tzid(
                TZID,
                first_date=first - datetime.timedelta(days=366),
                last_date=datetime.date(now.year + VTIMEZONE_YEARS_AHEAD, 1, 1),
            ),
        )
    return calendar.to_ical()
