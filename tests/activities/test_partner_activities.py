"""A partner posts its own activities (issue #16 item 3, "organised by the centre or a
partner"): the centre checks the first ones (the vacancy review setting), the partner
sees who signed up (first names; contact details once the place is confirmed) and never
another partner's activity; bad input on the form and the review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.services import activity_review, partner_activity_create, signup_create
from common.errors import DomainError
from common.geo import Point
from tests.login import log_in

pytestmark = pytest.mark.django_db


@dataclass
class Partners:
    partner: Any
    person: Any
    other_partner: Any
    other_person: Any


@pytest.fixture
def partners(scene):
    from demo.factories import UserFactory
    from partners.models import Partner, PartnerMembership

    partner = Partner.objects.create(organisation=scene.org, name="Wijkboerderij", kind="initiative", place="Arnhem")
    person = UserFactory(email="wim@wijkboerderij.example", first_name="Wim")
    PartnerMembership.objects.create(partner=partner, user=person)
    other = Partner.objects.create(organisation=scene.org, name="Sportclub", kind="sports")
    other_person = UserFactory(email="sanne@sportclub.example", first_name="Sanne")
    PartnerMembership.objects.create(partner=other, user=other_person)
    return Partners(partner=partner, person=person, other_partner=other, other_person=other_person)


def _values(**changes):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    values = {
        "title": "Samen koken",
        "description": "We koken en eten samen.",
        "kind": "meal",
        "audience": "everyone",
        "schedule": "weekly",
        "slots": [],
        "until": soon,
        "participant_places": 2,
        "volunteer_places": 1,
        "postcode": "6811 AB",
        "place": "Arnhem",
        "point": Point(51.98, 5.91),
    }
    from common.slots import slots_from_text

    values["slots"] = slots_from_text("wo 17:00-19:00")
    values.update(changes)
    return values


def _form(**changes):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "title": "Samen koken",
        "description": "We koken en eten samen.",
        "kind": "meal",
        "audience": "everyone",
        "schedule": "dates",
        "dates": f"{soon:%d-%m-%Y} 17:00-19:00",
        "until": soon.isoformat(),
        "participant_places": 2,
        "volunteer_places": 1,
        "postcode": "6811 AB",
    }
    data.update(changes)
    return data


# --- Posting and the centre's check ----------------------------------------------------------


def test_a_partners_first_activities_wait_for_the_centre_then_go_online_directly(client, scene, partners):
    log_in(client, partners.person)
    page = client.get(reverse("activities_partner:new", args=[partners.partner.pk]))
    assert page.status_code == 200 and 'data-testid="review-note"' in page.content.decode()
    response = client.post(reverse("activities_partner:new", args=[partners.partner.pk]), _form())
    assert response.status_code == 302
    first = Activity.objects.get()
    assert (first.status, first.by_partner, first.partner, first.organisation) == (
        "review",
        True,
        partners.partner,
        scene.org,
    )
    assert first.waiting_order == Activity.WaitingOrder.FIRST_COME
    # Not public while it waits.
    assert client.get(reverse("activities:detail", args=[first.pk])).status_code == 404
    assert "Samen koken" not in client.get(reverse("activities:list")).content.decode()
    # The broker approves it on the centre's page.
    client.logout()
    log_in(client, scene.broker)
    detail = client.get(reverse("activities_centre:detail", args=[scene.org.slug, first.pk])).content.decode()
    assert reverse("activities_centre:review", args=[scene.org.slug, first.pk]) in detail
    answer = client.post(reverse("activities_centre:review", args=[scene.org.slug, first.pk]), {"decision": "approve"})
    assert answer.status_code == 302
    first.refresh_from_db()
    assert first.status == "open" and first.reviewed_by == scene.broker
    assert client.get(reverse("activities:detail", args=[first.pk])).status_code == 200
    # A second one waits too; after two approved ones, the next goes online at once.
    second = partner_activity_create(partner=partners.partner, by=partners.person, **_values(title="Tweede"))
    assert second.status == "review"
    activity_review(activity=second, by=scene.broker, approve=True)
    third = partner_activity_create(partner=partners.partner, by=partners.person, **_values(title="Derde"))
    assert third.status == "open"


def test_without_the_review_setting_a_partners_activity_is_online_at_once(scene, partners):
    from partners.models import PartnerSettings

    PartnerSettings.objects.create(organisation=scene.org, review_first_vacancies=False)
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    assert activity.status == "open"


def test_a_rejected_activity_stays_offline_and_does_not_count(scene, partners):
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    activity_review(activity=activity, by=scene.broker, approve=False)
    assert Activity.objects.get(pk=activity.pk).status == "rejected"
    with pytest.raises(DomainError):  # once only
        activity_review(activity=activity, by=scene.broker, approve=True)
    assert partner_activity_create(partner=partners.partner, by=partners.person, **_values()).status == "review"


def test_nobody_signs_up_for_an_activity_that_waits(scene, partners):
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    carer = scene.carers[0]
    with pytest.raises(DomainError):
        signup_create(activity=activity, role="participant", by=carer.user, user=carer.user, mantelzorger=carer)
    assert not SignUp.objects.exists()


def test_only_the_centres_broker_reviews(client, scene, partners):
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    for user in (partners.person, scene.other_broker):
        with pytest.raises(DomainError):
            activity_review(activity=activity, by=user, approve=True)
    log_in(client, scene.other_broker)
    url = reverse("activities_centre:review", args=[scene.org.slug, activity.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert Activity.objects.get(pk=activity.pk).status == "review"


@pytest.mark.parametrize("data", [{}, {"decision": "publish"}, {"decision": ""}])
def test_a_bad_review_answer_is_a_400_and_changes_nothing(client, scene, partners, data):
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    log_in(client, scene.broker)
    response = client.post(reverse("activities_centre:review", args=[scene.org.slug, activity.pk]), data)
    assert response.status_code == 400
    assert Activity.objects.get(pk=activity.pk).status == "review"


def test_reviewing_an_open_activity_twice_is_a_400(client, scene, partners):
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    log_in(client, scene.broker)
    url = reverse("activities_centre:review", args=[scene.org.slug, activity.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    response = client.post(url, {"decision": "reject"})
    assert response.status_code == 400 and "wacht niet (meer) op controle" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).status == "open"


# --- Bad input and who may post -----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"title": ""}, "Geef de activiteit een titel."),
        ({"participant_places": 0}, "minstens één plaats"),
        ({"volunteer_places": -1}, "0 of meer"),
        ({"dates": "31-02-2027 14:00-16:00"}, "bestaat niet"),
        ({"until": "2001-01-01", "dates": "01-01-2001 14:00-16:00"}, "al voorbij"),
        ({"postcode": "", "place": ""}, "postcode of plaats"),
    ],
)
def test_bad_input_on_the_partners_form(client, scene, partners, changes, field_error):
    log_in(client, partners.person)
    response = client.post(reverse("activities_partner:new", args=[partners.partner.pk]), _form(**changes))
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not Activity.objects.exists()


def test_the_partner_form_has_no_partner_choice_or_priority_rule(client, scene, partners):
    log_in(client, partners.person)
    html = client.get(reverse("activities_partner:new", args=[partners.partner.pk])).content.decode()
    assert 'name="partner"' not in html and 'name="waiting_order"' not in html
    # Sending them anyway changes nothing: the activity is the partner's own, first come.
    data = _form(partner=partners.other_partner.pk, waiting_order="burden_first")
    assert client.post(reverse("activities_partner:new", args=[partners.partner.pk]), data).status_code == 302
    activity = Activity.objects.get()
    assert activity.partner == partners.partner and activity.waiting_order == "first_come"


def test_only_the_partners_own_people_post_for_it(client, scene, partners):
    with pytest.raises(DomainError):
        partner_activity_create(partner=partners.partner, by=partners.other_person, **_values())
    partners.partner.is_active = False
    partners.partner.save()
    with pytest.raises(DomainError):
        partner_activity_create(partner=partners.partner, by=partners.person, **_values())
    log_in(client, partners.other_person)
    assert client.post(reverse("activities_partner:new", args=[partners.partner.pk]), _form()).status_code == 404
    assert not Activity.objects.exists()


# --- Who signed up ---------------------------------------------------------------------------


def test_the_partner_sees_first_names_and_contact_details_once_confirmed(client, scene, partners):
    from partners.models import PartnerSettings

    PartnerSettings.objects.create(organisation=scene.org, review_first_vacancies=False)
    activity = partner_activity_create(partner=partners.partner, by=partners.person, **_values(participant_places=1))
    first, second = scene.carers[0], scene.carers[1]
    signup_create(activity=activity, role="participant", by=first.user, user=first.user, mantelzorger=first)
    signup_create(activity=activity, role="participant", by=second.user, user=second.user, mantelzorger=second)
    log_in(client, partners.person)
    html = client.get(reverse("activities_partner:detail", args=[activity.pk])).content.decode()
    # Anna has the place: full name and e-mail; Bert waits: first name only.
    assert "Anna Test0" in html and first.email in html
    assert "Bert" in html and "Test1" not in html and second.email not in html
    signups = {s.mantelzorger_id: s for s in SignUp.objects.filter(activity=activity)}
    assert reverse("conversations:signup", args=[signups[second.pk].pk]) in html
    page = client.get(reverse("activities_partner:list", args=[partners.partner.pk])).content.decode()
    assert "Samen koken" in page


def test_a_partner_never_sees_another_partners_activity(client, scene, partners):
    from tests.activities.conftest import make_activity

    theirs = partner_activity_create(partner=partners.other_partner, by=partners.other_person, **_values())
    centre_own = make_activity(scene, title="Van de centrale zelf")
    carer = scene.carers[0]
    activity_review(activity=theirs, by=scene.broker, approve=True)
    signup = signup_create(activity=theirs, role="participant", by=carer.user, user=carer.user, mantelzorger=carer)
    log_in(client, partners.person)
    for activity in (theirs, centre_own):
        assert client.get(reverse("activities_partner:detail", args=[activity.pk])).status_code == 404
    assert client.get(reverse("activities_partner:list", args=[partners.other_partner.pk])).status_code == 404
    assert client.get(reverse("conversations:signup", args=[signup.pk])).status_code == 404
    html = client.get(reverse("activities_partner:list", args=[partners.partner.pk])).content.decode()
    assert "Samen koken" not in html and "Van de centrale zelf" not in html
    # The organising partner itself does see it.
    client.logout()
    log_in(client, partners.other_person)
    assert client.get(reverse("activities_partner:detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("conversations:signup", args=[signup.pk])).status_code == 200


def test_the_partners_start_page_links_to_its_activities(client, scene, partners):
    log_in(client, partners.person)
    html = client.get(reverse("partners:home")).content.decode()
    assert reverse("activities_partner:list", args=[partners.partner.pk]) in html
