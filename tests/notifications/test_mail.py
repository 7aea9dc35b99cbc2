"""Rendering an e-mail from one Dutch template (notifications/mail.py) and the
absolute links in it (notifications/links.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.links import request_base, site_url, unsubscribe_read, unsubscribe_token, unsubscribe_url
from notifications.mail import render_mail
from notifications.models import Category

ENDED = "matches/email/ended_volunteer"
NAME = "Zoë van 't Hof-<b>Özdemir</b>"


def _context(**extra):
    return {
        "volunteer_name": NAME,
        "requester_name": "Maria",
        "organisation": {"name": "Centrale A"},
        "volunteer_url": "https://buurt.example/koppelingen/",
        **extra,
    }


def test_the_first_line_is_the_subject_and_not_part_of_the_body(db):
    mail = render_mail(ENDED, _context(), to_email="vera@example.nl", category=Category.UPDATES)
    assert mail.subject == "Dank u wel voor uw hulp"
    assert mail.body.splitlines()[0] == f"Beste {NAME},"  # no subject line, no leading blank line
    assert "De hulp bij Maria is afgerond." in mail.body
    assert mail.body.endswith("\n")
    assert f"<title>{mail.subject}</title>" in mail.html


def test_optional_mail_has_a_footer_with_its_own_unsubscribe_link(db, settings):
    settings.SITE_URL = "https://buurt.example"
    mail = render_mail(ENDED, _context(), to_email="Vera@Example.nl", category=Category.UPDATES)
    link = unsubscribe_url("vera@example.nl", Category.UPDATES)
    assert link.startswith("https://buurt.example/e-mail/uit/")
    footer = mail.body.split("\n-- \n", 1)[1]
    assert "nieuws over mijn koppelingen" in footer
    assert link in footer
    assert link in mail.html
    assert "https://buurt.example/e-mail/" in mail.html  # all settings


def test_account_mail_has_no_unsubscribe_footer(db):
    mail = render_mail(ENDED, _context(), to_email="vera@example.nl", category=Category.ACCOUNT)
    assert "\n-- \n" not in mail.body
    assert "/e-mail/uit/" not in mail.body and "/e-mail/uit/" not in mail.html


def test_names_are_plain_in_the_text_and_escaped_in_the_html(db):
    mail = render_mail(ENDED, _context(), to_email="vera@example.nl", category=Category.UPDATES)
    assert NAME in mail.body  # plain text: no HTML entities
    assert "&amp;" not in mail.body and "&#x27;" not in mail.body
    assert "<b>Özdemir</b>" not in mail.html
    assert "&lt;b&gt;Özdemir&lt;/b&gt;" in mail.html


def test_the_links_in_the_html_are_clickable(db):
    mail = render_mail(ENDED, _context(), to_email="vera@example.nl", category=Category.UPDATES)
    assert '<a href="https://buurt.example/koppelingen/"' in mail.html


def test_mail_is_dutch_whatever_language_the_page_was_in(db):
    with translation.override("en"):
        mail = render_mail(ENDED, _context(), to_email="vera@example.nl", category=Category.REMINDERS)
        assert translation.get_language() == "en"  # the caller's language is left alone
    assert mail.subject == "Dank u wel voor uw hulp"
    assert "herinneringen" in mail.body


# --- Links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "base", "production", "hosts", "expected"),
    [
        ("https://buurt.example/", "http://testserver", False, [], "https://buurt.example"),
        ("", "http://testserver/", False, [], "http://testserver"),
        ("", None, True, [".example.nl", "*", "buurtmakelaar.example.nl"], "https://buurtmakelaar.example.nl"),
        ("", None, False, ["localhost"], "http://127.0.0.1:8000"),
    ],
)
def test_site_url(settings, site, base, production, hosts, expected):
    settings.SITE_URL = site
    settings.PRODUCTION = production
    settings.ALLOWED_HOSTS = hosts
    assert site_url(base) == expected


def test_site_url_follows_the_request_being_served_and_the_local_port(settings):
    """Issue 18.2: ``PORT=8101 ./scripts/run`` must not send links to port 8000."""
    settings.SITE_URL = ""
    settings.PRODUCTION = False
    settings.LOCAL_PORT = 8101
    assert site_url() == "http://127.0.0.1:8101"
    with request_base("http://localhost:8101/"):
        assert site_url() == "http://localhost:8101"
        assert site_url("http://other:9000") == "http://other:9000"  # an explicit base wins
    assert site_url() == "http://127.0.0.1:8101"  # and it ends with the request
    settings.SITE_URL = "https://buurt.example"
    with request_base("http://localhost:8101/"):
        assert site_url() == "https://buurt.example"


def test_mails_queued_while_serving_a_request_link_to_its_host_and_port(settings, rf, db):
    from config.middleware import SiteUrlMiddleware

    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    seen = []
    middleware = SiteUrlMiddleware(lambda request: seen.append(unsubscribe_url("vera@example.nl", "reminders")))
    middleware(rf.get("/", HTTP_HOST="127.0.0.1:8101"))
    assert seen[0].startswith("http://127.0.0.1:8101/")
    # A host header that is not allowed is never used for links.
    middleware(rf.get("/", HTTP_HOST="evil.example"))
    assert seen[1].startswith(f"http://127.0.0.1:{settings.LOCAL_PORT}/")


def test_unsubscribe_tokens_round_trip_and_lowercase_the_address(db):
    token = unsubscribe_token("Vera@Example.NL", "reminders")
    assert unsubscribe_read(token) == ("vera@example.nl", "reminders")
    assert "/" not in token  # it goes into a URL path segment
    assert unsubscribe_read(token + "x") is None
    assert unsubscribe_read("") is None
