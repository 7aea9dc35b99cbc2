"""The retention run (privacy.retention): per kind, a record just inside its period
stays and one just beyond it goes; a second run does nothing; a dry run lists exactly
what a real run then removes; anonymising leaves the report figures as they were."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from audit.models import AccessLogEntry
from audit.services import access_log_verify
from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger, NetworkMember
from matches.models import Evaluation, HoursEntry, Match, MatchEvent, MatchLinkToken
from notifications.models import Notification
from privacy.models import InactivityWarning
from privacy.retention import retention_counts, retention_run
from privacy.schedule import KINDS, PERIODS
from tests.privacy.conftest import NOW, ago, log_read, log_read_at

pytestmark = pytest.mark.django_db


def run(**kwargs):
    return retention_counts(retention_run(now=kwargs.pop("now", NOW), **kwargs))


def ids_of(results, kind):
    return sorted(pk for due in results if due.kind == kind for pk in due.ids)


# --- Requests ------------------------------------------------------------------------------


def test_a_closed_request_is_anonymised_one_day_after_its_period_not_before(build):
    outside = build.request(status="closed", closed=ago(months=24, days=1))
    inside = build.request(status="withdrawn", closed=ago(months=24, days=-1))
    open_old = build.request(status="ready", created=ago(months=60))

    counts = run(kinds=["requests"])

    assert counts["requests"] == 1
    outside.refresh_from_db()
    for name in ("requester_first_name", "requester_last_name", "email", "phone", "postcode", "house_number"):
        assert getattr(outside, name) == "", name
    assert outside.description == outside.question_behind == outside.own_strength == ""
    assert outside.latitude is None and outside.care_recipient is None and outside.requester is None
    assert not outside.slots.exists() and not outside.dates.exists()
    assert list(outside.events.values_list("note", flat=True)) == [""]
    # What the figures count stays.
    assert (outside.kind, outside.status, outside.neighbourhood_id) == ("practical", "closed", build.area.pk)
    for kept in (inside, open_old):
        kept.refresh_from_db()
        assert kept.email and kept.slots.exists() and kept.events.exclude(note="").exists()


def test_the_network_and_the_goal_of_an_old_request_go_with_it(build):
    outside = build.request(status="closed", closed=ago(months=24, days=1), goal_own_words="Naar de markt")
    inside = build.request(status="closed", closed=ago(months=24, days=-1), goal_measurable="Elke week")
    for request in (outside, inside):
        NetworkMember.objects.create(request=request, name="De buurvrouw", relation="neighbour", helps="now")
    outside.refresh_from_db()
    HelpRequest.objects.filter(pk=outside.pk).update(ladder_step="own_network", goal_reached="yes")

    assert run(kinds=["requests"])["requests"] == 1
    outside.refresh_from_db()
    assert not NetworkMember.objects.filter(request=outside).exists()
    assert outside.goal_own_words == outside.goal_measurable == ""
    # The step and whether the goal was reached are what the figures count: they stay.
    assert (outside.ladder_step, outside.goal_reached) == ("own_network", "yes")
    assert NetworkMember.objects.filter(request=inside).exists()
    # Only the network member left: still personal, so a later run takes it.
    only_member = build.request(status="closed", closed=ago(months=24, days=2))
    HelpRequest.objects.filter(pk=only_member.pk).update(
        requester_first_name="",
        requester_last_name="",
        email="",
        phone="",
        postcode="",
        house_number="",
        place="",
        description="",
        question_behind="",
        own_strength="",
        latitude=None,
        longitude=None,
    )
    only_member.slots.all().delete()
    only_member.dates.all().delete()
    only_member.events.update(note="")
    NetworkMember.objects.create(request=only_member, name="Oom Kees", relation="family", helps="could")
    assert run(kinds=["requests"])["requests"] == 1
    assert not NetworkMember.objects.filter(request=only_member).exists()
    assert run(kinds=["requests"])["requests"] == 0


def test_referred_requests_count_from_the_referral(build):
    referred = build.request(
        status="referred", closed=ago(months=24, days=1), referred_to="Wijkteam Zuid, dr. Pietersen"
    )
    run(kinds=["requests"])
    referred.refresh_from_db()
    assert referred.referred_to == "" and referred.status == "referred"


# --- Burden check-ins ----------------------------------------------------------------------


def _checkin(mz, at):
    checkin = BurdenCheckIn.objects.create(mantelzorger=mz, score=8, sleeps_badly=True)
    BurdenCheckIn.objects.filter(pk=checkin.pk).update(created_at=at)
    return checkin


def test_checkins_go_after_two_years_unless_a_request_is_open(build):
    quiet = build.mantelzorger()
    build.request(mantelzorger=quiet, status="closed", closed=ago(months=30))
    busy = build.mantelzorger()
    build.request(mantelzorger=busy, status="matched", created=ago(months=30))
    old = _checkin(quiet, ago(months=24, days=1))
    recent = _checkin(quiet, ago(months=24, days=-1))
    old_but_open = _checkin(busy, ago(months=36))

    assert run(kinds=["checkins"])["checkins"] == 1

    assert not BurdenCheckIn.objects.filter(pk=old.pk).exists()
    assert BurdenCheckIn.objects.filter(pk__in=[recent.pk, old_but_open.pk]).count() == 2


# --- Mantelzorgers and the person they care for ------------------------------------------------


def test_a_mantelzorger_without_a_request_for_two_years_is_anonymised_with_their_care_recipient(build):
    gone = build.mantelzorger()
    build.request(mantelzorger=gone, status="closed", closed=ago(months=24, days=1), created=ago(months=30))
    log_read(gone, by=None)
    stays = build.mantelzorger()
    build.request(mantelzorger=stays, status="closed", closed=ago(months=24, days=-1), created=ago(months=30))
    checked_in = build.mantelzorger()
    _checkin(checked_in, ago(months=23))
    new = build.mantelzorger(created=ago(months=23))

    assert run(kinds=["mantelzorgers"])["mantelzorgers"] == 1

    gone.refresh_from_db()
    assert (gone.first_name, gone.last_name, gone.email, gone.phone, gone.postcode, gone.house_number) == ("",) * 6
    assert gone.latitude is None and gone.care_hours_per_week is None and gone.relation == ""
    assert gone.neighbourhood_id == build.area.pk and gone.organisation_id == build.org.pk
    assert not CareRecipient.objects.filter(mantelzorger=gone).exists()
    # The access log about them stays (it has its own period).
    assert AccessLogEntry.objects.filter(subject_mantelzorger_id=gone.pk).count() == 1
    for kept in (stays, checked_in, new):
        kept.refresh_from_db()
        assert kept.email and CareRecipient.objects.filter(mantelzorger=kept).exists()


# --- Matches and hours ------------------------------------------------------------------------


def test_matches_are_anonymised_after_seven_years(build):
    request = build.request(status="closed", closed=ago(months=90))
    volunteer = build.volunteer()
    old = build.match(request=request, volunteer=volunteer, ended=ago(months=84, days=1))
    young = build.match(request=request, volunteer=volunteer, ended=ago(months=84, days=-1))

    assert run(kinds=["matches"])["matches"] == 1

    old.refresh_from_db()
    assert old.reasons == [] and old.distance_km is None
    assert not MatchEvent.objects.filter(match=old).exclude(note="").exists()
    assert not MatchLinkToken.objects.filter(match=old).exists()
    assert Evaluation.objects.get(match=old).note == ""
    assert Evaluation.objects.get(match=old).goal_reached == "yes"
    assert (old.status, old.ended_at, old.activated_at) == ("ended", ago(months=84, days=1), ago(months=84, days=61))
    young.refresh_from_db()
    assert young.reasons and Evaluation.objects.get(match=young).note


def test_hours_lose_their_note_after_seven_years_and_keep_their_hours(build):
    request = build.request(status="closed", closed=ago(months=90))
    volunteer = build.volunteer()
    match = build.match(request=request, volunteer=volunteer, ended=ago(months=80))
    old = HoursEntry.objects.create(match=match, date=ago(months=84, days=1).date(), hours=3, note="Ziekenhuis")
    young = HoursEntry.objects.create(match=match, date=ago(months=84, days=-1).date(), hours=3, note="Markt")

    run(kinds=["hours"])

    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.note, old.hours) == ("", 3)
    assert young.note == "Markt"


# --- The access log ---------------------------------------------------------------------------


def test_access_log_rows_go_after_five_years(build):
    mz = build.mantelzorger()
    old = log_read_at(mz, ago(months=60, days=1))
    young = log_read_at(mz, ago(months=60, days=-1))

    assert run(kinds=["access_log"])["access_log"] == 1
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [young.pk]
    assert old.pk != young.pk
    # Pruned through the log's own path: the rest of the chain still verifies.
    assert access_log_verify().ok


# --- The sent-mail record (as before: NOTIFICATION_RETENTION_DAYS) -------------------------------


def test_the_sent_mail_record_keeps_its_days(build, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 365

    def notification(n, days, org):
        row = Notification.objects.create(
            key=f"k{n}",
            kind="x",
            category="updates",
            to_email="a@example.nl",
            subject="s",
            message_id=f"<{n}@x>",
            status="sent",
            organisation=org,
        )
        Notification.objects.filter(pk=row.pk).update(created_at=NOW - datetime.timedelta(days=days))
        return row

    old = notification(1, 366, build.org)
    old_no_org = notification(2, 366, None)
    young = notification(3, 364, build.org)

    results = retention_run(now=NOW, kinds=["sent_mail"])

    assert ids_of(results, "sent_mail") == sorted([old.pk, old_no_org.pk])
    assert list(Notification.objects.values_list("pk", flat=True)) == [young.pk]


# --- Accounts that are no longer used -----------------------------------------------------------


def test_an_unused_account_is_warned_then_removed_thirty_days_later(build):
    user = build.user(last_login=ago(months=24, days=1), email="oud@example.nl", first_name="Olga")
    build.volunteer(user=user, email="oud@example.nl", phone="06-99988877")
    fresh = build.user(last_login=ago(months=24, days=-1))
    build.volunteer(user=fresh)

    results = retention_run(now=NOW, kinds=["accounts_warn", "accounts_remove"])

    assert ids_of(results, "accounts_warn") == [user.pk]  # not the one a day younger
    type(user).objects.filter(pk=fresh.pk).update(last_login=NOW)
    assert ids_of(results, "accounts_remove") == []
    assert InactivityWarning.objects.get(user=user).warned_at == NOW
    warning = Notification.objects.get(kind="inactive_warning")
    assert warning.to_email == "oud@example.nl" and warning.category == "account"
    assert "Beste Olga" in warning.body or "Beste Olga" in mail.outbox[-1].body
    assert "weggehaald" in warning.subject

    # 29 days later: nothing yet, and no second warning.
    later = retention_run(now=NOW + datetime.timedelta(days=29), kinds=["accounts_warn", "accounts_remove"])
    assert ids_of(later, "accounts_warn") == ids_of(later, "accounts_remove") == []

    removal = retention_run(now=NOW + datetime.timedelta(days=30), kinds=["accounts_warn", "accounts_remove"])
    assert ids_of(removal, "accounts_remove") == [user.pk]
    assert not type(user).objects.filter(pk=user.pk).exists()
    from volunteers.models import Volunteer

    assert not Volunteer.objects.filter(email="oud@example.nl").exists()
    assert not Volunteer.objects.filter(phone="06-99988877").exists()
    assert type(user).objects.filter(pk=fresh.pk).exists()


def test_a_login_after_the_warning_keeps_the_account(build):
    user = build.user(last_login=ago(months=25))
    retention_run(now=NOW, kinds=["accounts_warn"])
    type(user).objects.filter(pk=user.pk).update(last_login=NOW + datetime.timedelta(days=3))

    results = retention_run(now=NOW + datetime.timedelta(days=40), kinds=["accounts_warn", "accounts_remove"])

    assert ids_of(results, "accounts_remove") == [] == ids_of(results, "accounts_warn")
    assert type(user).objects.filter(pk=user.pk).exists()


def test_a_mantelzorger_account_is_removed_without_names_left_on_the_user_row(build):
    user = build.user(last_login=ago(months=30), email="mz-oud@example.nl", first_name="Mira", last_name="Zorg")
    mz = build.mantelzorger(user=user)
    request = build.request(mantelzorger=mz, requester=user, status="closed", closed=ago(months=6))
    InactivityWarning.objects.create(user=user, warned_at=NOW - datetime.timedelta(days=31))

    results = retention_run(now=NOW, kinds=["accounts_remove"])

    assert ids_of(results, "accounts_remove") == [user.pk]
    assert not type(user).objects.filter(email="mz-oud@example.nl").exists()
    assert not type(user).objects.filter(first_name="Mira").exists()
    mz.refresh_from_db()
    request.refresh_from_db()
    assert mz.user is None and request.requester is None


@pytest.mark.parametrize("what", ["open_request", "open_match", "staff", "mantelzorger_open_request"])
def test_accounts_with_open_work_or_staff_roles_are_never_warned(build, what):
    from neighbourhoods.models import StaffMembership

    user = build.user(last_login=ago(months=40))
    if what == "open_request":
        build.request(requester=user, status="intake", created=ago(months=40))
    elif what == "mantelzorger_open_request":
        mz = build.mantelzorger(user=user)
        build.request(mantelzorger=mz, status="new", created=ago(months=40))
    elif what == "open_match":
        volunteer = build.volunteer(user=user)
        request = build.request(status="matched", created=ago(months=40))
        build.match(request=request, volunteer=volunteer, status="active", ended=None)
        Match.objects.filter(volunteer=volunteer).update(ended_at=None)
    else:
        StaffMembership.objects.create(user=user, organisation=build.org, role="broker")

    results = retention_run(now=NOW, kinds=["accounts_warn"])

    assert ids_of(results, "accounts_warn") == []


# --- Per organisation ---------------------------------------------------------------------------


def test_an_organisations_own_period_is_used(build, region):
    from privacy.models import RetentionSettings

    RetentionSettings.objects.create(organisation=build.org, months={"requests": 36})
    a = build.request(status="closed", closed=ago(months=30))
    b = build.request(status="closed", closed=ago(months=30), org=region["org_b"], neighbourhood=region["areas"]["Ede"])

    results = retention_run(now=NOW, kinds=["requests"])

    assert [(d.organisation, d.ids) for d in results] == [("org-a", []), ("org-b", [b.pk])]
    assert HelpRequest.objects.get(pk=a.pk).email


# --- Idempotent, and the dry run is the real run ------------------------------------------------


def _vacancy_response(build, volunteer, sent_at):
    from partners.models import Partner, Response, Vacancy

    partner = Partner.objects.create(organisation=build.org, name="Buurthuis", kind="initiative")
    vacancy = Vacancy.objects.create(partner=partner, title="Koffie schenken", description="Op zondag", from_home=True)
    response = Response.objects.create(vacancy=vacancy, volunteer=volunteer, note="Ik schenk graag koffie")
    Response.objects.filter(pk=response.pk).update(created_at=sent_at)


def _activity_signup(build, volunteer, ended):
    from activities.models import Activity, SignUp

    activity = Activity.objects.create(
        organisation=build.org, title="Buurtmaaltijd", description="-", until=ended, participant_places=8
    )
    SignUp.objects.create(activity=activity, role="helper", volunteer=volunteer, status="confirmed")


@pytest.fixture
def everything_due(build, settings):
    """Records of every kind beyond their period, in two organisations, and some within."""
    settings.NOTIFICATION_RETENTION_DAYS = 365
    mz = build.mantelzorger()
    request = build.request(mantelzorger=mz, status="closed", closed=ago(months=90), created=ago(months=92))
    build.request(status="closed", closed=ago(months=3))
    volunteer = build.volunteer()
    build.match(request=request, volunteer=volunteer, ended=ago(months=85))
    _vacancy_response(build, volunteer, ago(months=13))
    _activity_signup(build, volunteer, ended=ago(months=13).date())
    _checkin(mz, ago(months=91))
    log_read_at(mz, ago(months=61))
    row = Notification.objects.create(
        key="old",
        kind="x",
        category="updates",
        to_email="a@example.nl",
        subject="s",
        message_id="<old@x>",
        status="sent",
        organisation=build.org,
    )
    Notification.objects.filter(pk=row.pk).update(created_at=ago(months=13))
    warned = build.user(last_login=ago(months=30))
    build.volunteer(user=warned)
    InactivityWarning.objects.create(user=warned, warned_at=NOW - datetime.timedelta(days=31))
    build.user(last_login=ago(months=30))  # to be warned
    org_b = build.region["org_b"]
    build.request(status="withdrawn", closed=ago(months=25), org=org_b, neighbourhood=build.region["areas"]["Ede"])
    _signal(build.org, handled=ago(months=13), request=request)
    _signal(build.org, handled=ago(months=3))  # within the period


def _signal(org, *, handled, request=None):
    from caregivers.models import CareSignal

    signal = CareSignal.objects.create(
        organisation=org,
        source_kind="gp",
        first_name="Signaalpersoon",
        contact="026 5550000",
        place="Velp",
        noticed="Opgevallen",
        consent_given=True,
        consent_how="verbal",
        consent_at=handled,
        status="request" if request else "closed",
        close_reason="" if request else "no_need",
        request=request,
        handled_at=handled,
    )
    return signal


def test_every_kind_has_something_due_in_the_fixture(everything_due):
    counts = run(dry_run=True)
    assert all(counts[kind.code] >= 1 for kind in KINDS), counts


def test_old_signals_lose_their_personal_data_and_keep_the_outcome(everything_due):
    from caregivers.models import CareSignal

    assert run(dry_run=True)["signals"] == 1
    run()
    old, recent = CareSignal.objects.order_by("handled_at")
    assert (old.first_name, old.contact, old.place, old.noticed) == ("Oud-signaal", "", "", "")
    assert old.status == "request" and old.request_id is not None
    assert recent.contact == "026 5550000"
    assert run(dry_run=True)["signals"] == 0


def test_a_dry_run_changes_nothing_and_lists_exactly_what_the_real_run_removes(everything_due):
    before = (HelpRequest.objects.exclude(email="").count(), Mantelzorger.objects.exclude(email="").count())
    dry = retention_run(now=NOW, dry_run=True)
    assert (HelpRequest.objects.exclude(email="").count(), Mantelzorger.objects.exclude(email="").count()) == before
    assert InactivityWarning.objects.count() == 1 and not mail.outbox

    real = retention_run(now=NOW)

    assert [(d.kind, d.organisation, d.ids) for d in dry] == [(d.kind, d.organisation, d.ids) for d in real]
    assert sum(d.count for d in real) >= len(KINDS)


def test_a_second_run_finds_nothing(everything_due):
    first = run()
    assert sum(first.values()) > 0
    assert sum(run().values()) == 0
    assert sum(run(dry_run=True).values()) == 0


def test_small_batches_do_the_same_as_one(build):
    requests = [build.request(status="closed", closed=ago(months=30)) for _ in range(5)]
    results = retention_run(now=NOW, kinds=["requests"], batch_size=2)
    assert ids_of(results, "requests") == sorted(r.pk for r in requests)
    assert not HelpRequest.objects.exclude(email="").exists()


# --- The report figures stay as they were --------------------------------------------------------


def _figures(org):
    from reports.counting import Scope, raw_figures
    from reports.months import Month, months_between

    months = months_between(Month.of(ago(months=100)), Month.of(NOW))
    table = raw_figures(scope=Scope.of(org), months=months)
    return {
        key: (
            {code: n for code, n in raw.counts.items() if n},
            sorted(raw.days_to_match),
            raw.respite_hours,
        )
        for key, raw in table.items()
        if any(raw.counts.values()) or raw.days_to_match or raw.respite_hours
    }


def test_anonymising_leaves_the_report_figures_as_they_were(build):
    volunteer = build.volunteer()
    for months in (85, 90, 95):
        mz = build.mantelzorger()
        request = build.request(
            mantelzorger=mz, status="closed", closed=ago(months=months), created=ago(months=months + 3), kind="respite"
        )
        build.match(
            request=request, volunteer=volunteer, ended=ago(months=months, days=2), activated=ago(months=months + 2)
        )
    referred = build.request(status="referred", closed=ago(months=30), created=ago(months=31))
    from caregivers.models import RequestEvent

    RequestEvent.objects.create(request=referred, from_status="intake", to_status="referred", note="Huisarts")
    RequestEvent.objects.filter(request=referred, to_status="referred").update(at=ago(months=30))
    before = _figures(build.org)
    assert before  # the fixture counts for something

    counts = run(kinds=["requests", "mantelzorgers", "matches", "hours"])

    assert counts["requests"] == 4 and counts["matches"] == 3 and counts["mantelzorgers"] == 3
    assert _figures(build.org) == before


def test_the_periods_in_the_schedule_are_within_their_own_bounds():
    for period in PERIODS.values():
        assert period.min_months <= period.default_months <= period.max_months


def test_a_removed_volunteer_account_with_matches_stays_as_an_anonymous_row(build):
    from volunteers.models import Volunteer

    user = build.user(last_login=ago(months=30), email="hulp@example.nl", first_name="Henk")
    volunteer = build.volunteer(user=user, first_name="Henk", email="hulp@example.nl", phone="06-11100011")
    request = build.request(status="closed", closed=ago(months=26))
    match = build.match(request=request, volunteer=volunteer, ended=ago(months=26))
    InactivityWarning.objects.create(user=user, warned_at=NOW - datetime.timedelta(days=30))

    results = retention_run(now=NOW, kinds=["accounts_remove"])

    assert ids_of(results, "accounts_remove") == [user.pk]
    volunteer.refresh_from_db()
    assert volunteer.user is None and (volunteer.email, volunteer.phone, volunteer.postcode) == ("", "", "")
    assert volunteer.first_name != "Henk" and not volunteer.is_active
    assert Match.objects.filter(pk=match.pk, volunteer=volunteer).exists()
    assert not type(user).objects.filter(pk=user.pk).exists()
    assert not Volunteer.objects.filter(first_name="Henk").exists()


def test_dry_run_equals_real_run_when_check_ins_go_sooner_than_mantelzorgers(build, personas):
    from privacy.retention import retention_settings_update

    retention_settings_update(
        organisation=build.org, months={"checkins": 12, "mantelzorgers": 24}, by=personas["admin_a"]
    )
    mz = build.mantelzorger()
    build.request(mantelzorger=mz, status="closed", closed=ago(months=30), created=ago(months=32))
    _checkin(mz, ago(months=18))  # goes (check-ins: 12 months) and keeps the mantelzorger (24 months)

    dry = retention_run(now=NOW, dry_run=True)
    real = retention_run(now=NOW)

    assert [(d.kind, d.organisation, d.ids) for d in dry] == [(d.kind, d.organisation, d.ids) for d in real]
    assert ids_of(real, "checkins") and not ids_of(real, "mantelzorgers")
    # The next night the mantelzorger's last check-in is gone: now they are due.
    assert ids_of(retention_run(now=NOW, dry_run=True), "mantelzorgers") == [mz.pk]


# --- Responses to vacancies -------------------------------------------------------------------


def test_responses_to_vacancies_lose_the_person_after_their_period(build):
    from partners.models import Partner, Response, Vacancy

    partner = Partner.objects.create(organisation=build.org, name="Sportclub", kind="sports_club")
    vacancy = Vacancy.objects.create(partner=partner, title="Trainer", description="Jeugd", from_home=True)
    volunteer = build.volunteer()
    old = Response.objects.create(
        vacancy=vacancy, volunteer=volunteer, note="Ik ben Klaas, bel 06-1", status="accepted"
    )
    recent = Response.objects.create(vacancy=vacancy, volunteer=build.volunteer(), note="Recent")
    Response.objects.filter(pk=old.pk).update(created_at=ago(months=12, days=1))
    Response.objects.filter(pk=recent.pk).update(created_at=ago(months=11))
    assert run(kinds=["vacancy_responses"], dry_run=True)["vacancy_responses"] == 1
    assert run(kinds=["vacancy_responses"])["vacancy_responses"] == 1
    old.refresh_from_db()
    assert (old.note, old.volunteer_id, old.status) == ("", None, "accepted")
    assert Response.objects.get(pk=recent.pk).note == "Recent"
    assert run(kinds=["vacancy_responses"])["vacancy_responses"] == 0


def test_activity_sign_ups_lose_the_person_after_the_activity_and_its_period(build):
    from activities.models import Activity, SignUp

    def activity(until):
        return Activity.objects.create(
            organisation=build.org, title="Wandelen", description="-", until=until, participant_places=3
        )

    old, recent = activity((ago(months=12, days=2)).date()), activity((ago(months=11)).date())
    volunteer = build.volunteer()
    gone = SignUp.objects.create(
        activity=old, role="helper", user=volunteer.user, volunteer=volunteer, status="confirmed"
    )
    kept = SignUp.objects.create(activity=recent, role="helper", volunteer=build.volunteer(), status="waiting")
    assert run(kinds=["activity_signups"], dry_run=True)["activity_signups"] == 1
    assert run(kinds=["activity_signups"])["activity_signups"] == 1
    gone.refresh_from_db()
    assert (gone.user_id, gone.volunteer_id, gone.status, gone.role) == (None, None, "confirmed", "helper")
    assert SignUp.objects.get(pk=kept.pk).volunteer_id is not None
    assert run(kinds=["activity_signups"])["activity_signups"] == 0
