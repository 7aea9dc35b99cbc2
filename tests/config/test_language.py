"""Dutch first: the browser's language does not switch the site; the switch does."""

import pytest

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_dutch(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="nl"' in response.content.decode()


def test_language_switch_turns_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert 'lang="nl"' in client.get("/").content.decode()


def test_unknown_language_is_ignored(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert 'lang="nl"' in client.get("/").content.decode()
