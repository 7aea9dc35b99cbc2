"""What search engines and link previews read of a public activity: the summary
(``<meta name="description">``, ``og:description``, the helper of ``partners.seo``) and
schema.org ``Event`` data, written into the page by ``partners``' ``ld_json`` filter.

One ``Event`` per activity: with dates, ``startDate`` is the first date to come and each
date is a ``subEvent``; weekly, an ``eventSchedule`` (``Schedule`` with ``byDay`` and
``repeatFrequency`` ``P1W``) until the last day."""

from __future__ import annotations

import datetime

from django.utils import timezone

from activities.models import Activity
from partners.seo import text_summary

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def activity_summary(activity: Activity) -> str:
    return text_summary(activity.description)


def _iso(date: datetime.date, time: datetime.time) -> str:
    return timezone.make_aware(datetime.datetime.combine(date, time)).isoformat()


def activity_structured_data(activity: Activity, *, url: str) -> dict:
    organiser_name = activity.partner.name if activity.partner_id else activity.organisation.name
    address: dict = {"@type": "PostalAddress", "addressCountry": "NL"}
    if activity.place:
        address["addressLocality"] = activity.place
    if activity.postcode:
        address["postalCode"] = activity.postcode
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": activity.title,
        "description": activity.description,
        "url": url,
        "eventStatus": "https://schema.org/EventCancelled"
        if activity.status == Activity.Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": True,
        "organizer": {"@type": "Organization", "name": organiser_name},
        "location": {"@type": "Place", "name": activity.place or organiser_name, "address": address},
        "maximumAttendeeCapacity": activity.participant_places,
    }
    today = timezone.localdate()
    dates = [d for d in activity.dates.all() if d.date >= today] or list(activity.dates.all())
    if activity.schedule == Activity.Schedule.DATES and dates:
        data["startDate"] = _iso(dates[0].date, dates[0].start)
        data["endDate"] = _iso(dates[0].date, dates[0].end)
        if len(dates) > 1:
            data["subEvent"] = [
                {
                    "@type": "Event",
                    "name": activity.title,
                    "startDate": _iso(d.date, d.start),
                    "endDate": _iso(d.date, d.end),
                }
                for d in dates
            ]
    slots = list(activity.slots.all())
    if activity.schedule == Activity.Schedule.WEEKLY and slots:
        start_day = max(today, timezone.localdate(activity.created_at))
        first = min(slots, key=lambda s: ((s.weekday - start_day.weekday()) % 7, s.start))
        first_date = start_day + datetime.timedelta(days=(first.weekday - start_day.weekday()) % 7)
        data["startDate"] = _iso(first_date, first.start)
        data["eventSchedule"] = [
            {
                "@type": "Schedule",
                "repeatFrequency": "P1W",
                "byDay": f"https://schema.org/{_DAYS[s.weekday]}",
                "startTime": s.start.strftime("%H:%M"),
                "endTime": s.end.strftime("%H:%M"),
                "endDate": activity.until.isoformat(),
                "scheduleTimezone": "Europe/Amsterdam",
            }
            for s in slots
        ]
    return data
