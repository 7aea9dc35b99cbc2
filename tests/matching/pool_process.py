"""One web process for tests/matching/test_pool_two_processes.py: reads commands as
JSON lines on stdin and answers each with one JSON line on stdout.

    python tests/matching/pool_process.py      (DATABASE_URL names the shared database)

Commands: ``["setup"]`` (migrate, one organisation, two volunteers, a ready request),
``["suggest", request_pk]`` (the ids the broker would see, through
``matching.selectors.volunteer_candidates`` and this process's cached pool),
``["pause", volunteer_pk]``, ``["resume", volunteer_pk]``, ``["match", request_pk,
volunteer_pk]`` (an open match: the volunteer is full), ``["pool_id"]``,
``["pool_mapped"]`` (the pool's columns are a mapped file).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from caregivers.models import HelpRequest, RequestSlot  # noqa: E402
from common.slots import parse_slots  # noqa: E402
from matches.models import Match  # noqa: E402
from matching import loaders  # noqa: E402
from matching.selectors import volunteer_candidates  # noqa: E402
from neighbourhoods.models import Organisation  # noqa: E402
from volunteers.models import AvailabilitySlot, Volunteer  # noqa: E402
from volunteers.services import volunteer_pause, volunteer_resume  # noqa: E402


def setup() -> dict:
    from demo.factories import HelpRequestFactory, OrganisationFactory, VolunteerFactory

    call_command("migrate", verbosity=0)
    org = OrganisationFactory(slug="twee-processen")
    people = []
    for lon in (5.91, 5.92):
        v = VolunteerFactory(
            organisation=org,
            latitude=51.98,
            longitude=lon,
            max_distance_km=10,
            vog_valid_until=timezone.localdate() + datetime.timedelta(days=700),
        )
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(volunteer=v, weekday=s.weekday, start=s.start, end=s.end)
            for s in parse_slots("tue 13:00-17:00")
        )
        people.append(v.pk)
    request = HelpRequestFactory(
        organisation=org, latitude=51.98, longitude=5.915, status=HelpRequest.Status.READY, needs_vog=False
    )
    RequestSlot.objects.bulk_create(
        RequestSlot(request=request, weekday=s.weekday, start=s.start, end=s.end)
        for s in parse_slots("tue 14:00-16:00")
    )
    return {"request": request.pk, "volunteers": people}


def answer(command: list) -> object:
    name, *args = command
    if name == "setup":
        return setup()
    if name == "suggest":
        request = HelpRequest.objects.get(pk=args[0])
        found = volunteer_candidates(organisation=request.organisation, request=request, limit=10)
        return sorted(c.volunteer_id for c in found.candidates)
    if name == "pool_id":
        return id(loaders.cached_volunteer_pool(organisation=Organisation.objects.get(slug="twee-processen")).lat)
    if name == "pool_mapped":
        pool = loaders.cached_volunteer_pool(organisation=Organisation.objects.get(slug="twee-processen"))
        # A column from the file is a read-only view of its pages (matching.poolstore);
        # one built in this process is writable.
        return not pool.lat.flags.writeable and not pool.ids.flags.writeable
    volunteer = Volunteer.objects.get(pk=args[-1])
    if name == "pause":
        volunteer_pause(volunteer=volunteer, until=timezone.localdate() + datetime.timedelta(days=60))
    elif name == "resume":
        volunteer_resume(volunteer=volunteer)
    elif name == "match":
        request = HelpRequest.objects.get(pk=args[0])
        Match.objects.create(organisation=request.organisation, request=request, volunteer=volunteer)
    else:
        raise ValueError(name)
    return "ok"


def main() -> None:
    for line in sys.stdin:
        print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
