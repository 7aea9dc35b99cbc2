"""The admin's matching weights page: the preview changes the order and saves nothing;
saving records each changed weight; bad weights give form errors; scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from matching.engine.types import Weights
from neighbourhoods.models import OrganisationChange
from tests.login import log_in
from tests.matching.conftest import VELP


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def admin(client, personas):
    log_in(client, personas["admin_a"])
    return personas["admin_a"]


@pytest.fixture
def situation(org, region, make_volunteer, make_request, make_match):
    """Zoë lives next door and is free all afternoon but already has an active match;
    Bram lives in Velp with no match at all. By default Zoë comes first; counting only
    'load' (fewer running matches first) puts Bram first."""
    zoe = make_volunteer(
        org,
        first_name="Zoë",
        last_name="Hof",
        skill_codes=("shopping",),
        neighbourhood=region["areas"]["Arnhem"],
        slots="tue 12:00-18:00",
        max_active_matches=2,
    )
    bram = make_volunteer(
        org, first_name="Bram", last_name="Bos", skill_codes=("shopping",), at=VELP, max_active_matches=2
    )
    other = make_request(org, skill_codes=("shopping",), slots="wed 10:00-11:00")
    make_match(other, zoe, status="active")
    request = make_request(org, skill_codes=("shopping",), neighbourhood=region["areas"]["Arnhem"])
    return {"zoe": zoe, "bram": bram, "request": request}


def url(slug="org-a"):
    return reverse("matching_settings:weights", kwargs={"slug": slug})


def weights_data(**weights) -> dict:
    data = {f"weight_{name}": str(value) for name, value in Weights().as_dict().items()}
    data.update({f"weight_{name}": str(value) for name, value in weights.items()})
    return data


ONLY_LOAD = dict.fromkeys(Weights.names(), 0) | {"load": 1}


def test_preview_shows_the_new_order_and_saves_nothing(client, admin, org, situation):
    response = client.post(
        url(), {**weights_data(**ONLY_LOAD), "request": situation["request"].pk, "action": "preview"}
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row["name"] for row in preview["now"]] == ["Zoë Hof", "Bram Bos"]
    assert [row["name"] for row in preview["new"]] == ["Bram Bos", "Zoë Hof"]
    assert preview["changed"] is True
    html = response.content.decode()
    assert "Dit is nog niet opgeslagen." in html and "1 plek hoger" in html and "1 plek lager" in html
    org.refresh_from_db()
    assert org.matching_weights == {}
    assert not OrganisationChange.objects.exists()
    # Showing suggestions for a request is logged like the broker's suggestions page.
    assert AccessLogEntry.objects.filter(what=AccessLogEntry.What.SUGGESTIONS).exists()


def test_preview_with_the_same_weights_keeps_the_order(client, admin, situation):
    response = client.post(url(), {**weights_data(), "request": situation["request"].pk, "action": "preview"})
    preview = response.context["preview"]
    assert [r["name"] for r in preview["new"]] == [r["name"] for r in preview["now"]]
    assert preview["changed"] is False


def test_save_records_each_changed_weight_and_changes_the_suggestions(client, admin, org, situation):
    response = client.post(url(), {**weights_data(distance=5, load=2.5), "action": "save"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.matching_weights["distance"] == 5.0 and org.matching_weights["load"] == 2.5
    changes = {c.field: (c.old_value, c.new_value) for c in OrganisationChange.objects.all()}
    assert changes == {"weight:distance": ("3", "5"), "weight:load": ("1.5", "2.5")}
    # The settings history names the weight in plain words.
    html = client.get(reverse("neighbourhoods:settings", kwargs={"slug": "org-a"})).content.decode()
    assert '<th scope="row">Gewicht: Afstand</th>' in html
    client.post(url(), {**weights_data(**ONLY_LOAD), "action": "save"})
    from matching.selectors import volunteer_candidates

    org.refresh_from_db()
    names = [c.name for c in volunteer_candidates(organisation=org, request=situation["request"]).candidates]
    assert names == ["Bram Bos", "Zoë Hof"]


@pytest.mark.parametrize(
    ("weights", "field", "message"),
    [
        ({"distance": -1}, "weight_distance", "Kies een gewicht van 0 tot en met 100."),
        ({"distance": "1e308"}, "weight_distance", "Kies een gewicht van 0 tot en met 100."),
        ({"distance": "nan"}, "weight_distance", "Vul een getal in"),
        ({"distance": "veel"}, "weight_distance", "Vul een getal in"),
        ({"distance": ""}, "weight_distance", "Vul een gewicht in"),
        (dict.fromkeys(Weights.names(), 0), None, "minstens één gewicht"),
    ],
)
@pytest.mark.parametrize("action", ["save", "preview"])
def test_bad_weights_are_form_errors(client, admin, org, situation, weights, field, message, action):
    response = client.post(url(), {**weights_data(**weights), "request": situation["request"].pk, "action": action})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", []))
    assert response.context["preview"] is None
    org.refresh_from_db()
    assert org.matching_weights == {}


def test_preview_needs_a_request_of_this_organisation(client, admin, region, make_request, situation):
    foreign = make_request(region["org_b"])
    response = client.post(url(), {**weights_data(), "request": foreign.pk, "action": "preview"})
    assert response.status_code == 400
    assert "Kies een hulpvraag uit de lijst." in str(response.context["form"].errors["request"])
    response = client.post(url(), {**weights_data(), "action": "preview"})
    assert response.status_code == 400
    assert "Kies een hulpvraag voor het voorbeeld." in str(response.context["form"].errors["request"])


def test_comma_decimals_are_read(client, admin, org, situation):
    client.post(url(), {**weights_data(), "weight_distance": "2,5", "action": "save"})
    org.refresh_from_db()
    assert org.matching_weights["distance"] == 2.5


@pytest.mark.parametrize("who", ["broker_a", "broker_b", "municipality", "volunteer"])
def test_others_get_404(client, personas, org, who, situation):
    log_in(client, personas[who])
    assert client.get(url()).status_code == 404
    assert client.post(url(), {**weights_data(**ONLY_LOAD), "action": "save"}).status_code == 404
    org.refresh_from_db()
    assert org.matching_weights == {}


def test_the_page_explains_each_weight_and_offers_ready_requests_only(client, admin, org, situation, make_request):
    waiting = make_request(org, status="new")
    response = client.get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Afstand: hoe dichter de vrijwilliger bij de hulpvrager woont, hoe hoger." in html
    assert "Drukte: vrijwilligers met minder lopende koppelingen gaan voor." in html
    offered = [value for value, _label in response.context["form"].fields["request"].choices if value]
    assert situation["request"].pk in offered and waiting.pk not in offered


def test_settings_page_links_here(client, admin):
    html = client.get(reverse("neighbourhoods:settings", kwargs={"slug": "org-a"})).content.decode()
    assert url() in html
