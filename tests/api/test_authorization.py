"""Generated cross-organisation checks: every URL of the API (read from the URL
configuration, so a new one is covered the moment it is mounted), called with tokens of
every scope, of organisation A and of organisation B, with A's and B's rows. A token never
gets a row of the other organisation: 404, and nothing of the other side in any answer."""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from activities.models import Activity
from api.models import ApiToken
from caregivers.models import CareSignal
from matches.models import BatchRun, Evaluation, HoursEntry, MatchEvent
from partners.models import Partner, Vacancy

pytestmark = pytest.mark.django_db

# path parameter of a URL name -> the kind of row it names
PARAMS = {
    "api:volunteer": "volunteer",
    "api:request": "request",
    "api:suggestions": "request",
    "api:match": "match",
    "api:batch_run": "batch_run",
    "api:vacancy": "vacancy",
    "api:activity": "activity",
}
NOT_OF_AN_ORGANISATION = {"api:schema", "api:docs"}
# Create-only operations (no GET): the body of a good call.
CREATE_ONLY = {
    "api:signals": {
        "first_name": "Zoë",
        "contact": "026 1234567",
        "place": "Arnhem",
        "noticed": "Zorgt alleen voor haar man.",
        "source_kind": "district_team",
        "consent_given": True,
        "consent_how": "verbal",
    },
}


def _api_names(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _api_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and prefix == "api:" and pattern.name:
            yield f"{prefix}{pattern.name}"


NAMES = sorted(set(_api_names()) - NOT_OF_AN_ORGANISATION - set(CREATE_ONLY))


def test_the_walk_found_the_api():
    assert {"api:figures", "api:requests", "api:suggestions", "api:vacancies", "api:hours"} <= set(NAMES)
    assert set(CREATE_ONLY) <= set(_api_names())


@pytest.fixture
def sides(region, make_request, make_volunteer, make_match, make_token):
    out = {}
    for key in ("a", "b"):
        org = region[f"org_{key}"]
        request = make_request(org, skill_codes=("shopping",), question_behind=f"Zorggeheim{key.upper()}")
        volunteer = make_volunteer(org, first_name=f"Geheimnaam{key.upper()}", skill_codes=("shopping",))
        match = make_match(request, volunteer)
        MatchEvent.objects.create(match=match, from_status="", to_status=match.status)
        run = BatchRun.objects.create(organisation=org, status=BatchRun.Status.DONE, progress=100, result={})
        HoursEntry.objects.create(match=match, date=datetime.date(2026, 3, 2), hours=2, note=f"Uurgeheim{key.upper()}")
        Evaluation.objects.create(match=match, goal_reached="yes", next_step="close", note=f"Evalgeheim{key.upper()}")
        partner = Partner.objects.create(organisation=org, name=f"Partnernaam{key.upper()}")
        vacancy = Vacancy.objects.create(
            partner=partner, title=f"Vacaturetitel{key.upper()}", description="-", status=Vacancy.Status.PUBLISHED
        )
        activity = Activity.objects.create(
            organisation=org,
            title=f"Activiteittitel{key.upper()}",
            description="-",
            until=datetime.date.today() + datetime.timedelta(days=30),
            participant_places=5,
        )
        out[key] = {
            "slug": org.slug,
            "rows": {
                "request": request.pk,
                "volunteer": volunteer.pk,
                "match": match.pk,
                "batch_run": run.pk,
                "vacancy": vacancy.pk,
                "activity": activity.pk,
            },
            "token": make_token(org, *ApiToken.Scope.values),
            "secret": [
                f"Zorggeheim{key.upper()}",
                f"Geheimnaam{key.upper()}",
                f"Vacaturetitel{key.upper()}",
                f"Activiteittitel{key.upper()}",
                f"Uurgeheim{key.upper()}",
                f"Evalgeheim{key.upper()}",
            ],
        }
    return out


def _url(name, slug, rows):
    kwargs = {"slug": slug}
    if name in PARAMS:
        kwargs["pk"] = rows[PARAMS[name]]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_each_token_sees_its_own_organisation_and_nothing_of_the_other(name, client, sides):
    own, other = sides["a"], sides["b"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {own['token']}"}
    mine = client.get(_url(name, own["slug"], own["rows"]), **auth)
    assert mine.status_code == 200, (name, mine.content[:300])
    # Another organisation's slug, with its rows or with ours; our slug with its rows.
    for slug, rows in ((other["slug"], other["rows"]), (other["slug"], own["rows"]), (own["slug"], other["rows"])):
        if slug == own["slug"] and name not in PARAMS:
            continue
        response = client.get(_url(name, slug, rows), **auth)
        assert response.status_code == 404, (name, slug, rows, response.status_code)
    for response in (mine,):
        for word in other["secret"]:
            assert word.encode() not in response.content, (name, word)


@pytest.mark.parametrize("name", sorted(CREATE_ONLY))
def test_a_token_creates_at_its_own_organisation_only(name, client, sides, region):
    own, other = sides["a"], sides["b"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {own['token']}", "content_type": "application/json"}
    refused = client.post(_url(name, other["slug"], own["rows"]), CREATE_ONLY[name], **auth)
    assert refused.status_code == 404, (name, refused.content[:300])
    assert not CareSignal.objects.filter(organisation=region["org_b"]).exists()
    created = client.post(_url(name, own["slug"], own["rows"]), CREATE_ONLY[name], **auth)
    assert created.status_code == 201, (name, created.content[:300])
    for word in other["secret"]:
        assert word.encode() not in created.content
