"""The privacy officer's log page and export, and a person's view of who opened their file."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from audit.services import Subject, access_record
from tests.login import log_in

pytestmark = pytest.mark.django_db


def log_url(slug="org-a"):
    return reverse("audit:log", kwargs={"slug": slug})


def export_url(slug="org-a"):
    return reverse("audit:export", kwargs={"slug": slug})


@pytest.fixture
def reads(personas, region, carer_request):
    """Bea (broker A) opened Mark's file twice; a broker of B read a file of B."""
    from caregivers.access import request_subject

    subject = request_subject(carer_request)
    for _ in range(2):
        access_record(request=None, user=personas["broker_a"], subject=subject, what="request_detail")
    access_record(
        request=None,
        user=personas["broker_b"],
        subject=Subject(key="mantelzorger:999", organisation_id=region["org_b"].pk, mantelzorger_id=999),
        what="request_detail",
    )
    return subject


@pytest.mark.parametrize("who", ["broker_a", "admin_a", "municipality", "volunteer", "mantelzorger", "broker_b"])
def test_only_the_privacy_officer_gets_in(client, personas, officer, who):
    log_in(client, personas[who])
    assert client.get(log_url()).status_code == 404
    assert client.get(export_url()).status_code == 404


def test_anonymous_is_sent_to_log_in(client, officer):
    assert client.get(log_url()).status_code == 302


def test_an_officer_of_a_sees_nothing_of_b(client, officer, reads):
    log_in(client, officer)
    assert client.get(log_url("org-b")).status_code == 404
    response = client.get(log_url())
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert len(shown) == 2 and all(e.organisation_id == officer.memberships.get().organisation_id for e in shown)
    assert "mantelzorger:999" not in response.content.decode()


def test_filters_by_person_staff_member_date_and_what(client, personas, officer, reads, carer_request):
    log_in(client, officer)
    by_person = client.get(log_url(), {"subject": f"request:{carer_request.pk}"})
    assert by_person.context["page"].paginator.count == 2
    mark = carer_request.mantelzorger
    by_name = client.get(log_url(), {"subject": f"{mark.first_name} {mark.last_name}"})
    assert by_name.status_code == 200 and by_name.context["page"].paginator.count == 2
    assert client.get(log_url(), {"subject": "Niemand Bekend"}).context["page"].paginator.count == 0
    by_staff = client.get(log_url(), {"actor": "BEA@example.nl"})
    assert by_staff.context["page"].paginator.count == 2
    nobody = client.get(log_url(), {"actor": "nina@example.nl"})
    assert nobody.context["page"].paginator.count == 0
    assert client.get(log_url(), {"what": "queue"}).context["page"].paginator.count == 0
    assert (
        client.get(log_url(), {"date_from": "2000-01-01", "date_to": "2999-12-31"}).context["page"].paginator.count == 2
    )
    assert client.get(log_url(), {"date_to": "2001-01-01"}).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_from": "99999-01-01"}, "date_from"),
        ({"date_from": "1900-01-01"}, "date_from"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"subject": "mantelzorger:99999999999999999999999"}, "subject"),
        ({"subject": "mantelzorger:twelve"}, "subject"),
        ({"subject": "x" * 65}, "subject"),
        ({"what": "everything"}, "what"),
        ({"actor": "x" * 300}, "actor"),
    ],
)
def test_bad_filters_are_form_errors_never_500(client, officer, reads, params, field):
    log_in(client, officer)
    response = client.get(log_url(), params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    export = client.get(export_url(), params)
    assert export.status_code == 400
    assert field in export.content.decode()
    assert not AccessLogEntry.objects.filter(what="log_export").exists()


def test_a_huge_or_odd_page_number_does_not_fail(client, officer, reads):
    log_in(client, officer)
    for page in ("99999999999999999999", "-1", "abc"):
        assert client.get(log_url(), {"page": page}).status_code == 200


def test_export_is_csv_of_the_filtered_log_and_is_logged(client, personas, officer, reads):
    access_record(
        request=None,
        user=personas["broker_a"],
        subject=reads,
        what="request_detail",
    )
    log_in(client, officer)
    response = client.get(export_url(), {"actor": "bea@example.nl"}, HTTP_USER_AGENT="=HYPERLINK(1)")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["seq", "at", "actor"]
    assert len(rows) == 1 + 3 and {r[2] for r in rows[1:]} == {"bea@example.nl"}
    export = AccessLogEntry.objects.get(what="log_export")
    assert export.actor == officer and export.subject_key == f"organisation:{officer.memberships.get().organisation_id}"
    assert export.user_agent == "=HYPERLINK(1)"
    # The export's own row, exported: the formula is defused.
    again = client.get(export_url(), {"what": "log_export"})
    text = b"".join(again.streaming_content).decode()
    assert "'=HYPERLINK(1)" in text


def test_the_mantelzorger_sees_who_opened_their_file(client, personas, reads):
    log_in(client, personas["mantelzorger"])
    for name in ("caregivers:mantelzorger_home", "caregivers:my_requests"):
        response = client.get(reverse(name))
        reads_shown = response.context["file_reads"]
        assert len(reads_shown) == 2
        html = response.content.decode()
        assert "Wie keek in uw gegevens?" in html
        assert "een makelaar van Centrale A" in html
        # Proportionate: the role and the organisation, not the staff member's address.
        assert "bea@example.nl" not in html


def test_a_help_seeker_without_reads_is_told_so(client, personas):
    log_in(client, personas["nobody"])
    html = client.get(reverse("caregivers:my_requests")).content.decode()
    assert "Nog niemand anders heeft uw gegevens geopend." in html


def test_the_officer_finds_the_page_from_home(client, officer):
    log_in(client, officer)
    html = client.get("/").content.decode()
    assert log_url() in html


def test_the_privacy_page_says_what_the_log_does(client):
    """The promises, each proven elsewhere in tests/audit: every read by someone else
    (test_coverage), who/when/what/network (test_coverage), nobody can change or delete
    it (test_log: guards, triggers, verify), at least five years (test_log: the prune
    refuses a later date), the person's own page (above), the privacy officer (above)."""
    html = client.get(reverse("privacy")).content.decode()
    assert "wanneer, wat diegene zag en vanaf welk netwerk" in html
    assert "Dat logboek kan niemand veranderen of weggooien. We bewaren het minstens vijf jaar." in html
    assert "Op uw eigen pagina ziet u wie uw gegevens heeft geopend" in html
    assert "De privacy officer van uw vrijwilligerscentrale controleert het logboek." in html
