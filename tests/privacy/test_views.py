"""The privacy page's retention section (rendered from privacy.schedule and the
organisation's periods) and the admin's page that sets the periods."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from common.errors import DomainError
from privacy.models import RetentionSettings
from privacy.retention import retention_months, retention_settings_update
from privacy.schedule import KINDS, KINDS_BY_CODE, PERIODS, days_text, period_text
from tests.login import log_in

pytestmark = pytest.mark.django_db


def _rows(html: str) -> dict[str, str]:
    """kind code -> the text of its row in the retention table."""
    rows = re.findall(r'<tr data-retention-kind="([a-z_]+)">(.*?)</tr>', html, flags=re.S)
    return {code: " ".join(re.sub(r"<[^>]+>", " ", body).split()) for code, body in rows}


def _expected_period(kind, months, settings) -> str:
    if kind.period is None:
        return days_text(settings.NOTIFICATION_RETENTION_DAYS)
    return period_text(months[kind.period])


def test_the_privacy_page_shows_every_kind_with_the_schedules_period(client, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 365
    html = client.get(reverse("privacy")).content.decode()
    rows = _rows(html)
    shown = [kind for kind in KINDS if kind.on_page]
    assert set(rows) == {kind.code for kind in shown}
    defaults = {key: p.default_months for key, p in PERIODS.items()}
    with translation.override("nl"):
        for kind in shown:
            assert f"{_expected_period(kind, defaults, settings)} {kind.counts_from}" in rows[kind.code], kind.code
    # The promises in plain numbers: what the issue asked for.
    assert "2 jaar na het afsluiten" in rows["requests"]
    assert "7 jaar na het einde van de koppeling" in rows["matches"]
    assert "5 jaar na het bekijken" in rows["access_log"]
    assert "1 jaar na het versturen" in rows["sent_mail"]
    assert "binnen 30 dagen" in rows["accounts_warn"]
    assert "na een vaste tijd" not in html


def test_the_page_shows_an_organisations_own_periods(client, region, personas):
    RetentionSettings.objects.create(organisation=region["org_a"], months={"requests": 36, "matches": 90})
    rows = _rows(client.get(reverse("privacy"), {"organisatie": "org-a"}).content.decode())
    assert "3 jaar na het afsluiten" in rows["requests"]
    assert "90 maanden" in rows["matches"]
    # Someone of organisation A sees A's periods without the parameter.
    log_in(client, personas["volunteer"])
    assert "3 jaar na het afsluiten" in _rows(client.get(reverse("privacy")).content.decode())["requests"]
    client.logout()
    assert "2 jaar na het afsluiten" in _rows(client.get(reverse("privacy")).content.decode())["requests"]


def test_an_unknown_organisation_on_the_privacy_page_is_a_404(client, db):
    assert client.get(reverse("privacy"), {"organisatie": "bestaat-niet"}).status_code == 404


def test_the_privacy_page_in_english(client, db):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = _rows(html)
    assert "2 years after closing" in rows["requests"], rows["requests"]
    assert "7 years" in rows["matches"]


# --- The admin's settings page ------------------------------------------------------------


def _url(slug="org-a"):
    return reverse("privacy:retention_settings", kwargs={"slug": slug})


def _post(client, **changes):
    data = {key: period.default_months for key, period in PERIODS.items()}
    data.update(changes)
    return client.post(_url(), data)


@pytest.mark.parametrize("who", ["broker_a", "broker_b", "municipality", "volunteer", "nobody"])
def test_only_the_organisations_admin_opens_the_settings(client, personas, who):
    log_in(client, personas[who])
    assert client.get(_url()).status_code == 404
    assert _post(client, requests=30).status_code == 404
    assert not RetentionSettings.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, personas):
    response = client.get(_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_admin_sets_a_period_and_the_run_and_page_follow(client, personas, region):
    log_in(client, personas["admin_a"])
    assert client.get(_url()).status_code == 200
    response = _post(client, requests=36)
    assert response.status_code == 302
    assert retention_months(organisation=region["org_a"])["requests"] == 36
    assert retention_months(organisation=region["org_b"])["requests"] == 24
    rows = _rows(client.get(reverse("privacy"), {"organisatie": "org-a"}).content.decode())
    assert "3 jaar na het afsluiten" in rows["requests"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("requests", "6"),  # below the bound
        ("requests", "61"),  # above it
        ("access_log", "12"),  # the access log is kept at least 5 years
        ("matches", "-1"),
        ("checkins", "twee"),
        ("mantelzorgers", ""),
        ("accounts", "99999999999999999999"),
        ("hours_extra", None),
    ],
)
def test_bad_values_give_a_form_error_and_change_nothing(client, personas, field, value):
    log_in(client, personas["admin_a"])
    if value is None:
        response = _post(client, requests="2.5")
        field = "requests"
    else:
        response = _post(client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if value in ("6", "61"):
        assert response.context["form"].errors[field] == ["Kies een termijn van 12 tot en met 60 maanden."]
    assert "Er is iets niet goed ingevuld" in response.content.decode()
    assert not RetentionSettings.objects.exists()


@pytest.mark.parametrize(
    "months,field",
    [
        ({"requests": 11}, "requests"),
        ({"access_log": 121}, "access_log"),
        ({"matches": True}, "matches"),
        ({"matches": "84"}, "matches"),
        ({"unknown": 24}, None),
    ],
)
def test_the_service_refuses_values_outside_the_bounds(personas, region, months, field):
    with pytest.raises(DomainError) as caught:
        retention_settings_update(organisation=region["org_a"], months=months, by=personas["admin_a"])
    assert caught.value.field == field
    assert not RetentionSettings.objects.exists()


def test_the_service_refuses_a_broker(personas, region):
    with pytest.raises(DomainError):
        retention_settings_update(organisation=region["org_a"], months={"requests": 30}, by=personas["broker_a"])


def test_a_stored_value_outside_todays_bounds_is_brought_within_them(region):
    RetentionSettings.objects.create(organisation=region["org_a"], months={"requests": 1, "matches": 999, "x": 5})
    months = retention_months(organisation=region["org_a"])
    assert months["requests"] == PERIODS["requests"].min_months
    assert months["matches"] == PERIODS["matches"].max_months
    assert "x" not in months


# --- Text and behaviour from the same numbers ------------------------------------------------


def _make(build, kind, at):
    """One record of ``kind`` whose period starts at ``at``; returns its id."""
    from caregivers.models import BurdenCheckIn
    from tests.privacy.conftest import log_read_at

    if kind == "requests":
        return build.request(status="closed", closed=at).pk
    if kind == "checkins":
        mz = build.mantelzorger()
        checkin = BurdenCheckIn.objects.create(mantelzorger=mz, score=3)
        BurdenCheckIn.objects.filter(pk=checkin.pk).update(created_at=at)
        return checkin.pk
    if kind == "access_log":
        return log_read_at(build.mantelzorger(), at).pk
    if kind == "matches":
        request = build.request(status="closed", closed=at)
        return build.match(request=request, volunteer=build.volunteer(), ended=at).pk
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind,period,months",
    [
        ("requests", "requests", 30),
        ("checkins", "checkins", 18),
        ("access_log", "access_log", 72),
        ("matches", "matches", 96),
    ],
)
def test_the_period_on_the_page_is_the_period_the_run_uses(client, build, personas, kind, period, months):
    from privacy.retention import retention_run
    from tests.privacy.conftest import NOW, ago

    retention_settings_update(organisation=build.org, months={period: months}, by=personas["admin_a"])
    rows = _rows(client.get(reverse("privacy"), {"organisatie": "org-a"}).content.decode())
    with translation.override("nl"):
        assert f"{period_text(months)} {KINDS_BY_CODE[kind].counts_from}" in rows[kind]

    beyond = _make(build, kind, ago(months=months, days=1))
    within = _make(build, kind, ago(months=months, days=-1))
    due = [pk for d in retention_run(now=NOW, dry_run=True, kinds=[kind]) for pk in d.ids]
    assert due == [beyond], (due, beyond, within)


def test_setting_one_period_keeps_the_others_and_anonymous_is_refused(personas, region):
    from django.contrib.auth.models import AnonymousUser

    org = region["org_a"]
    retention_settings_update(organisation=org, months={"requests": 30}, by=personas["admin_a"])
    retention_settings_update(organisation=org, months={"matches": 96}, by=personas["admin_a"])
    months = retention_months(organisation=org)
    assert (months["requests"], months["matches"], months["checkins"]) == (30, 96, 24)
    with pytest.raises(DomainError):
        retention_settings_update(organisation=org, months={"requests": 40}, by=AnonymousUser())
    assert retention_months(organisation=org)["requests"] == 30
