"""Helpers for the match lifecycle tests (tests/matching/test_lifecycle.py,
test_links.py, test_people_views.py, test_broker_match_views.py).

* ``lifecycle_urls``: makes sure the ``matching_people`` and ``matching_broker``
  namespaces resolve. Until config/urls.py mounts them, it points ROOT_URLCONF at
  this module, which mounts them at the intended places and then includes the
  project's own URLs. Once they are mounted, it changes nothing.
* ``world``: the personas of tests/conftest.py turned into one situation: Vera
  (volunteer, org A, room for 5 matches), Mark (mantelzorger with a request), a
  second volunteer and a second requester (for "someone else's match"), brokers of
  A and B; ``world.match(status)`` builds a match in any state with a fresh request
  whose status fits (set up straight in the database, bypassing the services).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

# Mounted as the lead mounts them (see the report); then the whole project.
urlpatterns = [
    path("koppelingen/", include("matches.urls")),
    path("organisatie/<slug:slug>/koppelingen/", include("matches.urls")),
    path("", include("config.urls")),
]

# The requester's address and phone: strings that appear nowhere else on a page.
SECRET_POSTCODE = "6828 XZ"
SECRET_HOUSE_NUMBER = "77b"
SECRET_PHONE = "06-55501234"


@pytest.fixture
def lifecycle_urls(settings):
    try:
        reverse("matching_people:mine")
        reverse("matching_broker:list", kwargs={"slug": "x"})
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__
    yield


@dataclass
class World:
    org: Any
    org_b: Any
    broker: Any
    broker_b: Any
    admin: Any
    municipality: Any
    nobody: Any
    volunteer_user: Any
    volunteer: Any
    requester_user: Any
    mantelzorger: Any
    other_volunteer_user: Any
    other_volunteer: Any
    other_requester_user: Any
    areas: dict

    def new_request(self, *, requester=None, status="ready", **fields):
        from caregivers.models import RequestSlot
        from common.slots import parse_slots
        from demo.factories import HelpRequestFactory

        requester = requester or self.requester_user
        fields.setdefault("mantelzorger", self.mantelzorger if requester == self.requester_user else None)
        fields.setdefault("postcode", SECRET_POSTCODE)
        fields.setdefault("house_number", SECRET_HOUSE_NUMBER)
        fields.setdefault("phone", SECRET_PHONE)
        fields.setdefault("requester_first_name", "Maria")
        fields.setdefault("requester_last_name", "Özdemir-Zwanenburg")
        fields.setdefault("place", "Arnhem")
        fields.setdefault("neighbourhood", self.areas["Arnhem"])
        fields.setdefault("description", "Boodschappen doen bij de supermarkt om de hoek.")
        fields.setdefault("question_behind", "Even eruit.")
        request = HelpRequestFactory(organisation=self.org, requester=requester, status=status, **fields)
        RequestSlot.objects.bulk_create(
            RequestSlot(request=request, weekday=s.weekday, start=s.start, end=s.end)
            for s in parse_slots("tue 14:00-16:00")
        )
        return request

    def match(self, status="proposed", *, volunteer=None, request=None, **fields):
        """A match in ``status`` with a fresh request in the fitting state."""
        from matches.models import Match, MatchEvent

        now = timezone.now()
        request_status = {
            "active": "matched",
            "ended": "closed",
        }.get(status, "ready")
        request = request or self.new_request(status=request_status)
        values: dict[str, Any] = {"distance_km": 2.4}
        if status in ("accepted_by_volunteer", "active", "ended"):
            values["accepted_at"] = now - datetime.timedelta(days=10)
        if status in ("active", "ended"):
            values["activated_at"] = now - datetime.timedelta(days=9)
        if status in ("ended", "declined", "cancelled"):
            values["ended_at"] = now - datetime.timedelta(days=1)
        if status == "declined":
            values.update(decline_reason="no_time", declined_by_side="volunteer")
        values.update(fields)
        match = Match.objects.create(
            organisation=self.org,
            request=request,
            volunteer=volunteer or self.volunteer,
            status=status,
            proposed_by=self.broker,
            **values,
        )
        MatchEvent.objects.create(match=match, from_status="", to_status="proposed", by=self.broker)
        return match


@pytest.fixture
def world(personas, region, skills):
    from caregivers.models import Mantelzorger
    from demo.factories import UserFactory, VolunteerFactory
    from volunteers.models import Volunteer

    org = region["org_a"]
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    volunteer.max_active_matches = 5
    volunteer.first_name = "Vera"
    volunteer.phone = "06-11122233"
    volunteer.vog_valid_until = datetime.date(2040, 1, 1)
    volunteer.save()
    mantelzorger = Mantelzorger.objects.get(user=personas["mantelzorger"])
    other_user = UserFactory(email="otto@example.nl", first_name="Otto")
    other = VolunteerFactory(user=other_user, organisation=org, first_name="Otto", max_active_matches=5)
    return World(
        org=org,
        org_b=region["org_b"],
        broker=personas["broker_a"],
        broker_b=personas["broker_b"],
        admin=personas["admin_a"],
        municipality=personas["municipality"],
        nobody=personas["nobody"],
        volunteer_user=personas["volunteer"],
        volunteer=volunteer,
        requester_user=personas["mantelzorger"],
        mantelzorger=mantelzorger,
        other_volunteer_user=other_user,
        other_volunteer=other,
        other_requester_user=UserFactory(email="rita@example.nl", first_name="Rita"),
        areas=region["areas"],
    )
