"""Export (AVG art. 15/20): the person's own data, all of it, and nothing of anyone else."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.login import log_in
from tests.privacy.conftest import PASSWORD  # noqa: F401  (fixtures come from conftest)

PEOPLE = ["volunteer_person", "mantelzorger_person", "help_seeker_person", "staff_person"]
# Values of the other people in the scene (tests/privacy/conftest.py).
OTHERS = ["Otto", "otto@example.nl", "Rita", "rita@example.nl", "Bea", "bea@example.nl", "Ada", "Ander"]


def download(client, user) -> tuple[dict, str]:
    log_in(client, user)
    response = client.get(reverse("mydata:export_json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    return json.loads(text), text


@pytest.mark.parametrize("kind", PEOPLE)
def test_json_holds_the_person_and_nobody_else(request, client, scene, kind):
    person = request.getfixturevalue(kind)
    data, text = download(client, person.user)
    assert data["format"] == "buurtmakelaar.personal-data" and data["version"] == 1
    assert data["parts"]["account"]["email"] == person.email
    for value in (person.first_name, person.last_name, person.email):
        assert value in text
    assert person.phone in text and person.postcode in text
    for other in OTHERS:
        assert other not in text, other


def test_mantelzorger_export_has_the_care_recipient_checkins_and_request(client, mantelzorger_person):
    data, _text = download(client, mantelzorger_person.user)
    carer = data["parts"]["caregivers"]["mantelzorgers"][0]
    assert carer["care_recipients"][0]["name"] == "Moeder"
    assert [c["score"] for c in carer["burden_checkins"]] == [8, 6]
    # Who else opened the file: from the access log, the role and organisation, no name.
    [opened] = data["parts"]["caregivers"]["file_opened"]
    assert set(opened) == {"at", "what", "role", "organisation"}
    assert opened["role"] == "een makelaar" and opened["organisation"] == carer["organisation"]
    request = data["parts"]["caregivers"]["requests"][0]
    assert request["kind"] == "respite" and request["care_recipient"] == "Moeder"
    match = data["parts"]["matches"]["matches"][0]
    assert match["role"] == "requester" and match["status"] == "active"
    assert match["hours"] == [{"date": "2026-10-14", "hours": "2.50"}]


def test_help_seeker_export_shows_what_happened_to_the_requests(client, help_seeker_person):
    data, _text = download(client, help_seeker_person.user)
    statuses = sorted(r["status"] for r in data["parts"]["caregivers"]["requests"])
    assert statuses == ["ready", "referred"]
    referred = next(r for r in data["parts"]["caregivers"]["requests"] if r["status"] == "referred")
    assert referred["referred_to"] == "Wijkteam" and referred["history"][0]["to_status"] == "referred"


def test_volunteer_export_has_profile_availability_matches_feed_and_preferences(client, volunteer_person):
    data, _text = download(client, volunteer_person.user)
    profile = data["parts"]["volunteers"]["profiles"][0]
    assert profile["availability"] == ["di 09:00-12:00"] and profile["phone"] == volunteer_person.phone
    roles = {m["role"] for m in data["parts"]["matches"]["matches"]}
    assert roles == {"volunteer"}
    assert data["parts"]["matches"]["calendar_feed"] is not None
    assert "token" not in json.dumps(data["parts"]["matches"]["calendar_feed"])
    prefs = data["parts"]["notifications"]["mail_preferences"][0]
    assert prefs["email"] == volunteer_person.email and prefs["reminders"] is False


def test_staff_export_has_memberships_and_what_they_did(client, staff_person):
    data, _text = download(client, staff_person.user)
    assert data["parts"]["staff_memberships"][0]["role"] == "broker"
    as_staff = data["parts"]["matches"]["as_staff"]
    assert as_staff["proposed"] == [staff_person.extra["match"].pk]
    assert as_staff["hours_approved"] and as_staff["match_steps_taken"]
    assert data["parts"]["caregivers"]["requests_entered"][0]["request_id"] == staff_person.extra["entered"].pk


def test_the_readable_page_shows_the_same(client, mantelzorger_person):
    log_in(client, mantelzorger_person.user)
    page = client.get(reverse("mydata:export_page"))
    assert page.status_code == 200
    html = page.content.decode()
    assert mantelzorger_person.phone in html and "Moeder" in html and "Otto" not in html
    assert "Mantelzorg en hulpvragen" in html


def _keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


@pytest.mark.parametrize("kind", PEOPLE)
def test_every_key_of_the_export_has_a_plain_label(request, client, scene, kind):
    """The readable page names every part and field in plain words, not the JSON key."""
    from privacy.export import LABELS

    person = request.getfixturevalue(kind)
    data, _text = download(client, person.user)
    missing = sorted(_keys(data["parts"], set()) - set(LABELS))
    assert not missing, f"Add a label to privacy.export.LABELS for: {missing}"


def test_every_part_has_a_label_in_dutch_and_english():
    from django.utils import translation

    from accounts.personal_data import export_sources
    from privacy.export import LABELS

    for source in export_sources():
        assert source.key in LABELS, source.key
        with translation.override("nl"):
            dutch = str(LABELS[source.key])
        with translation.override("en"):
            english = str(LABELS[source.key])
        assert dutch != english and "_" not in dutch, source.key


def test_the_readable_page_names_the_vacancy_responses_and_messages(client, volunteer_person):
    from django.utils import translation

    log_in(client, volunteer_person.user)
    with translation.override("nl"):
        html = client.get(reverse("mydata:export_page")).content.decode()
    assert "Reacties op vacatures" in html and "Berichten" in html
    assert "vacancy responses" not in html and "partner memberships" not in html
    client.cookies["django_language"] = "en"
    with translation.override("nl"):
        english = client.get(reverse("mydata:export_page")).content.decode()
    assert "Responses to vacancies" in english and "Reacties op vacatures" not in english


def test_export_needs_a_login(client, db):
    for name in ("mydata:mine", "mydata:export_json", "mydata:export_page", "mydata:erase"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("kind", PEOPLE)
def test_my_data_is_in_every_roles_menu(request, client, scene, kind):
    person = request.getfixturevalue(kind)
    log_in(client, person.user)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("mydata:mine")}"' in home
    page = client.get(reverse("mydata:mine")).content.decode()
    assert reverse("mydata:export_json") in page and reverse("mydata:erase") in page


def test_the_privacy_page_says_how_to_download_and_erase(client, db):
    page = client.get(reverse("privacy")).content.decode()
    assert "onder Mijn gegevens ziet u alles" in page and "met uw wachtwoord" in page
    assert "Een makelaar downloadt of wist uw gegevens dan voor u" in page


def test_the_volunteer_delete_page_points_to_erasing_everything(client, volunteer_person):
    log_in(client, volunteer_person.user)
    page = client.get(reverse("volunteers:delete")).content.decode()
    assert reverse("mydata:erase") in page


def test_volunteer_export_has_the_responses_to_vacancies(client, volunteer_person):
    data, _text = download(client, volunteer_person.user)
    [response] = data["parts"]["vacancy_responses"]["responses"]
    assert response["vacancy"] == "Pakketten rondbrengen" and response["status"] == "accepted"
    assert volunteer_person.phone in response["note"]


def test_open_signals_about_the_person_are_in_the_export_as_they_are_erased(client, scene, mantelzorger_person):
    """An unhandled signal about the person, found by their phone number (any notation) or
    e-mail address, is in their export, the same signals the erasure takes (issue #15);
    a signal about someone else, or one in another organisation for a broker's export, is not."""
    from caregivers.outreach import open_signal_ids_about
    from privacy.selectors import record_for_broker, subject_for_user
    from tests.privacy.test_erasure import _open_signal

    by_phone = _open_signal(scene.org, contact="+31 6 11122233", by=scene.broker)
    by_email = _open_signal(scene.org, contact="wobkje.y@VOORBEELD.test", by=None)
    elsewhere = _open_signal(scene.region["org_b"], contact="0611122233", by=None)
    _open_signal(scene.org, contact="06 99988877", by=scene.broker, first_name="Kees")
    data, text = download(client, mantelzorger_person.user)
    exported = {s["id"]: s for s in data["parts"]["caregivers"]["signals"]}
    assert {by_phone.pk, by_email.pk, elsewhere.pk} <= set(exported)
    assert "Kees" not in text and "99988877" not in text
    assert exported[by_phone.pk]["noticed"] == by_phone.noticed and exported[by_phone.pk]["status"] == "open"
    # The same lookup decides the erasure: what is exported is what goes.
    subject = subject_for_user(mantelzorger_person.user)
    assert set(open_signal_ids_about(contacts=subject.contacts)) == {by_phone.pk, by_email.pk, elsewhere.pk}
    # A broker's export for the person holds only the broker's organisation's signals.
    from privacy.export import personal_data_collect

    record = record_for_broker(
        organisation=scene.org, kind_slug="mantelzorger", pk=mantelzorger_person.extra["mantelzorger"].pk
    )
    broker_export = personal_data_collect(record.subject)
    assert {s["id"] for s in broker_export["parts"]["caregivers"]["signals"]} >= {by_phone.pk, by_email.pk}
    assert elsewhere.pk not in {s["id"] for s in broker_export["parts"]["caregivers"]["signals"]}
