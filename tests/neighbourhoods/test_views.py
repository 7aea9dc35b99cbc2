"""Staff pages are scoped to the user's own organisation; the lookup page handles
bad input with form errors."""

import pytest
from django.urls import reverse

from tests.login import log_in

pytestmark = pytest.mark.django_db


def dashboard(slug):
    return reverse("reports:start", args=[slug])


def team(slug):
    return reverse("neighbourhoods:team", args=[slug])


def municipality(slug):
    return reverse("reports:municipality_overview", args=[slug])


@pytest.mark.parametrize(
    "persona, url, status",
    [
        ("broker_a", dashboard("org-a"), 200),
        ("admin_a", dashboard("org-a"), 200),
        ("broker_b", dashboard("org-a"), 404),
        ("broker_a", dashboard("org-b"), 404),
        ("volunteer", dashboard("org-a"), 404),
        ("mantelzorger", dashboard("org-a"), 404),
        ("municipality", dashboard("org-a"), 404),
        ("broker_a", dashboard("does-not-exist"), 404),
        ("admin_a", team("org-a"), 200),
        ("broker_a", team("org-a"), 404),
        ("broker_b", team("org-a"), 404),
        ("municipality", municipality("org-a"), 200),
        ("broker_a", municipality("org-a"), 404),
        ("volunteer", municipality("org-a"), 404),
    ],
)
def test_staff_pages_are_scoped(client, personas, persona, url, status):
    log_in(client, personas[persona])
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [dashboard("org-a"), team("org-a"), municipality("org-a")])
def test_anonymous_is_sent_to_login(client, personas, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_counts_only_own_organisation(client, personas, region):
    from demo.factories import HelpRequestFactory, VolunteerFactory

    velp = region["areas"]["Velp"]
    VolunteerFactory.create_batch(2, organisation=region["org_a"], neighbourhood=velp)
    VolunteerFactory.create_batch(5, organisation=region["org_b"], neighbourhood=velp)
    HelpRequestFactory(organisation=region["org_b"], neighbourhood=velp, requester_first_name="Geheim")
    log_in(client, personas["broker_a"])
    response = client.get(dashboard("org-a"))
    rows = {row["neighbourhood"].name: row for row in response.context["rows"] if row["neighbourhood"]}
    assert rows["Velp"]["volunteers"] == 3  # the persona's own profile + 2
    assert response.context["volunteers_total"] == 3
    assert "Geheim" not in response.content.decode()


def test_dashboard_has_no_n_plus_one(client, personas, region, django_assert_max_num_queries):
    from demo.factories import HelpRequestFactory

    HelpRequestFactory.create_batch(12, organisation=region["org_a"], neighbourhood=region["areas"]["Velp"])
    log_in(client, personas["broker_a"])
    with django_assert_max_num_queries(22):  # the counts of the attention list, the partner role of the menu
        client.get(dashboard("org-a"))


def test_municipality_view_suppresses_small_cells_and_shows_no_names(client, personas, region):
    from demo.factories import VolunteerFactory

    centrum = region["areas"]["Arnhem"]
    VolunteerFactory.create_batch(3, organisation=region["org_a"], neighbourhood=centrum, first_name="Zichtbaar")
    log_in(client, personas["municipality"])
    response = client.get(municipality("org-a"))
    body = response.content.decode()
    (table,) = response.context["tables"]
    assert table["municipality"].name == "Arnhem"
    assert table["rows"][0]["volunteers"] == "<10"
    assert "Zichtbaar" not in body
    assert "Velp" not in body  # another municipality's village


def test_municipality_view_shows_large_counts(client, personas, region):
    from demo.factories import VolunteerFactory

    VolunteerFactory.create_batch(11, organisation=region["org_a"], neighbourhood=region["areas"]["Arnhem"])
    log_in(client, personas["municipality"])
    (table,) = client.get(municipality("org-a")).context["tables"]
    assert table["rows"][0]["volunteers"] == "11"


LOOKUP = reverse("neighbourhoods:lookup")


def test_lookup_finds_neighbourhood_and_organisation(client, region):
    response = client.get(LOOKUP, {"postcode": "6881ab", "house_number": "12"})
    assert response.status_code == 200
    assert response.context["form"].is_valid()
    assert response.context["neighbourhood"].name == "Velp"
    assert [o.slug for o in response.context["organisations"]] == ["org-a"]
    assert response.context["form"].cleaned_data["postcode"] == "6881 AB"


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"postcode": "12"}, "postcode", "4 cijfers en 2 letters"),
        ({"postcode": "1234 SS"}, "postcode", "4 cijfers en 2 letters"),
        ({"postcode": "x" * 500}, "postcode", "niet meer dan"),
        ({"postcode": "6881 AB", "house_number": "twaalf"}, "house_number", "huisnummer"),
        ({"place": "Atlantis-aan-Zee"}, "place", "Atlantis-aan-Zee"),
        ({"place": "y" * 101}, "place", "niet meer dan"),
        ({"house_number": "12"}, "__all__", "postcode"),
    ],
)
def test_lookup_bad_input_is_a_form_error(client, region, params, field, message):
    response = client.get(LOOKUP, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    # What the user typed stays in the form.
    for key, value in params.items():
        if len(value) < 100:
            assert value in response.content.decode()


def test_lookup_unknown_postcode(client, region):
    response = client.get(LOOKUP, {"postcode": "9999 ZZ"})
    form = response.context["form"]
    if form.is_valid():  # 9999 exists (Stitswerd); pick a code no area has
        response = client.get(LOOKUP, {"postcode": "1000 AA"})
        form = response.context["form"]
    assert "postcode" in form.errors
