"""Shared fixtures for the matching tests (loaders, services, views, API, batch).

* ``_fresh_pool_cache`` (autouse): every test starts with an empty per-process
  volunteer pool cache (a pool from an earlier test, with recycled ids, is never
  reused).
* ``frozen_now``: time frozen at :data:`NOW`, a Monday away from DST changes.
* ``make_volunteer`` / ``make_request`` / ``make_match``: small builders with the
  things matching cares about (location, skills, weekly slots, status).
* ``in_english``: the test client reads the site in English.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2030, 6, 3, 10, 0, tzinfo=AMSTERDAM)  # Monday
TODAY = NOW.date()

# Arnhem centre; Velp is about 4.5 km east.
ARNHEM = (51.98, 5.91)
VELP = (51.995, 5.97361)


@pytest.fixture(autouse=True)
def _fresh_pool_cache():
    """An empty pool cache per test: a pool from an earlier test (with recycled ids and
    a version from a rolled-back database) is never reused."""
    from matching.loaders import pool_cache_clear

    pool_cache_clear()
    yield
    pool_cache_clear()


@pytest.fixture
def in_english(client):
    """The test client switches the site to English (as the language switch does).
    Afterwards the thread's language is the default again: LocaleMiddleware leaves the
    last request's language active, which would leak into the next test."""
    from django.utils import translation

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    yield
    translation.deactivate()


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def skills(db):
    """The default catalogue as {code: Skill}."""
    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults

    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.filter(organisation=None)}


@pytest.fixture
def make_volunteer(skills):
    """``make_volunteer(org, slots="tue 13:00-17:00", skills=("shopping",), at=ARNHEM, **fields)``."""
    from common.slots import parse_slots
    from demo.factories import VolunteerFactory
    from volunteers.models import AvailabilitySlot

    def make(organisation, *, slots="tue 13:00-17:00", skill_codes=(), at=ARNHEM, **fields):
        fields.setdefault("vog_valid_until", TODAY + datetime.timedelta(days=700))
        lat, lon = at if at is not None else (None, None)
        volunteer = VolunteerFactory(
            organisation=organisation,
            latitude=lat,
            longitude=lon,
            skills=[skills[c] for c in skill_codes],
            **fields,
        )
        if slots:
            AvailabilitySlot.objects.bulk_create(
                AvailabilitySlot(volunteer=volunteer, weekday=s.weekday, start=s.start, end=s.end)
                for s in parse_slots(slots)
            )
        return volunteer

    return make


@pytest.fixture
def make_request(skills):
    """``make_request(org, slots="tue 14:00-16:00", dates=[(date, start, end)], skill_codes=(), **fields)``:
    a READY request (status can be overridden) at ARNHEM."""
    from caregivers.models import HelpRequest, RequestDate, RequestSlot
    from common.slots import parse_slots
    from demo.factories import HelpRequestFactory

    def make(organisation, *, slots="tue 14:00-16:00", dates=(), skill_codes=(), at=ARNHEM, **fields):
        fields.setdefault("status", HelpRequest.Status.READY)
        fields.setdefault("question_behind", "Even op adem komen.")
        lat, lon = at if at is not None else (None, None)
        request = HelpRequestFactory(
            organisation=organisation,
            latitude=lat,
            longitude=lon,
            skills=[skills[c] for c in skill_codes],
            **fields,
        )
        if slots:
            RequestSlot.objects.bulk_create(
                RequestSlot(request=request, weekday=s.weekday, start=s.start, end=s.end) for s in parse_slots(slots)
            )
        for day, start, end in dates:
            RequestDate.objects.create(request=request, date=day, start=start, end=end)
        return request

    return make


@pytest.fixture
def make_match(db):
    """``make_match(request, volunteer, status="proposed")`` straight in the database
    (bypassing the services, to set up a situation)."""
    from matches.models import Match

    def make(request, volunteer, status=Match.Status.PROPOSED, **fields):
        return Match.objects.create(
            organisation_id=request.organisation_id, request=request, volunteer=volunteer, status=status, **fields
        )

    return make


@pytest.fixture(params=["short-lists", "long-lists"])
def id_lists(request, monkeypatch):
    """Run a write path twice: with plain ``IN (%s, ...)`` lists, and with the one-parameter
    lists of :func:`common.db.value_set` (used from ``LONG_LIST`` ids on; here from 1), on
    whichever database runs the tests."""
    if request.param == "long-lists":
        monkeypatch.setattr("common.db.LONG_LIST", 1)
    return request.param
