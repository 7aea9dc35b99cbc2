"""Staff sessions end after 30 minutes without a request and 12 hours after logging in
(issue #13); everyone else keeps the usual lifetime. The clock is moved with time_machine."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests.login import log_in

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 3, 10, 8, 0, tzinfo=timezone.get_fixed_timezone(60))


def queue_url() -> str:
    return reverse("caregivers_broker:queue", args=["org-a"])


def texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def logged_out_to_login(response, next_url: str) -> bool:
    return (
        response.status_code == 302
        and response["Location"].startswith(reverse("account_login"))
        and ("next=" + next_url.replace("/", "%2F") in response["Location"])
    )


def test_staff_stay_logged_in_while_they_work(client, personas):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, personas["broker_a"])
        for _ in range(5):
            clock.shift(timedelta(minutes=29))
            assert client.get(queue_url()).status_code == 200


def test_staff_are_logged_out_after_30_idle_minutes(client, personas):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, personas["broker_a"])
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(queue_url())
        assert logged_out_to_login(response, queue_url())
        assert "30 minuten niet actief" in texts(response)
        assert "niet opgeslagen" not in texts(response)
        assert "_auth_user_id" not in client.session
        # And it stays that way: the next page asks for a login as well.
        assert client.get(queue_url())["Location"].startswith(reverse("account_login"))


def test_staff_are_logged_out_12_hours_after_logging_in_however_busy(client, personas):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, personas["broker_a"])
        for _ in range(12 * 3):  # a request every 20 minutes, for 12 hours
            clock.shift(timedelta(minutes=20))
            assert client.get(queue_url()).status_code == 200
        clock.shift(timedelta(minutes=1))
        response = client.get(queue_url())
        assert logged_out_to_login(response, queue_url())
        assert "12 uur ingelogd" in texts(response)


def test_a_form_sent_after_the_session_ended_is_not_lost_silently(client, personas, region):
    """The broker wrote an intake note and went for coffee: the POST is not carried out,
    and the message says that what they sent was not saved."""
    from demo.factories import HelpRequestFactory

    help_request = HelpRequestFactory(organisation=region["org_a"])
    url = reverse("caregivers_broker:intake", args=["org-a", help_request.pk])
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, personas["broker_a"])
        clock.shift(timedelta(minutes=45))
        response = client.post(url, {"question_behind": "Eenzaam sinds de verhuizing."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    message = texts(response)
    assert "30 minuten niet actief" in message
    assert "Wat u net verstuurde, is niet opgeslagen" in message
    help_request.refresh_from_db()
    assert "Eenzaam" not in (help_request.question_behind or "")


def test_htmx_requests_are_sent_to_the_login_page_as_a_whole(client, personas):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, personas["broker_a"])
        clock.shift(timedelta(hours=1))
        response = client.get(queue_url(), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["volunteer", "mantelzorger", "nobody"])
def test_everyone_else_keeps_the_usual_session(client, personas, who):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, personas[who])
        clock.shift(timedelta(days=3))
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert response.context["user"] == personas[who]


def test_a_session_from_before_the_limits_existed_ends(client, personas):
    log_in(client, personas["broker_a"])
    session = client.session
    del session["staff_login_at"]
    session.save()
    assert client.get(queue_url())["Location"].startswith(reverse("account_login"))


def test_the_privacy_page_promises_what_the_code_does(client, settings):
    """The privacy page's promise (two steps for staff, 30 minutes, 12 hours) matches
    the settings the middleware applies; the tests above and test_two_step.py show the
    behaviour itself."""
    page = client.get(reverse("privacy")).content.decode()
    assert "loggen in met twee stappen" in page
    assert "Doen ze 30 minuten niets, dan worden ze uitgelogd. Na 12 uur" in page
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60
    assert settings.STAFF_SESSION_MAX_SECONDS == 12 * 60 * 60
