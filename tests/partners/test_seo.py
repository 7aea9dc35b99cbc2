"""Issue #16.6: the public vacancy pages are indexable. sitemap.xml lists the public
pages and every public vacancy and nothing else; robots.txt points at it and keeps
every private page closed to crawlers; the vacancy page carries Open Graph tags and
schema.org data, escaped (a title with ``</script>`` and quotes stays data)."""

from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner, PartnerMembership, PartnerSettings, Vacancy
from tests.partners.conftest import make_vacancy

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [loc.text.removeprefix("http://testserver") for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_the_public_pages_and_public_vacancies_only(client, scene, region):
    public = make_vacancy(scene, title="Online")
    closed = make_vacancy(scene, title="Gesloten")
    Vacancy.objects.filter(pk=closed.pk).update(status=Vacancy.Status.CLOSED)
    expired = make_vacancy(scene, title="Verlopen")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Vacancy.objects.filter(pk=expired.pk).update(until=yesterday)
    past_day = make_vacancy(
        scene,
        title="Dag voorbij",
        when="one_off",
        date=timezone.localdate(),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        slots=[],
    )
    Vacancy.objects.filter(pk=past_day.pk).update(date=yesterday)
    rejected = make_vacancy(scene, title="Afgewezen")
    Vacancy.objects.filter(pk=rejected.pk).update(status=Vacancy.Status.REJECTED)
    # Another centre checks its partners' first vacancies: this one waits, and a stopped
    # partner's published vacancy is not public either.
    from demo.factories import UserFactory

    other_centre = region["org_b"]
    PartnerSettings.objects.create(organisation=other_centre, review_first_vacancies=True)
    waiting_partner = Partner.objects.create(organisation=other_centre, name="Zorghuis Ede", kind="care_home")
    person = UserFactory(email="els@zorghuis.example")
    PartnerMembership.objects.create(partner=waiting_partner, user=person)
    waiting = make_vacancy(scene, partner=waiting_partner, by=person, title="Wacht op controle", skills=[])
    assert waiting.status == Vacancy.Status.REVIEW
    stopped = make_vacancy(scene, partner=scene.other_partner, by=scene.other_user, title="Gestopte partner")
    Partner.objects.filter(pk=scene.other_partner.pk).update(is_active=False)

    paths = sitemap_paths(client)
    assert reverse("vacancies:detail", args=[public.pk]) in paths
    for hidden in (closed, expired, past_day, rejected, waiting, stopped):
        assert reverse("vacancies:detail", args=[hidden.pk]) not in paths, hidden.title
    for name in ("home", "vacancies:list", "privacy"):
        assert reverse(name) in paths
    # Nothing that needs a login or belongs to one organisation.
    assert not [p for p in paths if p.startswith(("/organisatie/", "/partner/", "/accounts/", "/api/", "/admin/"))]


def test_sitemap_is_a_fixed_number_of_queries(client, scene, django_assert_max_num_queries):
    for n in range(5):
        make_vacancy(scene, title=f"Vacature {n}")
    with django_assert_max_num_queries(3):
        assert len([p for p in sitemap_paths(client) if p.startswith("/vacatures/") and p[11:-1].isdigit()]) == 5


# --- robots.txt ----------------------------------------------------------------------------------


def _rules(text: str) -> list[tuple[str, str]]:
    rules = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            if key.lower() in ("allow", "disallow") and value:
                rules.append((key.lower(), value))
    return rules


def _pattern(value: str) -> re.Pattern:
    anchored = value.endswith("$")
    body = re.escape(value.removesuffix("$")).replace(r"\*", ".*")
    return re.compile(body + ("$" if anchored else ""))


def allowed(rules: list[tuple[str, str]], path: str) -> bool:
    """RFC 9309: the longest matching rule wins; on a tie, allow; no rule, allow."""
    matches = [(len(value), kind == "allow") for kind, value in rules if _pattern(value).match(path)]
    if not matches:
        return True
    return max(matches)[1]


def test_robots_txt_points_at_the_sitemap_and_allows_what_it_lists(client, scene):
    vacancy = make_vacancy(scene)
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    assert "User-agent: *" in text
    rules = _rules(text)
    for path in sitemap_paths(client):
        assert allowed(rules, path), path
    assert allowed(rules, reverse("vacancies:detail", args=[vacancy.pk]))
    assert allowed(rules, "/static/css/site.css")
    for private in (
        reverse("vacancies:respond", args=[vacancy.pk]),
        reverse("vacancies:mine"),
        reverse("vacancies:fit"),
        reverse("partners:home"),
        reverse("partners:responses", args=[vacancy.pk]),
        "/organisatie/org-a/partners/",
        "/admin/",
        "/api/v1/",
        "/accounts/login/",
        "/nieuwe-pagina/",  # a page added later is closed until it is added on purpose
    ):
        assert not allowed(rules, private), private


def test_robots_txt_closes_every_page_that_is_not_public():
    """Every URL of the authorization table that is not open to everybody is disallowed."""
    from django.test import Client

    from tests.security.test_authorization_matrix import TABLE, URLS, Public

    rules = _rules(Client().get("/robots.txt").content.decode())
    checked = 0
    for url in URLS:
        entry = TABLE.get(url.name or "")
        if entry is None or isinstance(entry.rule, Public) or url.route.startswith("^"):
            continue
        path = "/" + re.sub(r"<[^>]+>", "1", url.route)
        assert not allowed(rules, path), f"{url.name}: {path}"
        checked += 1
    assert checked > 100


def test_robots_txt_refuses_a_post(client):
    assert client.post("/robots.txt").status_code == 405


# --- The vacancy page: Open Graph and schema.org ----------------------------------------------


class _Head(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = None
        self.ld_blocks: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld_blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.ld_blocks[-1] += data


HOSTILE_TITLE = "Koffie & praatje </script><script>alert(\"x\")</script> 'nu'"


def _page(client, vacancy):
    response = client.get(reverse("vacancies:detail", args=[vacancy.pk]))
    assert response.status_code == 200
    head = _Head()
    head.feed(response.content.decode())
    return response, head


def test_vacancy_page_has_open_graph_tags_and_schema_org_data(client, scene):
    vacancy = make_vacancy(
        scene,
        title="Boodschappen rondbrengen",
        description="Pakketten naar mensen thuis brengen.\n\nElke dinsdag.",
        until=timezone.localdate() + datetime.timedelta(days=30),
    )
    _response, head = _page(client, vacancy)
    url = f"http://testserver/vacatures/{vacancy.pk}/"
    assert head.canonical == url
    assert head.meta["og:type"] == "website"
    assert head.meta["og:url"] == url
    assert head.meta["og:title"] == "Boodschappen rondbrengen – Voedselbank Arnhem"
    assert head.meta["og:description"] == "Pakketten naar mensen thuis brengen. Elke dinsdag."
    assert head.meta["description"] == head.meta["og:description"]
    [block] = head.ld_blocks
    data = json.loads(block)
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert data["employmentType"] == "VOLUNTEER"
    assert data["title"] == vacancy.title and data["url"] == url
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Voedselbank Arnhem"}
    assert data["validThrough"] == vacancy.until.isoformat()
    assert data["datePosted"] == timezone.localdate().isoformat()
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "NL",
        "addressLocality": "Arnhem",
        "postalCode": "6811 AB",
    }
    assert data["skills"] == "boodschappen" and data["totalJobOpenings"] == 2


def test_from_home_vacancy_is_telecommute_with_a_start_date_for_one_day(client, scene):
    day = timezone.localdate() + datetime.timedelta(days=5)
    vacancy = make_vacancy(
        scene,
        from_home=True,
        when="one_off",
        date=day,
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        slots=[],
    )
    data = json.loads(_page(client, vacancy)[1].ld_blocks[0])
    assert data["jobLocationType"] == "TELECOMMUTE" and "jobLocation" not in data
    assert data["jobStartDate"] == day.isoformat() and data["validThrough"] == day.isoformat()


def test_a_hostile_title_stays_text_in_the_tags_and_data(client, scene):
    vacancy = make_vacancy(scene, title=HOSTILE_TITLE, description='Zeg "hallo" </script><!-- & <b>dag</b>')
    response, head = _page(client, vacancy)
    html = response.content.decode()
    assert "<script>alert" not in html
    assert html.count("</script>") == html.count("<script")  # no block is ended early
    # The parsed values are the texts exactly: the escaping is undone by the reader only.
    assert head.meta["og:title"] == f"{HOSTILE_TITLE} – Voedselbank Arnhem"
    assert head.meta["og:description"] == 'Zeg "hallo" </script><!-- & <b>dag</b>'
    [block] = head.ld_blocks
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["title"] == HOSTILE_TITLE
    assert data["description"] == 'Zeg "hallo" </script><!-- & <b>dag</b>'


def test_long_description_is_cut_on_a_word_for_the_summary(client, scene):
    vacancy = make_vacancy(scene, description="woord " * 80)
    summary = _page(client, vacancy)[1].meta["og:description"]
    assert len(summary) <= 200 and summary.endswith("woord…")


def test_vacancy_page_is_server_rendered_in_few_queries(client, scene, django_assert_max_num_queries):
    """The page holds its content in the HTML (no script builds it) and its queries do not
    grow with the number of skills."""
    vacancy = make_vacancy(scene, skills=list(scene.skills.values()))
    with django_assert_max_num_queries(6):
        response, head = _page(client, vacancy)
    html = response.content.decode()
    assert vacancy.title in html and "Pakketten naar mensen thuis brengen." in html
    assert all(label in html for label in ("boodschappen", "vervoer", "wandelen"))


def test_a_vacancy_that_is_not_public_has_no_page(client, scene):
    vacancy = make_vacancy(scene)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.CLOSED)
    assert client.get(reverse("vacancies:detail", args=[vacancy.pk])).status_code == 404


def test_vacancy_page_lives_with_the_strict_csp(client, scene):
    """The schema.org block is data (``application/ld+json``): no inline script, and the
    policy stays strict."""
    from tests.config.test_csp import assert_strict_csp, inline_problems

    vacancy = make_vacancy(scene, title=HOSTILE_TITLE)
    response, head = _page(client, vacancy)
    assert head.ld_blocks
    assert_strict_csp(response, "vacancy")
    problems, _links = inline_problems(response.content.decode())
    assert problems == []
