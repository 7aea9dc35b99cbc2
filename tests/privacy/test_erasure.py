"""Erasure (AVG art. 17) of every kind of person: nothing of them left in any text
column of any table, the report figures unchanged, the other side of an open match told."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AccessLogEntry
from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger
from matches.models import Match
from notifications.models import Notification
from privacy.models import RightsEvent
from reports.counting import Scope, raw_figures
from reports.months import Month
from tests.login import log_in
from tests.privacy.conftest import BUILT_AT, PASSWORD, scan

User = get_user_model()
PEOPLE = ["volunteer_person", "mantelzorger_person", "help_seeker_person", "staff_person"]


def figures(org) -> dict:
    """The raw report numbers of the month the history was built in, comparable."""
    month = Month(BUILT_AT.year, BUILT_AT.month)
    table = raw_figures(scope=Scope.of(org), months=[month])
    return {
        key: (
            {code: n for code, n in raw.counts.items() if n},
            sorted(raw.days_to_match),
            raw.respite_hours,
            raw.burden_sum,
            raw.burden_checkins,
        )
        for key, raw in table.items()
    }


@pytest.mark.parametrize("kind", PEOPLE)
def test_erasure_leaves_nothing_of_the_person_in_any_text_column(request, client, scene, kind):
    person = request.getfixturevalue(kind)
    # The scan sees the person before (so it can fail), and nothing after.
    before = scan(person.values)
    assert {value for _t, _c, value in before} >= {person.first_name, person.last_name, person.email}
    assert any(value == person.postcode for _t, _c, value in before), before
    assert any(value == person.phone for _t, _c, value in before), before
    figures_before = figures(scene.org)
    assert figures_before  # there is something to compare
    access_rows = list(AccessLogEntry.objects.order_by("seq").values_list("seq", "hash"))
    mails_before = Notification.objects.values_list("pk", flat=True)
    last_mail = max(mails_before, default=0)

    log_in(client, person.user)
    response = client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("home")

    assert scan(person.values) == []
    assert figures(scene.org) == figures_before
    # The access log of care files stays whole (every row, unchanged).
    kept = AccessLogEntry.objects.filter(seq__lte=access_rows[-1][0] if access_rows else 0).order_by("seq")
    assert list(kept.values_list("seq", "hash")) == access_rows
    # The other side of an open match is told that it does not go on, and the match ended.
    for pk in person.open_match_ids:
        assert Match.objects.get(pk=pk).status == Match.Status.CANCELLED
    if person.other_email:
        told = Notification.objects.filter(pk__gt=last_mail, to_email=person.other_email)
        assert told.filter(kind__startswith="cancelled").exists()
    # They cannot log in any more.
    assert not client.login(email=person.email, password=PASSWORD)
    assert not User.objects.filter(email=person.email).exists()
    assert RightsEvent.objects.filter(action="erase", subject_kind="account", reason="own").count() == 1


def test_erased_mantelzorger_keeps_only_anonymous_figures(client, scene, mantelzorger_person):
    person = mantelzorger_person
    log_in(client, person.user)
    client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    carer = Mantelzorger.objects.get(pk=person.extra["mantelzorger"].pk)
    assert carer.user is None and carer.first_name == "Oud-mantelzorger"
    assert carer.neighbourhood == scene.region["areas"]["Velp"]
    assert not CareRecipient.objects.filter(mantelzorger=carer).exists()
    assert BurdenCheckIn.objects.filter(mantelzorger=carer).count() == 2  # scores only, no person
    request = HelpRequest.objects.get(pk=person.extra["request"].pk)
    assert request.status == HelpRequest.Status.WITHDRAWN
    assert request.kind == "respite" and request.neighbourhood == scene.region["areas"]["Velp"]
    assert (request.description, request.question_behind, request.email, request.phone) == ("",) * 4
    assert request.events.filter(to_status="withdrawn").exists()


def test_the_volunteer_told_of_an_erased_requester_hears_no_details(client, scene, help_seeker_person):
    person = help_seeker_person
    log_in(client, person.user)
    client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    told = Notification.objects.get(to_email="otto@example.nl", kind="cancelled_volunteer")
    text = told.subject + told.body
    assert person.first_name not in text and person.last_name not in text and "Buurman" not in text


def test_the_requester_told_of_an_erased_volunteer_hears_no_name(client, scene, volunteer_person):
    person = volunteer_person
    log_in(client, person.user)
    client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    told = Notification.objects.get(to_email="rita@example.nl", kind="cancelled_requester")
    assert "De vrijwilliger kan niet meer komen" in told.body
    assert person.first_name not in told.body


def test_an_erased_staff_member_stays_as_an_anonymous_switched_off_colleague(client, scene, staff_person):
    person = staff_person
    log_in(client, person.user)
    client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    user = User.objects.get(pk=person.user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith("@gewist.invalid") and not user.memberships.exists()
    # What they did still counts for the organisation, by an anonymous colleague.
    assert HelpRequest.objects.get(pk=person.extra["entered"].pk).entered_by_id == user.pk
    assert AccessLogEntry.objects.filter(actor=user).count() == 1
    # Their running match as a broker is not theirs: it goes on.
    assert Match.objects.get(pk=person.extra["match"].pk).status == Match.Status.ACTIVE


# --- Bad input -----------------------------------------------------------------------------


def test_wrong_password_erases_nothing(client, mantelzorger_person):
    person = mantelzorger_person
    log_in(client, person.user)
    response = client.post(reverse("mydata:erase"), {"password": "fout", "confirm": "on"})
    assert response.status_code == 200
    assert "wachtwoord klopt niet" in " ".join(response.context["form"].errors["password"])
    assert Mantelzorger.objects.filter(user=person.user, first_name=person.first_name).exists()
    assert User.objects.filter(pk=person.user.pk, is_active=True).exists()


@pytest.mark.parametrize("data, field", [({"password": PASSWORD}, "confirm"), ({"confirm": "on"}, "password")])
def test_erasure_needs_the_checkbox_and_the_password(client, help_seeker_person, data, field):
    log_in(client, help_seeker_person.user)
    response = client.post(reverse("mydata:erase"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert User.objects.filter(pk=help_seeker_person.user.pk).exists()


def test_a_second_submit_after_erasure_goes_to_the_login(client, help_seeker_person):
    log_in(client, help_seeker_person.user)
    url = reverse("mydata:erase")
    client.post(url, {"password": PASSWORD, "confirm": "on"})
    again = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert again.status_code == 302 and reverse("account_login") in again["Location"]
    assert RightsEvent.objects.filter(action="erase").count() == 1


def test_the_last_admin_of_an_organisation_is_refused(client, scene):
    admin = scene.admin
    log_in(client, admin)
    page = client.get(reverse("mydata:erase")).content.decode()
    assert "enige beheerder van Centrale A" in page
    response = client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert "enige beheerder" in " ".join(response.context["form"].non_field_errors())
    assert User.objects.get(pk=admin.pk).is_active and admin.memberships.exists()


def test_an_admin_with_a_second_admin_may_erase(client, scene):
    from demo.factories import StaffMembershipFactory, UserFactory

    StaffMembershipFactory(user=UserFactory(), organisation=scene.org, role="admin")
    log_in(client, scene.admin)
    response = client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.get(pk=scene.admin.pk).is_active


def test_erasure_needs_a_login(client, db):
    response = client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_erased_volunteers_response_still_counts_without_the_person(client, scene, volunteer_person):
    from partners.models import Response

    log_in(client, volunteer_person.user)
    client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    response = Response.objects.get(pk=volunteer_person.extra["vacancy_response"].pk)
    assert (response.volunteer_id, response.note, response.status) == (None, "", "accepted")


def _open_signal(org, *, contact, by, first_name="Wobkje"):
    from django.utils import timezone

    from caregivers.models import CareSignal

    return CareSignal.objects.create(
        organisation=org,
        source_kind="gp",
        source_name="Huisartsenpraktijk De Linde",
        first_name=first_name,
        contact=contact,
        place="Velp",
        noticed="Zorgt alleen voor haar moeder en slaapt slecht.",
        about_carer=True,
        consent_given=True,
        consent_how="verbal",
        consent_at=timezone.now(),
        entered_by=by,
    )


def test_open_signals_about_the_person_go_with_them(client, scene, mantelzorger_person):
    """Unhandled signals about the person (found by the e-mail address or phone number
    they give, in any notation) are erased and leave the queue; others stay."""
    from caregivers.models import CareSignal

    person = mantelzorger_person
    by_phone = _open_signal(scene.org, contact="+31 6 11122233", by=scene.broker)
    by_email = _open_signal(scene.org, contact="Wobkje.Y@voorbeeld.test", by=scene.broker)
    someone_else = _open_signal(scene.org, contact="06 99988877", by=scene.broker, first_name="Kees")
    log_in(client, person.user)
    client.post(reverse("mydata:erase"), {"password": PASSWORD, "confirm": "on"})
    for signal in (by_phone, by_email):
        signal.refresh_from_db()
        assert signal.status == CareSignal.Status.CLOSED and signal.first_name == "Oud-signaal"
        assert (signal.contact, signal.noticed, signal.place, signal.source_name) == ("",) * 4
    someone_else.refresh_from_db()
    assert someone_else.status == CareSignal.Status.OPEN and someone_else.first_name == "Kees"
    assert not scan([person.email, "11122233"])


def test_a_broker_erasing_a_record_erases_only_their_organisations_open_signals(scene, mantelzorger_person):
    from caregivers.models import CareSignal
    from caregivers.outreach import open_signals_erase

    here = _open_signal(scene.org, contact="06-11122233", by=scene.broker)
    elsewhere = _open_signal(scene.region["org_b"], contact="0611122233", by=None)
    assert open_signals_erase(contacts=["06 111 222 33"], organisation_id=scene.org.pk) == 1
    here.refresh_from_db()
    elsewhere.refresh_from_db()
    assert here.status == CareSignal.Status.CLOSED and here.contact == ""
    assert elsewhere.status == CareSignal.Status.OPEN and elsewhere.contact == "0611122233"
    assert open_signals_erase(contacts=["", "12"], organisation_id=None) == 0  # too short to match
