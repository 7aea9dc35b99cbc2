"""Load test: the demo's roles clicking through their pages, against a real WSGI server.

Run against ``scripts/serve`` (gunicorn, PostgreSQL, Redis, a Celery worker) with the
demo loaded (``manage.py load_demo``); see benchmarks/README.md, section "Load test"::

    .venv/bin/locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8000 \\
        --headless -u 50 -r 10 -t 3m --csv /tmp/load

Every simulated user logs in with one of the demo accounts (many users share a login,
as several brokers of one centre would). Requests are named by their URL pattern, so
the statistics are per page, not per id. The weights follow a working day: brokers
do most of the clicking, volunteers and mantelzorgers look in now and then, the
municipality reads its figures.

Staff (the broker, the municipality) log in with two steps, as in production: after the
password, the code of their app, computed here with pyotp from the TOTP secret. With the
local demo that is the known ``DEMO_TOTP_SECRET`` (config/settings.py); the production
stack has no known secret, so there the first login sets up an app the way a new staff
member does (the secret is read from the set-up page) and the session goes on from there.

The production settings send secure cookies only; the test speaks plain HTTP to
127.0.0.1, so the client sends those cookies over HTTP anyway (PlainHttpCookieJar).
Nothing is bent on the server for the test but SECURE_SSL_REDIRECT=0.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import tempfile
from html.parser import HTMLParser

import gevent.lock
import pyotp
from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("DEMO_PASSWORD", "buurt-demo-2026")
# The demo's organisation (the municipality's figures); the brokers may work in another
# one, e.g. a synthetic region of 100,000 volunteers (benchmarks/README.md, "Load test").
ORG = os.environ.get("LOAD_ORGANISATION", "regio-arnhem")
BROKER_ORG = os.environ.get("LOAD_BROKER_ORGANISATION", ORG)
# The local demo's known TOTP secret (config/settings.py; never set in production).
DEMO_TOTP_SECRET = os.environ.get("DEMO_TOTP_SECRET", "BUURTMAKELAARDEMOREGIOARNHEMVELP")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOTP_SECRET = re.compile(r'id="authenticator_secret" value="([A-Z2-7]+)"')
REQUEST_LINK = re.compile(rf"/organisatie/{BROKER_ORG}/vragen/(\d+)/")
ACCEPT_LINK = re.compile(r"/koppelingen/(\d+)/ja/")


# The secrets of the apps this load test set up (production has no known demo secret),
# so that a second run against the same database can log in again.
SECRETS_FILE = os.environ.get(
    "LOAD_TOTP_SECRETS", os.path.join(tempfile.gettempdir(), "buurtmakelaar-load-totp-secrets.json")
)


def _secrets_read() -> dict[str, str]:
    try:
        with open(SECRETS_FILE, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _secrets_write(key: str, secret: str) -> None:
    secrets = _secrets_read() | {key: secret}
    with open(SECRETS_FILE, "w", encoding="utf-8") as fh:
        json.dump(secrets, fh)


class _FormDefaults(HTMLParser):
    """The values a browser would send for a page's forms without typing: text inputs
    and hidden fields with their value, checked radios and check boxes, the selected
    (or else the first) option, text areas' text. Only the form whose action is ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.values = action, False, {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("method", "get").lower() == "post" and a.get("action", "") == self.action
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.values.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            self.values.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_defaults(html: str, *, action: str) -> dict[str, str]:
    parser = _FormDefaults(action)
    parser.feed(html)
    return parser.values


_sessions: dict[str, list] = {}
_login_lock = gevent.lock.Semaphore()


class PlainHttpCookieJar(RequestsCookieJar):
    """Keeps cookies marked Secure for plain HTTP too (the test talks to 127.0.0.1)."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class DemoUser(HttpUser):
    abstract = True
    email = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.cookies = PlainHttpCookieJar()
        with _login_lock:
            if self.email not in _sessions:
                _sessions[self.email] = self._login()
        for cookie in _sessions[self.email]:
            self.client.cookies.set_cookie(copy.copy(cookie))

    def _login(self) -> list:
        """Log in once per demo account; every simulated user of that account shares the
        session, like one person with several tabs. Logging in 200 times would measure
        the password hash and trip allauth's login rate limit (30 a minute per address),
        not the pages."""
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        response = self.client.post(
            "/accounts/login/",
            data={"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf(page.text)},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ [POST]",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.email} failed: {response.status_code}")
        location = response.headers["Location"]
        if location.startswith("/accounts/2fa/authenticate/"):
            # An app set up by an earlier run against this server (its secret kept in
            # SECRETS_FILE), else the local demo's known secret.
            known = _secrets_read().get(f"{self.host} {self.email}")
            self._second_step(location, [s for s in (known, DEMO_TOTP_SECRET) if s])
        else:
            start = self.client.get(location, name="/ [after login]", allow_redirects=False)
            if start.status_code == 302 and start.headers["Location"].startswith("/accounts/2fa/"):
                self._set_up_app()
        return list(self.client.cookies)

    def _post(self, url: str, data: dict, name: str, page_html: str):
        return self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self._csrf(page_html)},
            headers={"Referer": f"{self.host}{url}"},
            name=name,
            allow_redirects=False,
        )

    def _second_step(self, url: str, secrets: list[str]) -> None:
        """The code of the staff member's app (TOTP), as the login's second step: the
        secrets are tried in turn (a wrong code shows the form again, status 200)."""
        for secret in secrets:
            page = self.client.get(url, name="/accounts/2fa/authenticate/")
            code = pyotp.TOTP(secret).now()
            response = self._post(url, {"code": code}, "/accounts/2fa/authenticate/ [POST]", page.text)
            if response.status_code == 302:
                return
        raise RuntimeError(f"second step of {self.email} failed: {response.status_code}")

    def _set_up_app(self) -> None:
        """A staff member without an app (the production stack has no known demo secret)
        sets one up, as at a first login: allauth asks the password once more, then
        shows the secret; the code computed from it completes the set-up and the step."""
        url = "/accounts/2fa/totp/activate/"
        page = self.client.get(url, name=url, allow_redirects=False)
        if page.status_code == 302:  # confirm the password first
            confirm_url = page.headers["Location"]
            confirm = self.client.get(confirm_url, name="/accounts/reauthenticate/")
            self._post(confirm_url, {"password": PASSWORD}, "/accounts/reauthenticate/ [POST]", confirm.text)
            page = self.client.get(url, name=url)
        found = TOTP_SECRET.search(page.text)
        if not found:
            raise RuntimeError(f"no TOTP secret on the set-up page for {self.email}: {page.status_code}")
        response = self._post(url, {"code": pyotp.TOTP(found.group(1)).now()}, f"{url} [POST]", page.text)
        if response.status_code != 302:
            raise RuntimeError(f"setting up the app of {self.email} failed: {response.status_code}")
        # The next run against the same server logs in with this app (a new process
        # cannot read the secret from anywhere else).
        _secrets_write(f"{self.host} {self.email}", found.group(1))

    def page(self, url: str, name: str):
        """GET a page; a redirect to the login (a lost session) counts as a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if "/accounts/login/" in response.url:
                response.failure("redirected to the login page")
            return response

    def _csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else self.client.cookies.get("csrftoken", "")

    def post_form(self, url: str, data: dict, name: str, page_html: str):
        """POST a form like the browser. Users sharing a demo login race each other (the
        proposal was just accepted, the request just matched): a 404 or 409 is the
        application's correct answer to that, not an error; so is a 400 from the proposal
        form (the volunteer is no longer a candidate). A 403 (CSRF) or 5xx is an error."""
        data = {**data, "csrfmiddlewaretoken": self._csrf(page_html)}
        with self.client.post(
            url,
            data=data,
            name=name,
            headers={"Referer": f"{self.host}{url}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code < 400 or response.status_code in (400, 404, 409):
                response.success()
            else:
                response.failure(f"status {response.status_code}")
            return response


class Broker(DemoUser):
    weight = 5
    email = "makelaar@buurtmakelaar.demo"
    request_ids: list[int] = []

    def on_start(self) -> None:
        super().on_start()
        queue = self.page(f"/organisatie/{BROKER_ORG}/vragen/?status=ready", name="/organisatie/<slug>/vragen/")
        self.request_ids = sorted({int(pk) for pk in REQUEST_LINK.findall(queue.text)})

    @task(3)
    def queue(self) -> None:
        self.page(f"/organisatie/{BROKER_ORG}/vragen/", name="/organisatie/<slug>/vragen/")

    @task(3)
    def request_page(self) -> None:
        if self.request_ids:
            pk = random.choice(self.request_ids)
            self.page(f"/organisatie/{BROKER_ORG}/vragen/{pk}/", name="/organisatie/<slug>/vragen/<pk>/")

    @task(4)
    def suggestions(self) -> None:
        if self.request_ids:
            pk = random.choice(self.request_ids)
            self.page(f"/organisatie/{BROKER_ORG}/koppelen/{pk}/", name="/organisatie/<slug>/koppelen/<pk>/")

    @task(1)
    def propose(self) -> None:
        """Ask the suggestions API for candidates and propose the best one. Two brokers
        may race for the same request or volunteer: the loser gets a message, not an error."""
        if not self.request_ids:
            return
        pk = random.choice(self.request_ids)
        api = self.page(f"/organisatie/{BROKER_ORG}/koppelen/api/{pk}/", name="/organisatie/<slug>/koppelen/api/<pk>/")
        if api.status_code != 200 or not api.json().get("candidates"):
            self.request_ids.remove(pk)  # matched meanwhile, or nobody fits
            return
        volunteer = api.json()["candidates"][0]["volunteer"]
        page = self.page(f"/organisatie/{BROKER_ORG}/koppelen/{pk}/", name="/organisatie/<slug>/koppelen/<pk>/")
        url = f"/organisatie/{BROKER_ORG}/koppelen/{pk}/voorstellen/"
        self.post_form(
            url, {"volunteer": volunteer}, "/organisatie/<slug>/koppelen/<pk>/voorstellen/ [POST]", page.text
        )

    @task(1)
    def matches(self) -> None:
        self.page(f"/organisatie/{BROKER_ORG}/koppelingen/", name="/organisatie/<slug>/koppelingen/")


class Volunteer(DemoUser):
    weight = 2
    email = "vrijwilliger@buurtmakelaar.demo"

    @task(3)
    def home(self) -> None:
        self.page("/vrijwilliger/", name="/vrijwilliger/")

    @task(3)
    def proposals(self) -> None:
        page = self.page("/koppelingen/", name="/koppelingen/")
        found = ACCEPT_LINK.findall(page.text)
        if found and random.random() < 0.3:
            # Several simulated volunteers share the demo login: a proposal another one
            # just accepted answers with a message and a redirect.
            url = f"/koppelingen/{found[0]}/ja/"
            self.post_form(url, {}, "/koppelingen/<pk>/ja/ [POST]", page.text)

    @task(1)
    def availability(self) -> None:
        self.page("/vrijwilliger/tijden/", name="/vrijwilliger/tijden/")


class Mantelzorger(DemoUser):
    weight = 2
    email = "mantelzorger@buurtmakelaar.demo"

    @task(3)
    def home(self) -> None:
        self.page("/hulp/mantelzorger/", name="/hulp/mantelzorger/")

    @task(2)
    def respite_form(self) -> None:
        self.page("/hulp/respijtzorg/", name="/hulp/respijtzorg/")

    @task(1)
    def ask_respite(self) -> None:
        """Ask for respite as the browser would: the form's own values (the care
        recipient, the address), a description and a weekly time. The answer must be the
        redirect to the new request; the form shown again (an error) is a failure."""
        page = self.page("/hulp/respijtzorg/", name="/hulp/respijtzorg/")
        # All simulated mantelzorgers share one demo login, whose list of requests
        # ("/hulp/") grows with every request asked: one in four form views is sent.
        if page.status_code != 200 or random.random() >= 0.25:
            return
        data = form_defaults(page.text, action="/hulp/respijtzorg/")
        data["description"] = "Even een middag vrij: iemand die bij mijn moeder blijft."
        data["when-slots_text"] = "di 13:00-17:00"
        data["csrfmiddlewaretoken"] = self._csrf(page.text)
        with self.client.post(
            "/hulp/respijtzorg/",
            data=data,
            name="/hulp/respijtzorg/ [POST]",
            headers={"Referer": f"{self.host}/hulp/respijtzorg/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"status {response.status_code}: the respite request was not taken")

    @task(2)
    def my_requests(self) -> None:
        self.page("/hulp/", name="/hulp/")

    @task(1)
    def who_is_coming(self) -> None:
        self.page("/koppelingen/wie-komt-er/", name="/koppelingen/wie-komt-er/")


class Municipality(DemoUser):
    weight = 1
    email = "gemeente.arnhem@buurtmakelaar.demo"

    @task(3)
    def dashboard(self) -> None:
        self.page(f"/organisatie/{ORG}/cijfers/", name="/organisatie/<slug>/cijfers/")

    @task(2)
    def demand(self) -> None:
        self.client.get(
            f"/organisatie/{ORG}/cijfers/vraag-en-aanbod/", name="/organisatie/<slug>/cijfers/vraag-en-aanbod/"
        )

    @task(1)
    def overview(self) -> None:
        self.page(f"/organisatie/{ORG}/gemeente/", name="/organisatie/<slug>/gemeente/")

    @task(1)
    def export(self) -> None:
        self.page(f"/organisatie/{ORG}/cijfers/export.csv", name="/organisatie/<slug>/cijfers/export.csv")
