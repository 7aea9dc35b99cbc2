"""The activity pages: public list and detail (what search engines read), signing up
and off, the offer link, and the centre's pages, with bad input."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.services import signup_cancel, signup_create
from notifications.models import Notification
from tests.activities.conftest import make_activity
from tests.login import log_in

pytestmark = pytest.mark.django_db


def _ld_json(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD block"
    return json.loads(found.group(1))


def test_the_public_page_has_open_graph_and_an_event(client, scene):
    activity = make_activity(scene, participant_places=3)
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta property="og:title" content="Respijtmiddag in de Wijkboerderij">' in html
    data = _ld_json(html)
    assert data["@type"] == "Event"
    assert data["maximumAttendeeCapacity"] == 3
    first = activity.dates.get()
    assert data["startDate"].startswith(f"{first.date.isoformat()}T14:00:00")
    assert data["location"]["address"]["postalCode"] == "6811 AB"
    assert data["organizer"]["name"] == scene.org.name


def test_a_weekly_activity_has_a_schedule(client, scene):
    from common.slots import parse_slots

    until = timezone.localdate() + datetime.timedelta(days=90)
    activity = make_activity(scene, schedule="weekly", dates=[], slots=parse_slots("tue 14:00-16:00"), until=until)
    data = _ld_json(client.get(reverse("activities:detail", args=[activity.pk])).content.decode())
    assert data["eventSchedule"][0]["byDay"] == "https://schema.org/Tuesday"
    assert data["eventSchedule"][0]["endDate"] == until.isoformat()
    assert datetime.datetime.fromisoformat(data["startDate"]).weekday() == 1


def test_html_in_texts_is_shown_as_text(client, scene):
    activity = make_activity(scene, title="<b>Maaltijd</b>", description="Kom eten </script><script>alert(1)</script>")
    html = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;Maaltijd&lt;/b&gt;" in html
    assert _ld_json(html)["description"] == "Kom eten </script><script>alert(1)</script>"
    listing = client.get(reverse("activities:list")).content.decode()
    assert "<b>Maaltijd</b>" not in listing


def test_past_and_cancelled_activities_are_not_public(client, scene):
    activity = make_activity(scene)
    Activity.objects.filter(pk=activity.pk).update(until=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    Activity.objects.filter(pk=activity.pk).update(until=timezone.localdate(), status="cancelled")
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    assert "Respijtmiddag" not in client.get(reverse("activities:list")).content.decode()
    assert f"/activiteiten/{activity.pk}/" not in client.get("/sitemap.xml").content.decode()


def test_the_sitemap_lists_public_activities(client, scene):
    activity = make_activity(scene)
    assert f"/activiteiten/{activity.pk}/" in client.get("/sitemap.xml").content.decode()


def test_a_carer_signs_up_and_a_full_activity_puts_them_on_the_waiting_list(client, scene):
    activity = make_activity(scene, participant_places=1)
    for carer, status in ((scene.carers[0], "confirmed"), (scene.carers[1], "waiting")):
        log_in(client, carer.user)
        response = client.post(reverse("activities:signup", args=[activity.pk]), {"role": "participant"})
        assert response.status_code == 302
        assert SignUp.objects.get(activity=activity, user=carer.user).status == status
    # Twice: refused with a reason, nothing stored.
    response = client.post(reverse("activities:signup", args=[activity.pk]), {"role": "participant"})
    assert response.status_code == 400
    assert "al aangemeld" in response.content.decode()
    assert SignUp.objects.filter(activity=activity).count() == 2


def test_someone_who_is_not_a_volunteer_cannot_sign_up_to_help(client, scene):
    activity = make_activity(scene)
    log_in(client, scene.carers[0].user)
    response = client.post(reverse("activities:signup", args=[activity.pk]), {"role": "helper"})
    assert response.status_code == 400
    assert "vrijwilliger" in response.content.decode()
    assert not SignUp.objects.exists()


@pytest.mark.parametrize("data", [{}, {"role": "boss"}, {"role": "<script>"}])
def test_bad_sign_up_data_is_a_form_error(client, scene, data):
    activity = make_activity(scene)
    log_in(client, scene.carers[0].user)
    response = client.post(reverse("activities:signup", args=[activity.pk]), data)
    assert response.status_code == 400
    assert not SignUp.objects.exists()


def test_cancelling_frees_the_place_for_the_next(client, scene):
    activity = make_activity(scene, participant_places=1)
    first = signup_create(activity=activity, role="participant", by=scene.carers[0].user, user=scene.carers[0].user)
    second = signup_create(activity=activity, role="participant", by=scene.carers[1].user, user=scene.carers[1].user)
    log_in(client, scene.carers[0].user)
    assert client.post(reverse("activities:cancel", args=[activity.pk])).status_code == 302
    assert SignUp.objects.get(pk=first.pk).status == "cancelled"
    assert SignUp.objects.get(pk=second.pk).status == "offered"


def _offer_url(email: str) -> str:
    body = Notification.objects.filter(kind="activity_offer", to_email=email).latest("pk").body
    return re.search(r"https?://[^\s]+/activiteiten/aanbod/[^\s/]+/", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_the_offer_link_takes_the_place_once(client, scene):
    activity = make_activity(scene, participant_places=1)
    first = signup_create(activity=activity, role="participant", by=scene.carers[0].user, user=scene.carers[0].user)
    signup_create(activity=activity, role="participant", by=scene.carers[1].user, user=scene.carers[1].user)
    signup_cancel(signup=first, by=scene.broker)
    url = "/" + _offer_url(scene.carers[1].user.email)
    page = client.get(url)
    assert page.status_code == 200 and "Ja, ik kom" in page.content.decode()
    assert client.post(url, {"answer": "maybe"}).status_code == 400
    done = client.post(url, {"answer": "accept"})
    assert done.status_code == 200 and "U heeft een plaats" in done.content.decode()
    assert SignUp.objects.get(user=scene.carers[1].user).status == "confirmed"
    # Used: the link no longer works.
    assert client.get(url).status_code == 404


def test_an_expired_offer_link_says_so(client, scene):
    activity = make_activity(scene, participant_places=1)
    first = signup_create(activity=activity, role="participant", by=scene.carers[0].user, user=scene.carers[0].user)
    signup_create(activity=activity, role="participant", by=scene.carers[1].user, user=scene.carers[1].user)
    signup_cancel(signup=first, by=scene.broker)
    url = "/" + _offer_url(scene.carers[1].user.email)
    SignUp.objects.filter(status="offered").update(offer_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert SignUp.objects.get(user=scene.carers[1].user).status == "offered"


def test_a_broker_creates_an_activity_from_a_demand_signal_and_invites_the_waiting(client, scene, region):
    from caregivers.models import RequestSlot
    from demo.factories import HelpRequestFactory
    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults

    skills_ensure_defaults()
    respite = Skill.objects.get(organisation=None, code="respite")
    velp = region["areas"]["Velp"]
    waiting = []
    for i in range(3):
        request = HelpRequestFactory(
            organisation=scene.org, neighbourhood=velp, email=f"wacht{i}@example.nl", skills=[respite]
        )
        RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(14), end=datetime.time(17))
        waiting.append(request)
    # Another day: not invited.
    other = HelpRequestFactory(organisation=scene.org, neighbourhood=velp, email="anders@example.nl", skills=[respite])
    RequestSlot.objects.create(request=other, weekday=3, start=datetime.time(14), end=datetime.time(17))
    log_in(client, scene.broker)
    # The demand page ("In Velp wachten 3 vragen voor respijtzorg op dinsdagmiddag") links here.
    demand = client.get(reverse("reports:demand", args=[scene.org.slug])).content.decode()
    query = f"?neighbourhood={velp.pk}&amp;skill={respite.pk}&amp;weekday=1&amp;part=afternoon"
    url = reverse("activities_centre:new", args=[scene.org.slug]) + query
    assert f'href="{url}"' in demand
    url = url.replace("&amp;", "&")
    form = client.get(url)
    assert form.status_code == 200
    assert "di 14:00-17:00" in form.content.decode()
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = client.post(
        url,
        {
            "title": "Respijtmiddag Velp",
            "description": "Elke dinsdagmiddag samen.",
            "kind": "respite_group",
            "audience": "carers",
            "schedule": "weekly",
            "slots": "di 14:00-17:00",
            "until": until,
            "participant_places": 4,
            "volunteer_places": 2,
            "waiting_order": "first_come",
            "postcode": "6881 AA",
            "place": "Velp",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    assert (activity.demand_neighbourhood, activity.demand_skill, activity.demand_weekday) == (velp, respite, 1)
    client.post(reverse("activities_centre:invite", args=[scene.org.slug, activity.pk]))
    client.post(reverse("activities_centre:invite", args=[scene.org.slug, activity.pk]))  # twice: no second mail
    invited = sorted(Notification.objects.filter(kind="activity_invitation").values_list("to_email", flat=True))
    assert invited == ["wacht0@example.nl", "wacht1@example.nl", "wacht2@example.nl"]


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"participant_places": 0}, "minstens één plaats"),
        ({"participant_places": -2}, "minstens één plaats"),
        ({"volunteer_places": -1}, "0 of meer"),
        ({"dates": "31-02-2027 14:00-16:00"}, "bestaat niet"),
        ({"dates": "gisteren"}, "eigen regel"),
        ({"until": "2001-01-01", "dates": "01-01-2001 14:00-16:00"}, "al voorbij"),
        ({"postcode": "", "place": ""}, "postcode of plaats"),
    ],
)
def test_bad_input_on_the_activity_form(client, scene, changes, field_error):
    log_in(client, scene.broker)
    soon = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "title": "Wandelen",
        "description": "Samen wandelen.",
        "kind": "walking",
        "audience": "everyone",
        "schedule": "dates",
        "dates": f"{soon:%d-%m-%Y} 10:00-11:30",
        "until": soon.isoformat(),
        "participant_places": 8,
        "volunteer_places": 1,
        "waiting_order": "first_come",
        "postcode": "6811 AB",
    }
    data.update(changes)
    response = client.post(reverse("activities_centre:new", args=[scene.org.slug]), data)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not Activity.objects.exists()


def test_the_broker_signs_up_by_e_mail_and_sees_the_waiting_list(client, scene):
    activity = make_activity(scene, participant_places=1)
    log_in(client, scene.broker)
    url = reverse("activities_centre:signup", args=[scene.org.slug, activity.pk])
    assert client.post(url, {"role": "participant", "email": scene.carers[0].email}).status_code == 302
    assert client.post(url, {"role": "participant", "email": scene.carers[1].email}).status_code == 302
    bad = client.post(url, {"role": "participant", "email": "niemand@example.nl"})
    assert bad.status_code == 400 and "geen mantelzorger" in bad.content.decode()
    page = client.get(reverse("activities_centre:detail", args=[scene.org.slug, activity.pk])).content.decode()
    waiting = page.split('id="waiting"')[1]
    assert scene.carers[1].first_name in waiting and scene.carers[0].first_name not in waiting


def test_another_centres_broker_sees_nothing(client, scene):
    activity = make_activity(scene)
    log_in(client, scene.other_broker)
    assert client.get(reverse("activities_centre:detail", args=["org-a", activity.pk])).status_code == 404
    assert client.get(reverse("activities_centre:detail", args=["org-b", activity.pk])).status_code == 404


def test_the_partner_sees_what_the_centre_organises_for_it(client, scene):
    from demo.factories import UserFactory
    from partners.models import Partner, PartnerMembership

    partner = Partner.objects.create(organisation=scene.org, name="Wijkboerderij", kind="initiative")
    person = UserFactory(email="wim@wijkboerderij.example")
    PartnerMembership.objects.create(partner=partner, user=person)
    ours = make_activity(scene, partner=partner, title="Soep <i>koken</i>")
    make_activity(scene, title="Van de centrale zelf")
    log_in(client, person)
    page = client.get(reverse("partners:home")).content.decode()
    assert f'href="/activiteiten/{ours.pk}/"' in page and "Soep &lt;i&gt;koken&lt;/i&gt;" in page
    assert "Van de centrale zelf" not in page
    # The public page names the partner as the organiser.
    assert "Wijkboerderij" in client.get(reverse("activities:detail", args=[ours.pk])).content.decode()
