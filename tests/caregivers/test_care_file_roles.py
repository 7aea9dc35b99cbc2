"""The privacy page's promise about care files holds (issue #13, point 6): only the
brokers of the person's own volunteer centre read them; an admin of that centre does
not, unless they hold the broker role as well."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from caregivers.models import CareRecipient, HelpRequest
from demo.factories import StaffMembershipFactory
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import may_read_care_files
from tests.login import log_in

pytestmark = pytest.mark.django_db

PROMISE = (
    "Bij de vrijwilligerscentrale kunnen alleen de makelaars het lezen. "
    "Andere medewerkers van de centrale, zoals de beheerder, kunnen dat niet."
)


@pytest.fixture
def care_file(personas):
    item = HelpRequest.objects.get(requester=personas["mantelzorger"])
    CareRecipient.objects.create(
        mantelzorger=item.mantelzorger,
        name="Oma Truus",
        age_band=CareRecipient.AgeBand.ELDERLY,
        situation=CareRecipient.Situation.DEMENTIA,
    )
    return item


def _desk(item) -> list[str]:
    slug = item.organisation.slug
    return [
        reverse("caregivers_broker:queue", kwargs={"slug": slug}),
        reverse("caregivers_broker:detail", kwargs={"slug": slug, "pk": item.pk}),
        reverse("caregivers_broker:intake", kwargs={"slug": slug, "pk": item.pk}),
    ]


def test_the_privacy_page_makes_the_promise(client):
    assert PROMISE in client.get(reverse("privacy")).content.decode()


def test_a_broker_reads_the_care_file_and_it_is_logged(client, personas, care_file):
    log_in(client, personas["broker_a"])
    for url in _desk(care_file):
        assert client.get(url).status_code == 200, url
    assert "Oma Truus" in client.get(_desk(care_file)[1]).content.decode()
    assert AccessLogEntry.objects.filter(actor=personas["broker_a"]).exists()


def test_an_admin_of_the_same_centre_does_not(client, personas, care_file):
    admin = personas["admin_a"]
    assert not may_read_care_files(admin, care_file.organisation_id)
    log_in(client, admin)
    for url in _desk(care_file):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Oma Truus" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(actor=admin).exists()
    # The admin's own pages still work, and offer no way into the care files.
    start = client.get(reverse("reports:start", kwargs={"slug": care_file.organisation.slug}))
    assert start.status_code == 200
    # No link to the queue or a care file; the signal form (entering, not reading) is fine.
    slug = care_file.organisation.slug
    queue = reverse("caregivers_broker:queue", kwargs={"slug": slug})
    links = re.findall(r'href="([^"]+)"', start.content.decode())
    assert [link for link in links if link.startswith(queue)] == [
        reverse("caregivers_broker:signal_new", kwargs={"slug": slug})
    ]
    assert client.get(reverse("neighbourhoods:team", kwargs={"slug": care_file.organisation.slug})).status_code == 200


def test_an_admin_who_is_also_a_broker_does(client, personas, care_file):
    admin = personas["admin_a"]
    StaffMembershipFactory(user=admin, organisation=care_file.organisation, role=StaffMembership.Role.BROKER)
    assert may_read_care_files(admin, care_file.organisation_id)
    log_in(client, admin)
    assert client.get(_desk(care_file)[1]).status_code == 200
