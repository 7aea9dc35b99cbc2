"""The broker's match pages: open matches, one match with its history, cancel,
start, end with the evaluation, approve hours; scoped to the organisation."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caregivers.models import HelpRequest
from matches.models import Evaluation, HoursEntry, Match
from tests.login import log_in
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW, TODAY

# Fixtures shared by the lifecycle tests.
lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")


def url(name: str, world, pk: int | None = None, **kwargs) -> str:
    params = {"slug": world.org.slug, **kwargs}
    if pk is not None:
        params["pk"] = pk
    return reverse(f"matching_broker:{name}", kwargs=params)


def _status(match: Match) -> str:
    return Match.objects.values_list("status", flat=True).get(pk=match.pk)


def test_list_shows_open_matches_oldest_proposal_first(client, world, django_assert_max_num_queries):
    newer = world.match("proposed", volunteer=world.other_volunteer)
    older = world.match("proposed")
    Match.objects.filter(pk=older.pk).update(created_at=NOW - datetime.timedelta(days=5))
    Match.objects.filter(pk=newer.pk).update(created_at=NOW - datetime.timedelta(days=1))
    world.match("active")
    world.match("accepted_by_volunteer")
    world.match("declined")
    log_in(client, world.broker)
    # +1: the staff check of StaffSessionMiddleware; +1: the partner role of the menu.
    with django_assert_max_num_queries(17):
        response = client.get(url("list", world))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(url("detail", world, older.pk)) < body.index(url("detail", world, newer.pk))
    assert "5 dagen" in body and "badge--danger" in body
    assert "Lopende koppelingen" in body
    groups = response.context["groups"]
    assert [len(groups.proposed), len(groups.accepted), len(groups.active)] == [2, 1, 1]


def test_list_pages_each_group_and_counts_all(client, world, monkeypatch):
    """A centre with hundreds of open matches gets pages, not one endless list; the
    figures at the top count every open match, not only the page."""
    import matches.selectors

    proposals = [world.match("proposed") for _ in range(3)]
    for days, match in zip((9, 8, 7), proposals, strict=True):
        Match.objects.filter(pk=match.pk).update(created_at=NOW - datetime.timedelta(days=days))
    world.match("active")
    monkeypatch.setattr(matches.selectors, "OPEN_MATCHES_PER_PAGE", 2)
    log_in(client, world.broker)

    first = client.get(url("list", world))
    groups = first.context["groups"]
    assert [m.pk for m in groups.proposed] == [proposals[0].pk, proposals[1].pk]
    assert groups.proposed.paginator.count == 3 and groups.active.paginator.count == 1
    body = first.content.decode()
    assert "Pagina 1 van 2" in body and "?proposed=2#proposed-title" in body

    second = client.get(url("list", world), {"proposed": "2", "active": "1"})
    assert [m.pk for m in second.context["groups"].proposed] == [proposals[2].pk]


def test_list_queries_do_not_grow_with_the_rows(client, world):
    """Links, labels, dates and hour totals are worked out per page, not looked up per
    row: six times the rows, the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("list", world)).status_code == 200
        return len(captured)

    log_in(client, world.broker)
    world.match("proposed")
    HoursEntry.objects.create(match=world.match("active"), date=TODAY, hours="1.50")
    world.match("accepted_by_volunteer")
    few = queries()
    for _ in range(5):
        world.match("proposed")
        HoursEntry.objects.create(match=world.match("active"), date=TODAY, hours="0.75")
        world.match("accepted_by_volunteer")
    assert queries() == few


def test_list_rows_show_link_kind_date_and_hours(client, world):
    match = world.match("active", request=world.new_request(status="matched", kind=HelpRequest.Kind.TRANSPORT))
    Match.objects.filter(pk=match.pk).update(activated_at=datetime.datetime(2030, 3, 4, 23, 30, tzinfo=datetime.UTC))
    HoursEntry.objects.create(match=match, date=TODAY, hours="1.50")
    HoursEntry.objects.create(match=match, date=TODAY, hours="2.25")
    log_in(client, world.broker)
    body = client.get(url("list", world)).content.decode()
    assert f'<a href="{url("detail", world, match.pk)}">' in body
    assert f'<a href="{url("detail", world, match.pk)}#uren">' in body
    # 23:30 UTC is the next day in Amsterdam; the kind's label; the hours with a decimal comma.
    assert "vervoer voor Maria" in body and "gestart op 5 maart 2030" in body
    assert '<td class="num">2</td><td class="num">3,75</td>' in body


@pytest.mark.parametrize("page", ["x", "-1", "0", "99999999999999999999", "", "2.5"])
def test_list_with_a_bad_page_number_shows_a_page(client, world, page):
    world.match("proposed")
    log_in(client, world.broker)
    response = client.get(url("list", world), {"proposed": page, "accepted": page, "active": page})
    assert response.status_code == 200
    assert len(response.context["groups"].proposed) == 1


def test_list_shows_pending_hours_per_volunteer_and_match(client, world):
    one, two = world.match("active"), world.match("active")
    HoursEntry.objects.create(match=one, date=TODAY, hours="1.50")
    HoursEntry.objects.create(match=one, date=TODAY, hours="2.00")
    HoursEntry.objects.create(match=two, date=TODAY, hours="1.00", approved_at=NOW)
    log_in(client, world.broker)
    response = client.get(url("list", world))
    per_volunteer = response.context["per_volunteer"]
    assert len(per_volunteer) == 1 and str(per_volunteer[0]["total"]) in ("3.5", "3.50")
    assert [row["match_id"] for row in response.context["per_match"]] == [one.pk]
    client.post(url("hours_approve_all", world))
    assert not HoursEntry.objects.filter(approved_at__isnull=True).exists()


def test_detail_shows_history_and_hours(client, world):
    match = world.match("active")
    HoursEntry.objects.create(match=match, date=TODAY, hours="2.25", note="Tuin")
    log_in(client, world.broker)
    body = client.get(url("detail", world, match.pk)).content.decode()
    assert "Geschiedenis" in body and "voorgesteld" in body
    assert "Tuin" in body and "Afronden met evaluatie" in body and "Koppeling annuleren" in body


REASONS = [
    {"code": "distance", "km": 0.8},
    {"code": "available", "slots": [["tue", "13:00", "17:30"]]},
    {"code": "text", "text": "kent de buurt goed"},
]


def test_detail_shows_why_the_volunteer_was_proposed(client, world):
    match = world.match("proposed", reasons=REASONS)
    log_in(client, world.broker)
    body = client.get(url("detail", world, match.pk)).content.decode()
    assert "Waarom voorgesteld" in body
    assert "<li>0,8 km</li><li>beschikbaar di 13:00-17:30</li><li>kent de buurt goed</li>" in body


def test_detail_shows_why_in_the_readers_language(client, world, in_english):
    match = world.match("proposed", reasons=REASONS)
    log_in(client, world.broker)
    body = client.get(url("detail", world, match.pk)).content.decode()
    assert "Why proposed" in body
    assert "<li>0.8 km</li><li>available Tue 13:00-17:30</li><li>kent de buurt goed</li>" in body


def test_detail_without_reasons_leaves_the_row_out(client, world):
    match = world.match("proposed")
    log_in(client, world.broker)
    assert "Waarom voorgesteld" not in client.get(url("detail", world, match.pk)).content.decode()


def test_detail_lists_the_emails_about_the_match(client, world, django_capture_on_commit_callbacks):
    from matches.lifecycle import match_accept, match_proposal_mail

    match = world.match("proposed")
    log_in(client, world.broker)
    assert "Er zijn nog geen e-mails" in client.get(url("detail", world, match.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        match_proposal_mail(match=match)
        match_accept(match=match, by=world.volunteer_user)
    body = client.get(url("detail", world, match.pk)).content.decode()
    assert "Wilt u helpen?" in body and world.volunteer.email in body
    assert "wil u graag helpen" in body  # the requester heard of the yes
    assert body.count(">verstuurd<") >= 2


def test_cancel_with_and_without_reason(client, world):
    match = world.match("active")
    log_in(client, world.broker)
    missing = client.post(url("cancel", world, match.pk), {"cancel-reason": ""})
    assert missing.status_code == 400
    assert "Schrijf kort waarom" in missing.content.decode()
    assert _status(match) == "active"
    done = client.post(url("cancel", world, match.pk), {"cancel-reason": "Vrijwilliger is ziek."})
    assert done.status_code == 302
    assert _status(match) == "cancelled"
    assert HelpRequest.objects.get(pk=match.request_id).status == "ready"
    body = client.get(url("detail", world, match.pk)).content.decode()
    assert "Vrijwilliger is ziek." in body
    again = client.post(url("cancel", world, match.pk), {"cancel-reason": "Nog eens."})
    assert again.status_code == 400  # no form any more, but never a 500
    assert "ingetrokken" in again.content.decode()


def test_activate_with_intro_meeting(client, world):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.broker)
    bad = client.post(url("activate", world, match.pk), {"activate-intro_meeting_at": "gisteren"})
    assert bad.status_code == 400 and "Vul een datum en tijd in" in bad.content.decode()
    assert 'value="gisteren"' in bad.content.decode()
    assert _status(match) == "accepted_by_volunteer"
    done = client.post(url("activate", world, match.pk), {"activate-intro_meeting_at": "2030-06-01T14:30"})
    assert done.status_code == 302
    match.refresh_from_db()
    assert match.status == "active"
    assert match.intro_meeting_at == datetime.datetime(2030, 6, 1, 12, 30, tzinfo=datetime.UTC)
    assert match.request.status == "matched"


def test_end_with_evaluation(client, world):
    match = world.match("active")
    log_in(client, world.broker)
    data = {
        "end-goal_reached": "partly",
        "end-volunteer_satisfaction": "4",
        "end-requester_satisfaction": "",
        "end-next_step": "close",
        "end-note": "Half gelukt.",
    }
    response = client.post(url("end", world, match.pk), data)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(match=match)
    assert (evaluation.goal_reached, evaluation.volunteer_satisfaction, evaluation.requester_satisfaction) == (
        "partly",
        4,
        None,
    )
    request = HelpRequest.objects.get(pk=match.request_id)
    assert (request.status, request.outcome) == ("closed", "partly")
    body = client.get(url("detail", world, match.pk)).content.decode()
    assert "Evaluatie" in body and "Half gelukt." in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end-volunteer_satisfaction", "6", "Kies een getal van 1 tot 5."),
        ("end-requester_satisfaction", "0", "Kies een getal van 1 tot 5."),
        ("end-goal_reached", "", "Kies of het doel bereikt is."),
        ("end-next_step", "party", "Kies hoe het verder gaat."),
    ],
)
def test_end_bad_input(client, world, field, value, message):
    match = world.match("active")
    log_in(client, world.broker)
    data = {
        "end-goal_reached": "yes",
        "end-volunteer_satisfaction": "5",
        "end-requester_satisfaction": "5",
        "end-next_step": "close",
        "end-note": "blijft staan",
    }
    data[field] = value
    response = client.post(url("end", world, match.pk), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "blijft staan" in body
    assert _status(match) == "active"
    assert not Evaluation.objects.exists()


def test_end_a_match_that_is_not_active(client, world):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.broker)
    data = {"end-goal_reached": "yes", "end-next_step": "close"}
    response = client.post(url("end", world, match.pk), data)
    assert response.status_code == 400
    assert "Alleen een koppeling die loopt" in response.content.decode()
    assert _status(match) == "accepted_by_volunteer"
    assert not Evaluation.objects.exists()


def test_approve_hours_one_and_all(client, world):
    match = world.match("active")
    first = HoursEntry.objects.create(match=match, date=TODAY, hours="1.00")
    HoursEntry.objects.create(match=match, date=TODAY, hours="2.00")
    log_in(client, world.broker)
    assert client.post(url("hours_approve", world, match.pk, entry=first.pk)).status_code == 302
    first.refresh_from_db()
    assert first.approved_by == world.broker
    again = client.post(url("hours_approve", world, match.pk, entry=first.pk))
    assert again.status_code == 400 and "al goedgekeurd" in again.content.decode()
    client.post(url("hours_approve_match", world, match.pk))
    assert not HoursEntry.objects.filter(approved_at__isnull=True).exists()


def test_hours_of_another_match_are_404(client, world):
    match, other = world.match("active"), world.match("active")
    entry = HoursEntry.objects.create(match=other, date=TODAY, hours="1.00")
    log_in(client, world.broker)
    assert client.post(url("hours_approve", world, match.pk, entry=entry.pk)).status_code == 404
    entry.refresh_from_db()
    assert entry.approved_at is None


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("detail", "get", {}),
        ("cancel", "post", {"cancel-reason": "weg"}),
        ("activate", "post", {}),
        ("end", "post", {"end-goal_reached": "yes", "end-next_step": "close"}),
        ("hours_approve_match", "post", {}),
    ],
)
@pytest.mark.parametrize("who", ["broker_b", "volunteer_user", "requester_user", "municipality", "nobody"])
def test_other_people_get_404(client, world, name, method, data, who):
    match = world.match("accepted_by_volunteer")
    entry = HoursEntry.objects.create(match=match, date=TODAY, hours="1.00")
    log_in(client, getattr(world, who))
    response = getattr(client, method)(url(name, world, match.pk), data)
    assert response.status_code == 404
    assert _status(match) == "accepted_by_volunteer"
    entry.refresh_from_db()
    assert entry.approved_at is None


def test_broker_b_cannot_reach_org_a_matches_through_own_slug(client, world):
    match = world.match("active")
    log_in(client, world.broker_b)
    response = client.get(reverse("matching_broker:detail", kwargs={"slug": world.org_b.slug, "pk": match.pk}))
    assert response.status_code == 404
    response = client.get(reverse("matching_broker:list", kwargs={"slug": world.org_b.slug}))
    assert response.status_code == 200 and list(response.context["groups"].active) == []


def test_admin_may_act(client, world):
    match = world.match("proposed")
    log_in(client, world.admin)
    client.post(url("cancel", world, match.pk), {"cancel-reason": "Dubbel voorgesteld."})
    assert _status(match) == "cancelled"


@pytest.mark.parametrize("name", ["list", "detail"])
def test_anonymous_is_sent_to_login(client, world, name):
    match = world.match("proposed")
    response = client.get(url(name, world, match.pk if name == "detail" else None))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
