"""The queue: open requests of the broker's organisation, ranked by priority,
filterable, flagged when waiting long or when the carer is overloaded."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregivers.filters import RequestQueueFilter
from caregivers.intake import queue_page, requests_of_organisation
from caregivers.models import HelpRequest
from demo.factories import HelpRequestFactory, MantelzorgerFactory

from .factories import BurdenCheckInFactory, RequestDateFactory, RequestSlotFactory

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def queue_url(slug="org-a"):
    return reverse("caregivers_broker:queue", kwargs={"slug": slug})


def names(response):
    return [entry.request.requester_first_name for entry in response.context["page"].object_list]


@pytest.fixture
def ranked(make_request, org_a, region):
    """Requests whose order is known (caregivers.priority, as a percentage): urgent 50,
    normal with an overloaded carer 48, normal of 2 days 26, the persona's 25 (normal,
    today) and low of 40 days 21."""
    overloaded = MantelzorgerFactory(organisation=org_a)
    BurdenCheckInFactory(mantelzorger=overloaded, score=8)
    return {
        "oud": make_request(requester_first_name="Oud", urgency="low", days_ago=40),
        "zwaar": make_request(requester_first_name="Zwaar", urgency="normal", days_ago=5, mantelzorger=overloaded),
        "dringend": make_request(requester_first_name="Dringend", urgency="high"),
        "gewoon": make_request(requester_first_name="Gewoon", urgency="normal", days_ago=2),
        "verwezen": make_request(requester_first_name="Verwezen", status=S.REFERRED, days_ago=60),
        "ander": HelpRequestFactory(organisation=region["org_b"], requester_first_name="Ander", urgency="high"),
    }


def test_queue_lists_open_requests_of_own_organisation_by_priority(broker_client, ranked, personas):
    response = broker_client.get(queue_url())
    assert response.status_code == 200
    persona_request = HelpRequest.objects.get(requester=personas["mantelzorger"])
    assert names(response) == ["Dringend", "Zwaar", "Gewoon", persona_request.requester_first_name, "Oud"]
    priorities = [entry.priority_percent for entry in response.context["page"].object_list]
    assert priorities == [50, 48, 26, 25, 21]
    assert "Ander" not in response.content.decode()
    assert "Verwezen" not in response.content.decode()


def test_equal_priority_oldest_first(make_request, org_a):
    younger = make_request(requester_first_name="Jonger", days_ago=3)
    older = make_request(requester_first_name="Ouder", days_ago=3.5)
    now = timezone.now()
    qs = requests_of_organisation(organisation=org_a).filter(pk__in=[younger.pk, older.pk])
    page = queue_page(queryset=qs, organisation=org_a, now=now)
    assert [e.request.pk for e in page.object_list] == [older.pk, younger.pk]
    assert page.object_list[0].priority == page.object_list[1].priority == pytest.approx(0.25 + 0.3 * 3 / 56)


def test_long_waiting_requests_are_flagged(broker_client, make_request, org_a):
    make_request(requester_first_name="Lang", days_ago=23.2)
    make_request(requester_first_name="Kort", days_ago=13.9)
    response = broker_client.get(queue_url())
    flags = {e.request.requester_first_name: e.waiting_long for e in response.context["page"].object_list}
    assert flags["Lang"] is True and flags["Kort"] is False
    html = response.content.decode()
    assert '<span class="badge badge--danger">wacht al 23 dagen</span>' in html
    assert "wacht al 13 dagen" not in html

    org_a.waiting_flag_days = 30
    org_a.save()
    response = broker_client.get(queue_url())
    assert not any(e.waiting_long for e in response.context["page"].object_list)


def test_closed_requests_are_not_flagged(broker_client, make_request):
    make_request(requester_first_name="Klaar", status=S.CLOSED, days_ago=60)
    response = broker_client.get(queue_url(), {"tab": "other"})
    [entry] = response.context["page"].object_list
    assert entry.waiting_long is False and entry.priority is None
    assert "wacht al" not in response.content.decode()


def test_only_the_latest_checkin_counts_for_burden(broker_client, make_request, org_a):
    recovered = MantelzorgerFactory(organisation=org_a)
    old = BurdenCheckInFactory(mantelzorger=recovered, score=9)
    BurdenCheckInFactory(mantelzorger=recovered, score=3)
    # The high score was weeks ago; the carer is doing better now.
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    signals = MantelzorgerFactory(organisation=org_a)
    BurdenCheckInFactory(mantelzorger=signals, score=2, sleeps_badly=True, feels_alone=True)
    make_request(requester_first_name="Beter", mantelzorger=recovered)
    make_request(requester_first_name="Signalen", mantelzorger=signals)
    response = broker_client.get(queue_url())
    burden = {e.request.requester_first_name: e.burden_high for e in response.context["page"].object_list}
    assert burden["Beter"] is False
    assert burden["Signalen"] is True
    assert response.content.decode().count("mantelzorger zwaar belast") == 1


# --- Filters -------------------------------------------------------------------------


@pytest.fixture
def spread(make_request, region, personas):
    HelpRequest.objects.filter(requester=personas["mantelzorger"]).delete()  # only these below
    areas = region["areas"]
    return {
        "velp": make_request(requester_first_name="Velpse", neighbourhood=areas["Velp"], kind="transport"),
        "centrum": make_request(
            requester_first_name="Centrumse",
            requester_last_name="van 't Hof-Özdemir",
            neighbourhood=areas["Arnhem"],
            urgency="high",
        ),
        "oud": make_request(requester_first_name="Oudje", neighbourhood=areas["Arnhem"], days_ago=20),
        "ready": make_request(requester_first_name="Klaarstaand", status=S.READY),
        "matched": make_request(requester_first_name="Gekoppeld", status=S.MATCHED),
        "withdrawn": make_request(requester_first_name="Ingetrokken", status=S.WITHDRAWN),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "transport"}, {"Velpse"}),
        ({"urgency": "high"}, {"Centrumse"}),
        ({"status": "ready"}, {"Klaarstaand"}),
        ({"status": "withdrawn"}, {"Ingetrokken"}),  # a chosen status wins over the open tab
        ({"age": "14"}, {"Oudje"}),
        ({"age": "30"}, set()),
        ({"q": "özdemir"}, {"Centrumse"}),
        ({"q": "van 't hof"}, {"Centrumse"}),
        ({"tab": "other"}, {"Gekoppeld", "Ingetrokken"}),
        ({"tab": "other", "q": "Gekop"}, {"Gekoppeld"}),
    ],
)
def test_filters(broker_client, spread, params, expected):
    response = broker_client.get(queue_url(), params)
    assert response.status_code == 200
    assert set(names(response)) == expected


def test_filter_by_neighbourhood_and_unknown_neighbourhood(broker_client, spread, region):
    velp = region["areas"]["Velp"]
    assert names(broker_client.get(queue_url(), {"neighbourhood": velp.pk})) == ["Velpse"]
    assert names(broker_client.get(queue_url(), {"neighbourhood": "null"})) == ["Klaarstaand"]


def test_search_by_number(broker_client, spread):
    response = broker_client.get(queue_url(), {"q": f"#{spread['velp'].pk}"})
    assert names(response) == ["Velpse"]


def test_tab_all_shows_everything_open_first(broker_client, spread):
    found = names(broker_client.get(queue_url(), {"tab": "all"}))
    assert set(found) >= {"Velpse", "Gekoppeld", "Ingetrokken"}
    assert found.index("Velpse") < found.index("Gekoppeld")


def test_neighbourhood_filter_offers_only_own_municipalities(region, org_a):
    filterset = RequestQueueFilter({}, queryset=HelpRequest.objects.all(), organisation=org_a, now=timezone.now())
    offered = set(filterset.form.fields["neighbourhood"].queryset.values_list("name", flat=True))
    assert offered == {"Centrum", "Velp"}


@pytest.mark.parametrize(
    ("params", "error_field"),
    [
        ({"status": "bogus"}, "status"),
        ({"age": "abc"}, "age"),
        ({"age": "-1"}, "age"),
        ({"kind": "'; DROP TABLE"}, "kind"),
        ({"urgency": "1"}, "urgency"),
        ({"neighbourhood": "abc"}, "neighbourhood"),
        ({"neighbourhood": "99999999999999999999"}, "neighbourhood"),
        ({"q": "x" * 101}, "q"),
        ({"tab": "secret"}, "tab"),
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(broker_client, spread, params, error_field):
    response = broker_client.get(queue_url(), params)
    assert response.status_code == 200
    assert error_field in response.context["filter"].errors
    assert "Er is iets niet goed ingevuld" in response.content.decode()
    partial = broker_client.get(queue_url(), params, headers={"HX-Request": "true"})
    assert "Niet elk filter is gebruikt" in partial.content.decode()
    # The bad filter is left out: the whole open queue shows.
    assert {"Velpse", "Centrumse", "Oudje", "Klaarstaand"} <= set(names(response))


def test_neighbourhood_of_another_organisation_is_refused(broker_client, spread, region):
    ede = region["areas"]["Ede"]
    response = broker_client.get(queue_url(), {"neighbourhood": ede.pk})
    assert response.status_code == 200
    assert "neighbourhood" in response.context["filter"].errors
    assert "Velpse" in names(response)


def test_filter_form_keeps_typed_values(broker_client, spread):
    response = broker_client.get(queue_url(), {"q": "Velp", "kind": "transport"})
    html = response.content.decode()
    assert 'value="Velp"' in html
    assert '<option value="transport" selected>' in html


# --- Pages, htmx, queries ---------------------------------------------------------------


def test_pagination_by_fifty(broker_client, org_a):
    HelpRequestFactory.create_batch(54, organisation=org_a)  # plus the persona's request: 55
    first = broker_client.get(queue_url())
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 55
    second = broker_client.get(queue_url(), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    ids = {e.request.pk for e in first.context["page"].object_list} | {
        e.request.pk for e in second.context["page"].object_list
    }
    assert len(ids) == 55
    for bad in ("abc", "999", "-1"):
        assert broker_client.get(queue_url(), {"page": bad}).status_code == 200


def test_htmx_gets_only_the_results(broker_client, spread):
    full = broker_client.get(queue_url(), {"kind": "transport"})
    partial = broker_client.get(queue_url(), {"kind": "transport"}, headers={"HX-Request": "true"})
    assert b"<html" in full.content and b"<html" not in partial.content
    assert b"Velpse" in partial.content and b"Centrumse" not in partial.content
    restore = broker_client.get(queue_url(), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert b"<html" in restore.content


def test_filter_form_works_without_javascript(broker_client):
    html = broker_client.get(queue_url()).content.decode()
    assert 'method="get"' in html
    assert 'hx-get="/organisatie/org-a/vragen/"' in html and 'hx-push-url="true"' in html
    assert 'type="submit"' in html


def _populate(org, areas, n):
    for i in range(n):
        mz = MantelzorgerFactory(organisation=org)
        BurdenCheckInFactory(mantelzorger=mz, score=i % 11)
        item = HelpRequestFactory(
            organisation=org,
            mantelzorger=mz,
            neighbourhood=areas["Velp"] if i % 2 else areas["Arnhem"],
            status=[S.NEW, S.INTAKE, S.READY][i % 3],
        )
        RequestSlotFactory(request=item)
        RequestDateFactory(request=item)


def test_queue_has_no_n_plus_one(broker_client, org_a, region, django_assert_max_num_queries):
    _populate(org_a, region["areas"], 3)
    with CaptureQueriesContext(connection) as few:
        broker_client.get(queue_url())
    _populate(org_a, region["areas"], 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = broker_client.get(queue_url())
    assert len(response.context["page"].object_list) == 31
    with django_assert_max_num_queries(20):
        broker_client.get(queue_url(), {"tab": "all", "q": "a", "age": "7"})


# --- Order (issue 18.7) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Dringend", "Zwaar", "Gewoon", "Persona", "Oud"]),
        ("newest", ["Dringend", "Persona", "Gewoon", "Zwaar", "Oud"]),
        ("waiting", ["Oud", "Zwaar", "Gewoon", "Persona", "Dringend"]),
    ],
)
def test_queue_sorts_by_priority_newest_or_longest_waiting(broker_client, ranked, personas, sort, expected):
    persona = HelpRequest.objects.get(requester=personas["mantelzorger"]).requester_first_name
    expected = [persona if name == "Persona" else name for name in expected]
    # The persona's request and "Dringend" are both of today: the newest is the last made.
    HelpRequest.objects.filter(requester=personas["mantelzorger"]).update(
        created_at=ranked["dringend"].created_at - datetime.timedelta(minutes=1)
    )
    response = broker_client.get(queue_url(), {"sort": sort} if sort else {})
    assert response.status_code == 200
    assert names(response) == expected
    # The priority of each row is the same whatever the order.
    by_name = {e.request.requester_first_name: e.priority_percent for e in response.context["page"].object_list}
    assert by_name["Dringend"] == 50 and by_name["Oud"] == 21
    assert not response.context["filter"].errors


def test_queue_sort_pages_and_refuses_an_unknown_order(broker_client, org_a):
    HelpRequestFactory.create_batch(54, organisation=org_a)
    newest = HelpRequest.objects.filter(organisation=org_a).order_by("-created_at", "-pk").first()
    first = broker_client.get(queue_url(), {"sort": "newest"})
    assert first.context["page"].object_list[0].request == newest
    second = broker_client.get(queue_url(), {"sort": "newest", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert 'name="sort"' in first.content.decode()
    bad = broker_client.get(queue_url(), {"sort": "random"})
    assert bad.status_code == 200 and "sort" in bad.context["filter"].errors
    assert len(bad.context["page"].object_list) == 50


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "nl",
            [
                "Kies vraag #{pk} van {name}",
                "wekelijks di 13:00-17:00",
                "en meer",
                "wacht al 23 dagen",
                "23 dagen geleden",
                "via de website, zonder account",
            ],
        ),
        (
            "en",
            [
                "Choose request #{pk} of {name}",
                "weekly Tue 13:00-17:00",
                "and more",
                "waiting for 23 days",
                "23 days ago",
                "on the website, without an account",
            ],
        ),
    ],
)
def test_a_row_says_its_texts_in_the_readers_language_with_the_name_escaped(
    broker_client, make_request, language, texts
):
    """The row's texts are made once per row in Python (caregivers.views.broker.QueueRow,
    issue #12) and must read as the template's blocktranslate made them."""
    item = make_request(requester_first_name="Zoë <b>&'\"", days_ago=23.2, source=HelpRequest.Source.WEB_NO_ACCOUNT)
    item.slots.all().delete()
    item.dates.all().delete()
    for weekday in (1, 3, 4):
        RequestSlotFactory(request=item, weekday=weekday)
    broker_client.cookies["django_language"] = language
    html = broker_client.get(queue_url()).content.decode()
    name = "Zoë &lt;b&gt;&amp;&#x27;&quot;"
    label, weekly, more, waiting, age, source = (text.format(pk=item.pk, name=name) for text in texts)
    assert f'aria-label="{label}"' in html
    assert f"<li>{weekly}</li>" in html and html.count(f"<li>{weekly.split()[0]} ") == 2  # two of the three
    assert f'<li class="muted small">{more}</li>' in html
    assert f'<span class="badge badge--danger">{waiting}</span>' in html
    assert f'<span class="muted small">{age}</span>' in html
    assert f'<span class="badge badge--info">{source}</span>' in html
    assert "<b>" not in html.split('<table class="queue-table">')[1]
