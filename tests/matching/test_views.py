"""The broker's suggestions page (and htmx fragment) and proposing from it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caregivers.models import HelpRequest
from matches.models import Match, MatchEvent
from matching.loaders import pool_cache_clear
from tests.login import log_in
from tests.matching.conftest import VELP

pytestmark = pytest.mark.django_db


def url(name, request, slug="org-a"):
    return reverse(f"matching:{name}", kwargs={"slug": slug, "pk": request.pk})


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def broker(client, personas):
    log_in(client, personas["broker_a"])
    return personas["broker_a"]


@pytest.fixture
def situation(org, region, make_volunteer, make_request):
    """A Tuesday-afternoon shopping request in Arnhem; Zoë fits best (close, free
    all afternoon), Bram fits too (Velp, 4.7 km), Carla is not free on Tuesday."""
    zoe = make_volunteer(
        org,
        first_name="Zoë",
        last_name="van 't Hof-Özdemir",
        skill_codes=("shopping",),
        neighbourhood=region["areas"]["Arnhem"],
        slots="tue 12:00-18:00",
    )
    bram = make_volunteer(org, first_name="Bram", last_name="Bos", skill_codes=("shopping",), at=VELP)
    carla = make_volunteer(org, first_name="Carla", last_name="Cox", skill_codes=("shopping",), slots="wed 09:00-17:00")
    request = make_request(org, skill_codes=("shopping",), neighbourhood=region["areas"]["Arnhem"])
    return {"zoe": zoe, "bram": bram, "carla": carla, "request": request}


def test_suggestions_page_shows_ranked_candidates_with_reasons(client, broker, situation):
    response = client.get(url("suggestions", situation["request"]))
    assert response.status_code == 200
    assert "base.html" in [t.name for t in response.templates]
    names = [c.name for c in response.context["suggestions"].candidates]
    assert names == ["Zoë van 't Hof-Özdemir", "Bram Bos"]
    html = response.content.decode()
    assert "Zoë van &#x27;t Hof-Özdemir" in html
    assert "0,0 km" in html and "4,7 km" in html
    assert "beschikbaar di 12:00-18:00" in html
    assert "woont in dezelfde buurt" in html
    assert "Centrum" in html  # Zoë's neighbourhood
    # Few candidates: the summary says why the others fell out, in plain Dutch.
    assert "1 niet beschikbaar op dinsdag" in html
    assert html.count('name="volunteer"') == 2
    assert "Voorstellen" in html


def test_htmx_gets_the_fragment_only(client, broker, situation):
    response = client.get(
        url("suggestions", situation["request"]),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/organisatie/org-a/vragen/1/"},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["matching/_suggestions.html"]
    html = response.content.decode()
    assert "<html" not in html and 'id="suggestions"' in html
    # Proposing from the request page comes back to the request page.
    assert 'name="next" value="http://testserver/organisatie/org-a/vragen/1/"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_does_not_pass_on_a_foreign_return_address(client, broker, situation):
    response = client.get(
        url("suggestions", situation["request"]),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/"},
    )
    assert 'name="next"' not in response.content.decode()


def test_existing_matches_are_listed_above_and_not_offered_again(client, broker, situation, make_match):
    situation["zoe"].max_active_matches = 2  # room for one more: still a candidate
    situation["zoe"].save()
    make_match(situation["request"], situation["zoe"], Match.Status.PROPOSED)
    html = client.get(url("suggestions", situation["request"])).content.decode()
    assert html.index("Al voorgesteld of gekoppeld") < html.index("Vrijwilligers die passen")
    assert "al voorgesteld voor deze vraag" in html
    assert html.count('name="volunteer"') == 1  # only Bram still has a button


def test_request_not_ready_says_so(client, broker, org, make_request):
    request = make_request(org, status=HelpRequest.Status.INTAKE)
    response = client.get(url("suggestions", request))
    assert response.status_code == 200
    assert "Alleen voor een vraag die klaar is om te koppelen" in response.content.decode()
    assert response.context["suggestions"].candidates == []


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("n", [3, 30])
def test_suggestions_use_a_constant_number_of_queries(
    n, client, broker, org, make_volunteer, make_request, make_match, django_assert_max_num_queries
):
    request = make_request(org, skill_codes=("shopping",))
    for i in range(n):
        v = make_volunteer(org, skill_codes=("shopping",), max_active_matches=2)
        if i % 2:
            make_match(make_request(org), v, Match.Status.ACTIVE)
    # +4 and +5 (one more on PostgreSQL, its advisory lock): the access-log row; +1 the staff
    # check of config.middleware.StaffSessionMiddleware.
    with django_assert_max_num_queries(
        29
    ):  # cold: builds the organisation's pool (+1 on PostgreSQL: the access log's advisory lock)
        response = client.get(url("suggestions", request))
    assert len(response.context["suggestions"].candidates) == min(n, 10)
    with django_assert_max_num_queries(24):  # warm: the pool comes from the cache (+1 on PostgreSQL, as above)
        client.get(url("suggestions", request))


def test_query_count_does_not_grow_with_the_number_of_volunteers(client, broker, org, make_volunteer, make_request):
    request = make_request(org)
    counts = []
    for extra in (3, 27):
        for _ in range(extra):
            make_volunteer(org)
        pool_cache_clear()  # cold: a new process (a warm one patches the new volunteers in)
        cold, _ = _queries(client, url("suggestions", request))
        warm, response = _queries(client, url("suggestions", request))
        counts.append((cold, warm))
    assert counts[0] == counts[1]
    assert counts[0][1] < counts[0][0]  # the cache saves the build


def test_propose_creates_the_match_and_comes_back(client, broker, situation):
    request, zoe = situation["request"], situation["zoe"]
    response = client.post(url("propose", request), {"volunteer": zoe.pk})
    assert response.status_code == 302
    assert response["Location"] == url("suggestions", request)
    match = Match.objects.get(request=request, volunteer=zoe)
    assert match.status == Match.Status.PROPOSED and match.proposed_by == broker
    assert match.distance_km == pytest.approx(0.0) and match.score > 0.5
    assert {"code": "available", "slots": [["tue", "12:00", "18:00"]]} in match.reasons
    assert MatchEvent.objects.filter(match=match, to_status="proposed", by=broker).exists()
    page = client.get(response["Location"]).content.decode()
    assert "is voorgesteld voor deze vraag" in page


def test_propose_returns_to_a_safe_next_only(client, broker, situation):
    request = situation["request"]
    detail = reverse("caregivers_broker:detail", kwargs={"slug": "org-a", "pk": request.pk})
    response = client.post(url("propose", request), {"volunteer": situation["zoe"].pk, "next": detail})
    assert response["Location"] == detail
    response = client.post(
        url("propose", request), {"volunteer": situation["bram"].pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == url("suggestions", request)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Kies een vrijwilliger."),
        ({"volunteer": "abc"}, "Kies een vrijwilliger uit de lijst."),
        ({"volunteer": "-3"}, "Kies een vrijwilliger uit de lijst."),
    ],
)
def test_propose_bad_input_is_400_with_a_reason(data, message, client, broker, situation):
    response = client.post(url("propose", situation["request"]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Match.objects.exists()


def test_propose_a_volunteer_who_does_not_fit_is_refused(client, broker, situation):
    response = client.post(url("propose", situation["request"]), {"volunteer": situation["carla"].pk})
    assert response.status_code == 400
    assert "past niet bij deze vraag" in response.content.decode()
    assert "beschikbaar" in response.content.decode()
    assert not Match.objects.exists()


def test_propose_twice_shows_the_domain_error(client, broker, situation):
    request, zoe = situation["request"], situation["zoe"]
    client.post(url("propose", request), {"volunteer": zoe.pk})
    response = client.post(url("propose", request), {"volunteer": zoe.pk})
    assert response.status_code == 400
    assert "al voorgesteld" in response.content.decode()
    assert Match.objects.count() == 1


def test_propose_when_capacity_is_full(client, broker, situation, org, make_request, make_match):
    make_match(make_request(org), situation["zoe"], Match.Status.ACTIVE)  # capacity 1: full
    response = client.post(url("propose", situation["request"]), {"volunteer": situation["zoe"].pk})
    assert response.status_code == 400
    assert Match.objects.filter(request=situation["request"]).count() == 0


def test_propose_needs_post(client, broker, situation):
    assert client.get(url("propose", situation["request"])).status_code == 405


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["broker_b", "volunteer", "mantelzorger", "municipality", "nobody"])
def test_others_get_404(who, client, personas, situation):
    log_in(client, personas[who])
    request = situation["request"]
    assert client.get(url("suggestions", request)).status_code == 404
    assert client.post(url("propose", request), {"volunteer": situation["zoe"].pk}).status_code == 404
    assert not Match.objects.exists()


def test_broker_b_cannot_reach_a_request_of_a_through_own_slug(client, personas, situation):
    log_in(client, personas["broker_b"])
    request = situation["request"]
    assert client.get(url("suggestions", request, slug="org-b")).status_code == 404
    assert client.post(url("propose", request, slug="org-b"), {"volunteer": situation["zoe"].pk}).status_code == 404


def test_volunteer_of_another_organisation_is_404(client, broker, situation, region, make_volunteer):
    outsider = make_volunteer(region["org_b"])
    assert client.post(url("propose", situation["request"]), {"volunteer": outsider.pk}).status_code == 404
    assert not Match.objects.exists()


def test_admin_may_use_it(client, personas, situation):
    log_in(client, personas["admin_a"])
    assert client.get(url("suggestions", situation["request"])).status_code == 200


def test_anonymous_is_sent_to_login(client, situation):
    response = client.get(url("suggestions", situation["request"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url("propose", situation["request"]), {"volunteer": situation["zoe"].pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_in_english_the_reasons_and_why_not_read_in_english(client, broker, situation, in_english):
    """Reasons are codes, rendered at display time: the English page has no Dutch reason."""
    html = client.get(url("suggestions", situation["request"])).content.decode()
    assert 'lang="en"' in html
    assert "0.0 km" in html and "4.7 km" in html
    assert "available Tue 12:00-18:00" in html
    assert "lives in the same neighbourhood" in html
    assert "no matches yet" in html
    # Why not more (Carla is not free on Tuesday).
    assert "1 not available on Tuesday" in html and "2 fit this request" in html
    for dutch in (
        "0,0 km",
        "beschikbaar di",
        "woont in dezelfde buurt",
        "nog geen koppelingen",
        "niet beschikbaar op",
        "passen bij deze vraag",
        "in de buurt (binnen",
    ):
        assert dutch not in html


def test_in_english_a_refusal_names_the_rule_in_english(client, broker, situation, in_english):
    response = client.post(url("propose", situation["request"]), {"volunteer": situation["carla"].pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This volunteer doesn&#x27;t fit this request: is not available at the requested time." in html
