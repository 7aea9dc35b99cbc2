"""The volunteer pool stays fresh without rebuilding: the pool version in the database
(matching.poolversion), bumped in the transaction of every change that matters, and
the cached pool patched with only the changed volunteers (matching.loaders,
VolunteerPool.patched)."""

from __future__ import annotations

import datetime
import random

import numpy as np
import pytest
from django.db import transaction

from common.slots import Slot, parse_slots
from matches.models import Match
from matching import loaders, poolversion
from matching.engine import RequestData, VolunteerPool, suggest
from matching.models import PoolChange
from tests.matching.conftest import ARNHEM, NOW, TODAY

pytestmark = pytest.mark.django_db

T = datetime.time


def _same_pool(patched: VolunteerPool, built: VolunteerPool) -> None:
    """Both pools hold the same volunteers with the same data, and answer the same."""
    assert sorted(patched.ids.tolist()) == sorted(built.ids.tolist())
    mine = {v.id: v for v in patched.volunteers(np.arange(len(patched)))}
    theirs = {v.id: v for v in built.volunteers(np.arange(len(built)))}
    assert mine == theirs
    assert patched.max_radius_km == built.max_radius_km
    assert {k: sorted(patched.ids[r].tolist()) for k, r in patched.households.items()} == {
        k: sorted(built.ids[r].tolist()) for k, r in built.households.items()
    }


# --- The version: one query per suggestion, and only the changed volunteers read ------------


def test_unchanged_pool_costs_one_query(region, make_volunteer, django_assert_num_queries):
    org = region["org_a"]
    make_volunteer(org)
    first = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    with django_assert_num_queries(1):  # the version and the log since, in one query
        assert loaders.cached_volunteer_pool(organisation=org, today=TODAY) is first


def test_a_new_match_patches_the_pool(region, make_volunteer, make_request, make_match, django_assert_num_queries):
    org = region["org_a"]
    v = make_volunteer(org, max_active_matches=2)
    other = make_volunteer(org)
    first = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    make_match(make_request(org), v, Match.Status.ACTIVE)
    # The version and log, then four loader queries for just this volunteer.
    with django_assert_num_queries(5):
        fresh = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert fresh is not first
    assert fresh.lat is first.lat and fresh.slot_start is first.slot_start  # shared, not rebuilt
    data = fresh.volunteer(fresh.row_of(v.pk))
    assert data.open_matches == 1
    assert len(data.households_helped) == 1
    assert fresh.volunteer(fresh.row_of(other.pk)).open_matches == 0
    assert first.volunteer(first.row_of(v.pk)).open_matches == 0  # the published pool is untouched
    _same_pool(fresh, loaders.volunteer_pool(organisation=org))


@pytest.mark.parametrize(
    "change", ["profile", "moved", "slots", "skills", "new skill code", "new volunteer", "deleted", "no location"]
)
def test_a_changed_volunteer_is_patched_in(change, region, make_volunteer, skills):
    from neighbourhoods.models import Skill
    from volunteers.models import AvailabilitySlot

    org = region["org_a"]
    v = make_volunteer(org, slots="tue 13:00-17:00", skill_codes=("shopping",))
    keep = make_volunteer(org, at=(51.9, 5.8))
    v_pk = v.pk
    first = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    if change == "profile":
        v.max_distance_km = 9
        v.save()
    elif change == "moved":
        v.latitude, v.longitude = 52.3, 6.2
        v.save()
    elif change == "slots":
        AvailabilitySlot.objects.filter(volunteer=v).delete()
        AvailabilitySlot.objects.create(volunteer=v, weekday=2, start=T(9), end=T(12))
    elif change == "skills":
        v.skills.add(skills["gardening"])
    elif change == "new skill code":
        v.skills.add(Skill.objects.create(organisation=org, code="bakfiets", label="Bakfiets"))
    elif change == "new volunteer":
        make_volunteer(org)
    elif change == "no location":
        v.latitude = v.longitude = None
        v.save()
    else:
        v.delete()
    fresh = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert fresh is not first
    assert fresh is loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert keep.pk in fresh.ids.tolist()
    _same_pool(fresh, loaders.volunteer_pool(organisation=org))
    if change == "profile":
        assert fresh.volunteer(fresh.row_of(v.pk)).max_distance_km == 9
        assert fresh.max_radius_km == 9
    elif change == "moved":
        assert fresh.within(_point(52.3, 6.2), 1.0)[0].tolist() == [fresh.row_of(v.pk)]
    elif change == "slots":
        assert fresh.volunteer(fresh.row_of(v.pk)).slots == (Slot(2, T(9), T(12)),)
    elif change == "skills":
        assert "gardening" in fresh.volunteer(fresh.row_of(v.pk)).skills
    elif change == "new skill code":
        assert "bakfiets" in fresh.volunteer(fresh.row_of(v.pk)).skills
    elif change == "new volunteer":
        assert len(fresh) == 3
    else:
        assert fresh.row_of(v_pk) is None


def _point(lat, lon):
    from common.geo import Point

    return Point(lat, lon)


def test_a_pruned_log_means_a_rebuild(region, make_volunteer, settings):
    org = region["org_a"]
    v = make_volunteer(org)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    v.max_distance_km = 3
    v.save()
    poolversion.pool_version_read(org.pk)  # a read in between: the next save is a new version
    v.max_distance_km = 4
    v.save()
    PoolChange.objects.update(created_at=NOW - datetime.timedelta(days=2))
    assert poolversion.pool_changes_prune(now=NOW) >= 2
    assert list(PoolChange.objects.values_list("seq", flat=True)) == [poolversion.pool_version_read(org.pk)]
    version, changed = poolversion.pool_changes_read(organisation_id=org.pk, since=0, limit=100)
    assert version >= 2 and changed is None  # the log no longer tells
    assert loaders.cached_volunteer_pool(organisation=org, today=TODAY).volunteer(0).max_distance_km == 4


def test_prune_keeps_recent_rows(region, make_volunteer):
    org = region["org_a"]
    make_volunteer(org)
    rows = PoolChange.objects.count()
    assert rows >= 1
    assert poolversion.pool_changes_prune(now=NOW) == 0
    assert PoolChange.objects.count() == rows


def test_bulk_writes_bump_through_pool_version_bump(region, make_volunteer, make_request):
    org = region["org_a"]
    v = make_volunteer(org, max_active_matches=3)
    first = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    Match.objects.bulk_create([Match(organisation=org, request=make_request(org), volunteer=v)])  # no signals
    assert loaders.cached_volunteer_pool(organisation=org, today=TODAY) is first
    loaders.pool_version_bump(org.pk)
    fresh = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert fresh.volunteer(fresh.row_of(v.pk)).open_matches == 1


# --- Every kind of change bumps the version, in its own transaction ---------------------------


def _changes(personas, region, make_request, make_match, skills):
    """name -> (volunteer, a function that makes the change through the services)."""
    from matches import lifecycle, proposals
    from volunteers import services
    from volunteers.models import Volunteer

    org = region["org_a"]
    broker = personas["broker_a"]
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    volunteer.latitude, volunteer.longitude = ARNHEM
    volunteer.max_active_matches = 3
    volunteer.save()

    def match(status=Match.Status.PROPOSED):
        return make_match(make_request(org), volunteer, status)

    def profile():
        volunteer.max_distance_km = 7
        volunteer.save()

    return volunteer, {
        "profile": profile,
        "skills": lambda: volunteer.skills.add(skills["cooking"]),
        "slots": lambda: services.volunteer_set_availability(volunteer=volunteer, slots=parse_slots("wed 09:00-12:00")),
        "vog": lambda: services.vog_record(
            volunteer=volunteer, status="valid", issued_on=TODAY, note="", by=broker, today=TODAY
        ),
        "pause": lambda: services.volunteer_pause(
            volunteer=volunteer, until=TODAY + datetime.timedelta(days=9), today=TODAY
        ),
        "resume": lambda: services.volunteer_resume(volunteer=volunteer),
        "erasure": lambda: services.volunteer_delete(volunteer=volunteer, by=broker),
        "erasure with matches": lambda: (
            match(Match.Status.ENDED),
            services.volunteer_delete(volunteer=volunteer, by=broker),
        ),
        "proposal": lambda: proposals.match_propose(request=make_request(org), volunteer=volunteer, by=broker),
        "accept": lambda: lifecycle.match_accept(match=match(), by=broker),
        "decline": lambda: lifecycle.match_decline(match=match(), by=broker, side="broker", reason="other", note="x"),
        "cancel": lambda: lifecycle.match_cancel(match=match(), by=broker, reason="Verhuist."),
        "end": lambda: lifecycle.match_end(
            match=match(Match.Status.ACTIVE),
            by=broker,
            goal_reached="yes",
            volunteer_satisfaction=4,
            requester_satisfaction=5,
            next_step="close",
        ),
        "bulk proposals": lambda: proposals.match_propose_many(
            proposals=[{"request": make_request(org).pk, "volunteer": volunteer.pk}], by=broker
        ),
    }


CHANGES = [
    "profile",
    "skills",
    "slots",
    "vog",
    "pause",
    "resume",
    "erasure",
    "erasure with matches",
    "proposal",
    "accept",
    "decline",
    "cancel",
    "end",
    "bulk proposals",
]


class Rollback(Exception):
    pass


@pytest.mark.parametrize("name", CHANGES)
def test_each_change_bumps_the_version_in_its_transaction(name, personas, region, make_request, make_match, skills):
    org = region["org_a"]
    volunteer, changes = _changes(personas, region, make_request, make_match, skills)
    volunteer_pk = volunteer.pk
    before = poolversion.pool_version_read(org.pk)
    logged_before = set(PoolChange.objects.values_list("pk", flat=True))
    with pytest.raises(Rollback), transaction.atomic():
        changes[name]()
        # Seen inside the transaction, with this volunteer logged at the new version ...
        after = poolversion.pool_version_read(org.pk)
        assert after > before
        logged = PoolChange.objects.exclude(pk__in=logged_before).filter(organisation=org)
        assert logged.filter(volunteer_id=volunteer_pk, seq__gt=before, seq__lte=after).exists()
        raise Rollback
    # ... and gone with it when it rolls back.
    assert poolversion.pool_version_read(org.pk) == before
    assert set(PoolChange.objects.values_list("pk", flat=True)) == logged_before


def test_the_change_and_its_bump_commit_together(personas, region, make_request, make_match, skills):
    org = region["org_a"]
    _volunteer, changes = _changes(personas, region, make_request, make_match, skills)
    before = poolversion.pool_version_read(org.pk)
    changes["pause"]()  # its own transaction (volunteer_pause is atomic)
    assert poolversion.pool_version_read(org.pk) == before + 1


def test_concurrent_style_bumps_are_never_lost(region):
    org = region["org_a"]
    versions = [poolversion.pool_changes_record(organisation_id=org.pk, volunteer_ids=[i]) for i in range(1, 6)]
    assert versions == list(range(versions[0], versions[0] + 5))
    assert poolversion.pool_version_read(org.pk) == versions[-1]
    assert poolversion.pool_version_read() >= versions[-1]


# --- Property: a patched pool equals a freshly built one ------------------------------------


@pytest.mark.parametrize("shared", [False, True], ids=["per-process", "shared-files"])
def test_patched_pool_equals_a_fresh_build_after_random_changes(
    shared, region, make_volunteer, make_request, skills, monkeypatch, settings, tmp_path
):
    """With ``shared``, the pool comes from a file (MATCHING_POOL_DIR, read-only mapped
    columns) and every other check starts as a new process: the file mapped and patched."""
    from volunteers.models import AvailabilitySlot, Volunteer

    if shared:
        settings.MATCHING_POOL_DIR = str(tmp_path)

    rng = random.Random(20261206)
    org = region["org_a"]
    codes = sorted(skills)
    slot_texts = ["tue 13:00-17:00", "mon 09:00-12:00; thu 14:00-16:00", "wed 08:00-10:00; wed 10:00-11:30", ""]

    def near():
        return (51.98 + rng.uniform(-0.05, 0.05), 5.91 + rng.uniform(-0.08, 0.08))

    volunteers = [
        make_volunteer(org, slots=rng.choice(slot_texts), skill_codes=rng.sample(codes, 2), at=near())
        for _ in range(25)
    ]
    requests = [make_request(org, at=near()) for _ in range(6)]
    patches = {"all": 0, "rebuilt": 0}
    real_patched, real_rebuilt = VolunteerPool.patched, VolunteerPool._rebuilt_with

    def counting_patched(self, changed, fresh):
        patches["all"] += 1
        return real_patched(self, changed, fresh)

    def counting_rebuilt(self, changed, fresh):
        patches["rebuilt"] += 1
        return real_rebuilt(self, changed, fresh)

    monkeypatch.setattr(VolunteerPool, "patched", counting_patched)
    monkeypatch.setattr(VolunteerPool, "_rebuilt_with", counting_rebuilt)
    try:
        pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
        for step in range(60):
            alive = list(Volunteer.objects.filter(organisation=org, pk__in=[v.pk for v in volunteers]))
            v = rng.choice(alive)
            kind = rng.choice(
                [
                    "distance",
                    "pause",
                    "vog",
                    "active",
                    "move",
                    "far",
                    "slots",
                    "skill+",
                    "skill-",
                    "match",
                    "status",
                    "new",
                    "delete",
                    "languages",
                    "groups",
                    "capacity",
                ]
            )
            if kind == "distance":
                v.max_distance_km = rng.choice([1, 3, 5, 12])
                v.save()
            elif kind == "pause":
                v.paused_until = rng.choice([None, TODAY + datetime.timedelta(days=rng.randint(1, 30))])
                v.save()
            elif kind == "vog":
                v.vog_valid_until = rng.choice([None, TODAY + datetime.timedelta(days=rng.randint(-5, 900))])
                v.save()
            elif kind == "active":
                v.is_active = not v.is_active
                v.save()
            elif kind == "move":
                v.latitude, v.longitude = near()
                v.save()
            elif kind == "far":
                v.latitude, v.longitude = (52.4, 6.3) if rng.random() < 0.7 else (None, None)
                v.save()
            elif kind == "slots":
                AvailabilitySlot.objects.filter(volunteer=v).delete()
                for s in parse_slots(rng.choice(slot_texts)) if rng.random() < 0.8 else ():
                    AvailabilitySlot.objects.create(volunteer=v, weekday=s.weekday, start=s.start, end=s.end)
            elif kind == "skill+":
                v.skills.add(skills[rng.choice(codes)])
            elif kind == "skill-":
                v.skills.remove(*v.skills.all()[:1])
            elif kind == "match":
                Match.objects.create(
                    organisation=org,
                    request=rng.choice(requests),
                    volunteer=v,
                    status=rng.choice(list(Match.Status.values)),
                )
            elif kind == "status":
                found = Match.objects.filter(volunteer__organisation=org).order_by("?").first()
                if found is not None:
                    found.status = rng.choice(list(Match.Status.values))
                    found.save()
            elif kind == "new":
                volunteers.append(
                    make_volunteer(org, slots=rng.choice(slot_texts), skill_codes=rng.sample(codes, 1), at=near())
                )
            elif kind == "delete":
                Match.objects.filter(volunteer=v).delete()
                v.delete()
            elif kind == "languages":
                v.languages = rng.choice(["nl", "nl;en", "de;nl", "tr"])
                v.save()
            elif kind == "groups":
                v.target_groups = rng.sample(["elderly", "dementia", "children", "disability"], rng.randint(0, 2))
                v.save()
            else:
                v.max_active_matches = rng.randint(0, 3)
                v.save()
            if step % 3 == 2:
                if shared and step % 2:
                    loaders.pool_cache_clear()
                pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
                built = loaders.volunteer_pool(organisation=org)
                _same_pool(pool, built)
                for request in requests:
                    data = loaders.request_data(request=request)
                    assert isinstance(data, RequestData)
                    a = suggest(data, pool, limit=20, today=TODAY, now=NOW).as_dict()
                    b = suggest(data, built, limit=20, today=TODAY, now=NOW).as_dict()
                    assert a == b
    finally:
        monkeypatch.undo()
    # Both ways of patching were exercised: in place (copied columns) and re-sorted.
    assert 0 < patches["rebuilt"] < patches["all"]


def test_a_transaction_logs_each_volunteer_once(region, make_volunteer, django_assert_max_num_queries):
    """Deleting many slots sends one post_delete per slot: the log gets one row per volunteer."""
    from volunteers.models import AvailabilitySlot

    org = region["org_a"]
    v = make_volunteer(org, slots="mon 09:00-10:00; tue 09:00-10:00; wed 09:00-10:00; thu 09:00-10:00")
    before = poolversion.pool_version_read(org.pk)
    with transaction.atomic():
        with django_assert_max_num_queries(2 + 4 + 3):  # select + delete, the bump, the log row
            AvailabilitySlot.objects.filter(volunteer=v).delete()
        AvailabilitySlot.objects.create(volunteer=v, weekday=4, start=T(9), end=T(10))
    assert poolversion.pool_version_read(org.pk) == before + 1
    assert PoolChange.objects.filter(organisation=org, seq=before + 1).count() == 1


def test_a_change_after_a_read_in_the_same_transaction_is_logged_again(region, make_volunteer):
    org = region["org_a"]
    v = make_volunteer(org)
    with transaction.atomic():
        v.max_distance_km = 3
        v.save()
        pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
        assert pool.volunteer(pool.row_of(v.pk)).max_distance_km == 3
        v.max_distance_km = 4
        v.save()  # logged again: this process read the pool in between
        pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
        assert pool.volunteer(pool.row_of(v.pk)).max_distance_km == 4


def test_a_rolled_back_savepoint_does_not_hide_a_later_change(region, make_volunteer):
    org = region["org_a"]
    v = make_volunteer(org)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    before = poolversion.pool_version_read(org.pk)
    with transaction.atomic():
        with pytest.raises(Rollback), transaction.atomic():
            v.max_distance_km = 3
            v.save()
            raise Rollback
        v.max_distance_km = 4
        v.save()  # the row logged inside the savepoint is gone: log again
    assert poolversion.pool_version_read(org.pk) == before + 1
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert pool.volunteer(pool.row_of(v.pk)).max_distance_km == 4
