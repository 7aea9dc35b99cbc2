"""The accessibility statement (toegankelijkheidsverklaring): public, in the footer of
every page, and what it says about the checks is what CI does."""

from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_statement_is_public_and_linked_from_every_page(client):
    page = client.get(reverse("accessibility"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Toegankelijkheidsverklaring</h1>" in html
    assert "WCAG 2.1" in html and "voldoet gedeeltelijk" in html
    assert f'href="{reverse("accessibility")}"' in client.get(reverse("home")).content.decode()


def test_what_it_says_about_the_checks_is_what_the_journeys_do():
    """'axe-core checks the main pages of each role, wide and on a phone, and a serious
    problem stops the change': the browser test does exactly that, in the e2e stage."""
    test = (ROOT / "tests/e2e/test_accessibility.py").read_text(encoding="utf-8")
    assert '"phone": {"width": 390' in test and '"desktop": {"width": 1280' in test
    assert 'ALWAYS_FAIL = {"critical", "serious"}' in test
    for role in ("vrijwilliger@", "mantelzorger@", "makelaar@", "partner@", "gemeente.", "coordinator@"):
        assert role in test
    assert "tests/e2e" in (ROOT / ".ci/run").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_what_it_says_about_the_keyboard_is_what_the_keyboard_journeys_do(client):
    """'Two journeys with the keyboard alone, a visible focus at every step, Tab first
    shows the skip link': the keyboard journeys do exactly that, without a mouse."""
    html = client.get(reverse("accessibility")).content.decode()
    assert "Twee routes doorlopen we alleen met het toetsenbord" in html
    test = (ROOT / "tests/e2e/test_journeys_keyboard.py").read_text(encoding="utf-8")
    for journey in (
        "def test_keyboard_only_volunteer_signs_up_in_velp(",
        "def test_keyboard_only_broker_proposes_a_volunteer(",
    ):
        assert journey in test
    assert "no visible focus indicator" in test and "not the skip link" in test
    for mouse in (".click(", ".fill(", ".check(", ".select_option(", ".tap("):
        assert mouse not in test, f"the keyboard journeys use the mouse: {mouse}"


@pytest.mark.django_db
def test_what_it_says_about_the_phone_menu_is_what_the_phone_journey_does(client):
    """'On a phone the menu is behind the Menu button, which works with Enter, Space and
    Escape, and holds the language choice': tests/e2e/test_phone.py presses those keys."""
    html = client.get(reverse("accessibility")).content.decode()
    assert "Op een telefoon zit het menu achter de knop" in html
    test = (ROOT / "tests/e2e/test_phone.py").read_text(encoding="utf-8")
    assert "def test_menu_opens_and_closes_with_the_keyboard(" in test
    assert "def test_language_switch_lives_in_the_menu_and_works(" in test
    for key in ('press("Enter")', 'press("Space")', 'press("Escape")'):
        assert key in test, key
