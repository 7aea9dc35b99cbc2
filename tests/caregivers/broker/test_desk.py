"""The desk across requests (caregivers.desk): assigning a request to a broker, saved
queue filters per broker, and bulk steps with per-request outcomes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.personal_data import Subject
from audit.models import AccessLogEntry
from caregivers.desk import SAVED_FILTERS_MAX, queue_query_clean, request_assign
from caregivers.models import HelpRequest, RequestEvent, SavedQueueFilter
from caregivers.personal_data import caregivers_export
from common.errors import DomainError
from demo.factories import HelpRequestFactory, StaffMembershipFactory, UserFactory
from neighbourhoods.models import StaffMembership
from tests.login import log_in

from .factories import RequestSlotFactory

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def url(name, pk=None, slug="org-a"):
    kwargs = {"slug": slug} if pk is None else {"slug": slug, "pk": pk}
    return reverse(f"caregivers_broker:{name}", kwargs=kwargs)


@pytest.fixture
def colleague(org_a):
    user = UserFactory(email="carla@example.nl", first_name="Carla", last_name="Kok")
    StaffMembershipFactory(user=user, organisation=org_a, role=StaffMembership.Role.BROKER)
    return user


@pytest.fixture
def foreign_request(region):
    return HelpRequestFactory(organisation=region["org_b"], requester_first_name="Ander")


# --- Assignment ---------------------------------------------------------------------------


def test_broker_assigns_a_request_to_a_colleague_and_back_to_nobody(broker_client, make_request, colleague):
    item = make_request(requester_first_name="Gerda")
    response = broker_client.post(url("assign", item.pk), {"assignee": colleague.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assigned_to == colleague
    page = broker_client.get(url("detail", item.pk)).content.decode()
    assert "Carla Kok" in page

    response = broker_client.post(url("assign", item.pk), {"assignee": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assigned_to is None


@pytest.mark.parametrize("who", ["broker_b", "admin_a", "volunteer", "not-a-number"])
def test_assigning_to_someone_who_is_not_a_broker_here_is_refused(broker_client, make_request, personas, who):
    item = make_request()
    value = "not-a-number" if who == "not-a-number" else personas[who].pk
    response = broker_client.post(url("assign", item.pk), {"assignee": value})
    assert response.status_code == 400
    assert "Kies een makelaar van deze organisatie uit de lijst." in response.content.decode()
    item.refresh_from_db()
    assert item.assigned_to is None


def test_a_closed_request_keeps_its_broker(broker_client, make_request, broker):
    item = make_request(status=S.WITHDRAWN)
    response = broker_client.post(url("assign", item.pk), {"assignee": broker.pk})
    assert response.status_code == 400
    assert "Deze vraag is al ingetrokken." in response.content.decode()
    item.refresh_from_db()
    assert item.assigned_to is None


def test_a_request_of_another_organisation_cannot_be_assigned(broker_client, foreign_request, broker):
    assert broker_client.post(url("assign", foreign_request.pk), {"assignee": broker.pk}).status_code == 404
    foreign_request.refresh_from_db()
    assert foreign_request.assigned_to is None


def test_the_service_refuses_a_broker_of_another_organisation(make_request, broker, personas):
    item = make_request()
    with pytest.raises(DomainError):
        request_assign(request=item, to=broker, by=personas["broker_b"])
    with pytest.raises(DomainError):
        request_assign(request=item, to=personas["broker_b"], by=broker)


def test_queue_filters_assigned_to_me_and_to_nobody(broker_client, make_request, broker, colleague):
    mine = make_request(requester_first_name="Mijn")
    theirs = make_request(requester_first_name="Haar")
    make_request(requester_first_name="Niemands")
    HelpRequest.objects.filter(pk=mine.pk).update(assigned_to=broker)
    HelpRequest.objects.filter(pk=theirs.pk).update(assigned_to=colleague)

    def names(query):
        response = broker_client.get(url("queue"), query)
        assert response.status_code == 200
        return {entry.request.requester_first_name for entry in response.context["page"].object_list}

    assert names({"assigned": "me"}) == {"Mijn"}
    assert "Niemands" in names({"assigned": "none"}) and not {"Mijn", "Haar"} & names({"assigned": "none"})
    response = broker_client.get(url("queue"), {"assigned": "iedereen"})
    assert response.status_code == 200
    assert "Deze keuze kennen we niet" in response.content.decode()
    assert response.context["mine_count"] == 1


# --- Saved filters ---------------------------------------------------------------------------


def test_a_broker_saves_a_filter_and_picks_it_later(broker_client, broker, org_a):
    query = "?urgency=high&sort=newest&status=nonsense&page=3&evil=1"
    response = broker_client.post(url("filter_save") + query, {"name": "  Dringend   nieuw "})
    assert response.status_code == 302
    saved = SavedQueueFilter.objects.get(user=broker, organisation=org_a)
    # Only known, valid parameters are kept; never the page.
    assert (saved.name, saved.query) == ("Dringend nieuw", "urgency=high&sort=newest")
    page = broker_client.get(url("queue")).content.decode()
    assert 'href="?urgency=high&amp;sort=newest"' in page and "Dringend nieuw" in page

    # The same name again replaces the filters.
    broker_client.post(url("filter_save") + "?urgency=low", {"name": "Dringend nieuw"})
    assert list(SavedQueueFilter.objects.values_list("name", "query")) == [("Dringend nieuw", "urgency=low")]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Geef het filter een naam."), ("x" * 61, "Dit is te lang: hoogstens 60 tekens (nu 61).")],
)
def test_a_filter_without_a_good_name_is_not_saved(broker_client, name, message):
    response = broker_client.post(url("filter_save") + "?urgency=high", {"name": name}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SavedQueueFilter.objects.exists()


def test_saved_filters_are_per_broker_and_limited(client, broker, colleague, org_a):
    for n in range(SAVED_FILTERS_MAX):
        SavedQueueFilter.objects.create(user=broker, organisation=org_a, name=f"mijnfilter{n}", query="urgency=high")
    log_in(client, broker)
    response = client.post(url("filter_save"), {"name": "nog een"}, follow=True)
    assert "Verwijder er eerst een." in response.content.decode()
    assert SavedQueueFilter.objects.filter(user=broker).count() == SAVED_FILTERS_MAX

    log_in(client, colleague)
    page = client.get(url("queue")).content.decode()
    assert "mijnfilter1" not in page and "Nog geen bewaarde filters" in page
    # Somebody else's filter cannot be removed.
    someone_elses = SavedQueueFilter.objects.filter(user=broker).first()
    assert client.post(url("filter_delete", someone_elses.pk)).status_code == 404
    assert SavedQueueFilter.objects.filter(pk=someone_elses.pk).exists()


def test_a_broker_removes_a_saved_filter(broker_client, broker, org_a):
    saved = SavedQueueFilter.objects.create(user=broker, organisation=org_a, name="Velp", query="tab=all")
    assert broker_client.post(url("filter_delete", saved.pk)).status_code == 302
    assert not SavedQueueFilter.objects.exists()


def test_query_clean_drops_a_neighbourhood_of_another_organisation(region, org_a, broker):
    from django.http import QueryDict
    from django.utils import timezone

    from demo.factories import MunicipalityFactory, NeighbourhoodFactory

    elsewhere = NeighbourhoodFactory(municipality=MunicipalityFactory(name="Elders"))
    query = QueryDict(f"neighbourhood={elsewhere.pk}&kind=respite")
    assert queue_query_clean(query, organisation=org_a, user=broker, now=timezone.now()) == "kind=respite"


def test_the_export_holds_the_brokers_saved_filters_and_assigned_requests(broker, org_a, make_request):
    item = make_request()
    HelpRequest.objects.filter(pk=item.pk).update(assigned_to=broker)
    SavedQueueFilter.objects.create(user=broker, organisation=org_a, name="Velp", query="tab=all")
    data = caregivers_export(Subject(user=broker))
    assert data["requests_assigned"] == [item.pk]
    assert [(f["name"], f["query"]) for f in data["saved_queue_filters"]] == [("Velp", "tab=all")]


# --- Bulk steps --------------------------------------------------------------------------------


def _intake_request(make_request, name):
    item = make_request(requester_first_name=name, status=S.INTAKE, question_behind="Eenzaam")
    RequestSlotFactory(request=item)
    return item


def test_bulk_assign_to_me_reports_each_request(broker_client, make_request, broker, foreign_request):
    first, second = make_request(requester_first_name="Een"), make_request(requester_first_name="Twee")
    closed = make_request(requester_first_name="Dicht", status=S.CLOSED)
    response = broker_client.post(
        url("bulk"),
        {
            "requests": [first.pk, second.pk, closed.pk, foreign_request.pk, 999999],
            "action": "assign",
            "assignee": broker.pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 van 5 vragen zijn gelukt." in page
    assert "Deze vraag is al afgesloten." in page
    assert page.count("Deze vraag bestaat niet of hoort niet bij uw organisatie.") == 2
    assert "Ander" not in page  # nothing about the other organisation's request
    # The outcome names the requests: logged like the queue, the other organisation's not.
    logged = AccessLogEntry.objects.get(what=AccessLogEntry.What.QUEUE, actor=broker).object_ref.split(",")
    assert {f"helprequest:{first.pk}", f"helprequest:{second.pk}"} <= set(logged)
    assert f"helprequest:{foreign_request.pk}" not in logged
    assert set(HelpRequest.objects.filter(assigned_to=broker).values_list("pk", flat=True)) == {first.pk, second.pk}
    foreign_request.refresh_from_db()
    assert foreign_request.assigned_to is None


def test_bulk_ready_uses_the_rules_and_records_events(broker_client, make_request, broker):
    good = _intake_request(make_request, "Klaar")
    no_time = make_request(requester_first_name="Zondertijd", status=S.INTAKE, question_behind="Boodschappen")
    new = make_request(requester_first_name="Nieuw")
    response = broker_client.post(url("bulk"), {"requests": [good.pk, no_time.pk, new.pk], "action": "ready"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 van 3 vragen is gelukt." in page
    assert "Deze vraag heeft nog geen tijd." in page
    assert "Deze vraag is nog nieuw. Begin eerst het gesprek." in page
    statuses = dict(HelpRequest.objects.filter(pk__in=[good.pk, no_time.pk, new.pk]).values_list("pk", "status"))
    assert statuses == {good.pk: S.READY, no_time.pk: S.INTAKE, new.pk: S.NEW}
    event = RequestEvent.objects.get(request=good, to_status=S.READY)
    assert (event.from_status, event.by) == (S.INTAKE, broker)


def test_bulk_withdraw_with_a_reason(broker_client, make_request, broker):
    item = make_request(requester_first_name="Weg")
    matched = make_request(requester_first_name="Gekoppeld", status=S.MATCHED)
    response = broker_client.post(
        url("bulk"), {"requests": [item.pk, matched.pk], "action": "withdraw", "reason": "Buurvrouw helpt nu"}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    matched.refresh_from_db()
    assert (item.status, matched.status) == (S.WITHDRAWN, S.MATCHED)
    event = RequestEvent.objects.get(request=item, to_status=S.WITHDRAWN)
    assert event.by == broker and "Buurvrouw helpt nu" in event.note


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign"}, "Kies eerst een of meer vragen."),
        ({"requests": ["abc"], "action": "ready"}, "Kies vragen uit de lijst."),
        ({"requests": ["-1"], "action": "ready"}, "Kies vragen uit de lijst."),
        ({"requests": ["1"], "action": "delete_all"}, "Deze actie kennen we niet."),
        ({"requests": ["1"]}, "Kies wat u met de vragen wilt doen."),
        ({"requests": ["1"], "action": "withdraw"}, "Schrijf op waarom de vragen worden ingetrokken."),
        ({"requests": ["1"], "action": "withdraw", "reason": "x" * 2001}, "Dit is te lang"),
        ({"requests": ["1"], "action": "assign"}, "Kies aan wie u de vragen toewijst."),
        ({"requests": ["1"], "action": "assign", "assignee": "99999"}, "Kies een makelaar van deze organisatie"),
        ({"requests": [str(n) for n in range(1, 103)], "action": "ready"}, "Kies hoogstens 100 vragen tegelijk"),
    ],
)
def test_bad_bulk_input_changes_nothing_and_says_why(broker_client, make_request, data, message):
    item = make_request(requester_first_name="Blijft")
    data = {key: ([str(item.pk)] if value == ["1"] else value) for key, value in data.items()}
    response = broker_client.post(url("bulk"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.assigned_to) == (S.NEW, None)


def test_bulk_is_for_brokers_of_the_organisation_only(client, personas, make_request):
    item = make_request()
    log_in(client, personas["broker_b"])
    assert client.post(url("bulk"), {"requests": [item.pk], "action": "unassign"}).status_code == 404
    assert client.get(url("bulk")).status_code in (404, 405)


def test_the_queue_offers_the_bulk_form_with_a_box_per_request(broker_client, make_request):
    item = make_request(requester_first_name="Gerda")
    page = broker_client.get(url("queue")).content.decode()
    assert f'name="requests" value="{item.pk}"' in page
    assert 'name="action"' in page and "Met de gekozen vragen" in page


def test_the_desk_reads_in_english(broker_client, make_request, broker):
    item = make_request(requester_first_name="Gerda")
    HelpRequest.objects.filter(pk=item.pk).update(assigned_to=broker)
    broker_client.cookies["django_language"] = "en"
    try:
        page = broker_client.get(url("queue")).content.decode()
        response = broker_client.post(url("bulk"), {"requests": [item.pk], "action": "ready"})
    finally:
        translation.activate("nl")  # the requests left English active in this thread
    assert "Assigned to me" in page and "With the chosen requests" in page and "My saved filters" in page
    assert "0 of 1 requests done." in response.content.decode()
