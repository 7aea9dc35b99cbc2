"""Who may use org-a's intake desk: its brokers. Everyone else gets 404, admins of
org-a included (the desk shows care files; the privacy page promises that only
brokers read them); anonymous visitors are sent to log in."""

import pytest
from django.urls import reverse

from caregivers.models import HelpRequest
from demo.factories import HelpRequestFactory
from tests.login import log_in

pytestmark = pytest.mark.django_db
S = HelpRequest.Status

PAGES = ["detail", "intake", "refer", "withdraw"]
POSTS = {
    "start_intake": {},
    "mark_ready": {},
    "reopen": {},
    "intake": {"question_behind": "x", "kind": "practical", "urgency": "normal", "action": "save"},
    "refer": {"referred_to": "Wijkteam", "referral_reason": "Reden"},
    "withdraw": {"reason": "Reden"},
}
OUTSIDERS = ["broker_b", "admin_a", "volunteer", "mantelzorger", "municipality", "nobody"]


@pytest.fixture
def item_a(make_request):
    return make_request(requester_first_name="Annemiek")


def pk_url(name, item, slug="org-a"):
    return reverse(f"caregivers_broker:{name}", kwargs={"slug": slug, "pk": item.pk})


def slug_url(name, slug="org-a"):
    return reverse(f"caregivers_broker:{name}", kwargs={"slug": slug})


@pytest.mark.parametrize("who", ["broker_a"])
def test_staff_of_org_a_may_use_the_desk(client, personas, item_a, who):
    log_in(client, personas[who])
    assert client.get(slug_url("queue")).status_code == 200
    assert client.get(slug_url("new")).status_code == 200
    for name in PAGES:
        assert client.get(pk_url(name, item_a)).status_code == 200, name


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_everywhere(client, personas, item_a, who):
    log_in(client, personas[who])
    assert client.get(slug_url("queue")).status_code == 404
    assert client.get(slug_url("new")).status_code == 404
    assert client.post(slug_url("new"), {"requester_first_name": "X"}).status_code == 404
    for name in PAGES:
        assert client.get(pk_url(name, item_a)).status_code == 404, name
    for name, data in POSTS.items():
        assert client.post(pk_url(name, item_a), data).status_code == 404, name
    item_a.refresh_from_db()
    assert item_a.status == S.NEW and not item_a.events.exists()
    assert HelpRequest.objects.count() == 2  # nothing entered on org-a's behalf


def test_broker_b_cannot_reach_a_request_of_a_through_own_organisation(client, personas, item_a):
    log_in(client, personas["broker_b"])
    assert client.get(slug_url("queue", "org-b")).status_code == 200
    names = [
        e.request.requester_first_name for e in client.get(slug_url("queue", "org-b"), {"tab": "all"}).context["page"]
    ]
    assert "Annemiek" not in names
    for name in PAGES:
        assert client.get(pk_url(name, item_a, "org-b")).status_code == 404, name
    for name, data in POSTS.items():
        assert client.post(pk_url(name, item_a, "org-b"), data).status_code == 404, name
    item_a.refresh_from_db()
    assert item_a.status == S.NEW


def test_broker_a_cannot_reach_a_request_of_b(broker_client, region):
    item_b = HelpRequestFactory(organisation=region["org_b"], requester_first_name="Bertus")
    found = broker_client.get(slug_url("queue"), {"tab": "all", "q": "Bertus"}).context["page"].object_list
    assert found == []
    assert broker_client.get(pk_url("detail", item_b)).status_code == 404
    assert broker_client.post(pk_url("start_intake", item_b)).status_code == 404
    item_b.refresh_from_db()
    assert item_b.status == S.NEW


def test_anonymous_is_sent_to_log_in(client, item_a):
    login = reverse("account_login")
    for url in [slug_url("queue"), slug_url("new"), *(pk_url(name, item_a) for name in PAGES)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(login), url
    for name, data in POSTS.items():
        response = client.post(pk_url(name, item_a), data)
        assert response.status_code == 302 and response.url.startswith(login), name
    item_a.refresh_from_db()
    assert item_a.status == S.NEW


def test_unknown_organisation_and_request(broker_client, item_a):
    assert broker_client.get(slug_url("queue", "bestaat-niet")).status_code == 404
    assert (
        broker_client.get(reverse("caregivers_broker:detail", kwargs={"slug": "org-a", "pk": 999999})).status_code
        == 404
    )
