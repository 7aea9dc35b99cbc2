"""Signals through the API: a ``write:signals`` token of the organisation passes one on,
checked as the staff's form checks it, stored by the one service; 201 with the id only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.models import ApiToken
from caregivers.models import CareSignal
from neighbourhoods.models import StaffMembership
from tests.api.helpers import assert_problem, v1

pytestmark = pytest.mark.django_db

GOOD = {
    "first_name": "Zoë",
    "contact": "026 1234567",
    "postcode": "6811 AB",
    "noticed": "Zorgt alleen voor haar man met dementie en slaapt slecht.",
    "about_carer": True,
    "source_kind": "district_team",
    "source_name": "Mantelzorgpunt Regio Arnhem",
    "consent_given": True,
    "consent_how": "verbal",
}


@pytest.fixture
def signal_token(make_token, region, personas):
    return make_token(region["org_a"], "write:signals")


def test_a_signal_is_stored_as_staffs_and_the_answer_is_its_id_only(api_client, signal_token, region, personas):
    response = api_client.post(v1("org-a", "signals"), GOOD, token=signal_token)
    assert response.status_code == 201, response.content
    signal = CareSignal.objects.get()
    assert response.json() == {"id": signal.pk}
    assert signal.organisation == region["org_a"] and signal.status == CareSignal.Status.OPEN
    assert signal.first_name == "Zoë" and signal.about_carer and signal.source_kind == "district_team"
    assert signal.postcode == "6811 AB" and signal.neighbourhood is not None
    assert signal.consent_given and signal.consent_at is not None
    # The token acts as the admin who made it, as staff's signals name who entered them.
    assert signal.entered_by == personas["admin_a"]


def test_without_a_source_name_the_tokens_name_says_where_it_came_from(api_client, signal_token):
    body = {key: value for key, value in GOOD.items() if key != "source_name"}
    assert api_client.post(v1("org-a", "signals"), body, token=signal_token).status_code == 201
    assert CareSignal.objects.get().source_name == "Koppeling write:signals"


def test_a_place_instead_of_a_postcode_and_an_e_mail_address_are_fine(api_client, signal_token):
    body = {**GOOD, "postcode": "", "place": "Velp", "contact": "zoe@example.nl"}
    assert api_client.post(v1("org-a", "signals"), body, token=signal_token).status_code == 201


def test_the_same_idempotency_key_stores_one_signal(api_client, signal_token):
    first = api_client.post(v1("org-a", "signals"), GOOD, token=signal_token, HTTP_IDEMPOTENCY_KEY="sig-1")
    again = api_client.post(v1("org-a", "signals"), GOOD, token=signal_token, HTTP_IDEMPOTENCY_KEY="sig-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert CareSignal.objects.count() == 1
    other = {**GOOD, "first_name": "Anna"}
    reused = api_client.post(v1("org-a", "signals"), other, token=signal_token, HTTP_IDEMPOTENCY_KEY="sig-1")
    assert_problem(reused, 422)
    assert CareSignal.objects.count() == 1
    assert (
        api_client.post(v1("org-a", "signals"), other, token=signal_token, HTTP_IDEMPOTENCY_KEY="sig-2").status_code
        == 201
    )
    assert CareSignal.objects.count() == 2


@pytest.mark.parametrize(
    "change,field",
    [
        ({"consent_given": False}, "consent_given"),
        ({"consent_given": None}, "consent_given"),
        ({"consent_how": "telepathy"}, "consent_how"),
        ({"source_kind": "rumour"}, "source_kind"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "   "}, "first_name"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"contact": "bel me"}, "contact"),
        ({"contact": "zoe@"}, "contact"),
        ({"noticed": ""}, "noticed"),
        ({"noticed": "x" * 1001}, "noticed"),
        ({"postcode": "XYZ"}, "postcode"),
        ({"postcode": "", "place": ""}, ""),
        ({"about_carer": "misschien"}, "about_carer"),
        ({"first_name": ["Zoë"]}, "first_name"),
        ({"first_name": {"a": 1}}, "first_name"),
        ({"colour": "blue"}, "colour"),
        ({"id": 5}, "id"),
    ],
)
def test_bad_input_is_a_400_problem_per_field_and_stores_nothing(change, field, api_client, signal_token):
    # None: the field is left out.
    body = {key: value for key, value in {**GOOD, **change}.items() if value is not None}
    problem = assert_problem(api_client.post(v1("org-a", "signals"), body, token=signal_token), 400)
    assert field in {error["field"] for error in problem["errors"]}, problem
    assert not CareSignal.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"tekst"', "null", "{}", "{"])
def test_a_body_that_is_not_a_signal_is_a_400_problem(body, api_client, signal_token):
    response = api_client.post(v1("org-a", "signals"), body, token=signal_token, content_type="application/json")
    assert_problem(response, 400)
    assert not CareSignal.objects.exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("no_scope", 403),
        ("other_org", 404),
        ("expired", 401),
        ("revoked", 401),
        ("nobody", 401),
    ],
)
def test_refused_callers_store_nothing(who, status, api_client, make_token, region, personas):
    if who == "no_scope":
        token = make_token(region["org_a"], "read:reports", "read:public", "broker")
    elif who == "other_org":
        token = make_token(region["org_b"], *ApiToken.Scope.values)
    elif who == "nobody":
        token = None
    else:
        token = make_token(region["org_a"], "write:signals")
        change = {"expires_at": timezone.now() - datetime.timedelta(seconds=1)}
        ApiToken.objects.update(**(change if who == "expired" else {"revoked_at": timezone.now()}))
    response = api_client.post(v1("org-a", "signals"), GOOD, token=token, HTTP_IDEMPOTENCY_KEY="k")
    assert_problem(response, status)
    assert not CareSignal.objects.exists()


def test_a_broker_session_is_not_a_signal_token(client, personas):
    """Staff pass signals on through their own page; the API's signals are for tokens."""
    from tests.login import log_in

    log_in(client, personas["broker_a"])
    response = client.post(v1("org-a", "signals"), GOOD, content_type="application/json")
    assert response.status_code in (403, 404)
    assert not CareSignal.objects.exists()


def test_a_token_whose_admin_left_is_a_403_problem(api_client, signal_token, personas):
    StaffMembership.objects.filter(user=personas["admin_a"]).delete()
    problem = assert_problem(api_client.post(v1("org-a", "signals"), GOOD, token=signal_token), 403)
    assert "sleutel" in problem["detail"]
    assert not CareSignal.objects.exists()


def test_reading_signals_is_not_there(api_client, signal_token):
    assert_problem(api_client.get(v1("org-a", "signals"), token=signal_token), 405)


def test_a_method_that_is_not_there_is_405_for_any_known_caller_and_401_for_nobody(api_client, make_token, region):
    """Authentication first, then the method, then the organisation and the scope."""
    other = make_token(region["org_b"], "read:reports")
    response = api_client.get(v1("org-a", "signals"), token=other)
    assert_problem(response, 405)
    assert response["Allow"] == "POST, OPTIONS"
    assert_problem(api_client.get(v1("org-a", "signals")), 401)
