"""Care details are health data: only the mantelzorger themselves sees them here
(their organisation's brokers see them on the broker pages). Others get 404,
anonymous visitors the login page."""

import pytest
from django.urls import reverse

from caregivers.models import HelpRequest
from tests.caregivers.factories import BurdenCheckInFactory
from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def marks_file(mark):
    BurdenCheckInFactory(mantelzorger=mark, score=9, health_suffers=True)
    return {
        "recipient": mark.care_recipients.get(),
        "request": HelpRequest.objects.get(mantelzorger=mark),
    }


def private_urls(marks_file):
    return [
        reverse("caregivers:care_recipient_edit", args=[marks_file["recipient"].pk]),
        reverse("caregivers:request_detail", args=[marks_file["request"].pk]),
        reverse("caregivers:withdraw", args=[marks_file["request"].pk]),
    ]


@pytest.mark.parametrize("who", ["volunteer", "broker_b", "nobody", "municipality", "other_carer"])
def test_others_get_404_on_marks_care_file_and_requests(client, personas, other_carer, marks_file, who):
    user = other_carer.user if who == "other_carer" else personas[who]
    log_in(client, user)
    for url in private_urls(marks_file):
        assert client.get(url).status_code == 404, url
    # Changing it does not work either.
    edit = reverse("caregivers:care_recipient_edit", args=[marks_file["recipient"].pk])
    response = client.post(edit, {"name": "Gehackt", "age_band": "18-64", "situation": "other", "notes": ""})
    assert response.status_code == 404
    marks_file["recipient"].refresh_from_db()
    assert marks_file["recipient"].name == "Oma Jo"


@pytest.mark.parametrize("who", ["volunteer", "broker_b", "nobody", "other_carer"])
def test_own_pages_never_show_marks_care_details(client, personas, other_carer, marks_file, who):
    user = other_carer.user if who == "other_carer" else personas[who]
    log_in(client, user)
    for name in ("mantelzorger_home", "my_requests", "checkin", "respite_new", "request_new"):
        response = client.get(reverse(f"caregivers:{name}"), follow=True)
        html = response.content.decode()
        assert "Oma Jo" not in html and "oude liedjes" not in html, name
        assert "9 van de 10" not in html, name


def test_the_mantelzorger_sees_their_own_file(client, mark, marks_file):
    log_in(client, mark.user)
    for url in private_urls(marks_file):
        assert client.get(url).status_code == 200, url
    html = client.get(reverse("caregivers:mantelzorger_home")).content.decode()
    assert "Oma Jo" in html and "9 van de 10" in html


def test_anonymous_is_sent_to_login(client, marks_file):
    urls = private_urls(marks_file) + [
        reverse(f"caregivers:{name}")
        for name in (
            "mantelzorger_start",
            "mantelzorger_home",
            "checkin",
            "care_recipient_new",
            "respite_new",
            "request_new",
            "my_requests",
        )
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
