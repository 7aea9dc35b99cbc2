"""The privacy page's promises about signals and check-in reminders hold (issue #15):
each sentence the page shows is checked here against what the code does. Change one and
this file says which promise broke."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caregivers.models import BurdenCheckIn, CareSignal
from caregivers.outreach import signal_submit, signals_of_partner
from common.errors import DomainError
from matches.attention import Kind, attention_items
from matches.mails import carer_checkin_reminders
from notifications.services import preferences_update
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW
from tests.matching.test_carer_checkin_reminder import carer, mails_to

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")
DAY = datetime.timedelta(days=1)

CONSENT = "We bewaren een signaal alleen als u het goed vond dat wij contact met u opnemen."
LEAST_DATA = (
    "In een signaal staat zo weinig mogelijk: uw voornaam, hoe we u kunnen bereiken, uw postcode of "
    "woonplaats, en wat de melder opviel."
)
PARTNER_SEES = "ziet daarna alleen de datum en of we er iets mee deden."
ERASED_EXPORTED = (
    "Wist u uw gegevens? Dan wissen we ook de signalen over u die nog open staan. Onder Mijn gegevens "
    "staan ze ook in het bestand met al uw gegevens."
)
SWITCH_OFF = "Wilt u die e-mails niet? Zet herinneringen uit onder E-mailinstellingen"
HEAVY = "Vult u in dat de zorg zwaar is, en heeft u nog geen hulpvraag? Dan krijgt de makelaar een seintje."
CARE_ENDED = (
    "Is uw zorg gestopt? Vul dat in op uw pagina. Dan sturen we deze e-mails niet meer, en krijgt de "
    "makelaar dat seintje niet meer."
)


def test_the_privacy_page_makes_these_promises(client, world):
    page = client.get(reverse("privacy")).content.decode()
    for promise in (CONSENT, LEAST_DATA, PARTNER_SEES, ERASED_EXPORTED, SWITCH_OFF, HEAVY, CARE_ENDED):
        assert promise in page, promise


def _signal(world, *, consent=True, contact="06 44455566"):
    return signal_submit(
        organisation=world.org,
        by=world.broker,
        first_name="Wobkje",
        contact=contact,
        noticed="Zorgt alleen voor haar moeder.",
        source_kind="gp",
        source_name="Huisartsenpraktijk De Linde",
        consent_given=consent,
        consent_how="verbal",
        place="Velp",
        about_carer=True,
    )


def test_consent_a_signal_without_it_is_not_stored(world):
    with pytest.raises(DomainError, match="Zonder toestemming"):
        _signal(world, consent=False)
    assert not CareSignal.objects.exists()
    assert _signal(world).consent_given is True


def test_least_data_a_signal_holds_only_these_things_about_the_person():
    """The fields of a signal that say something about the person are exactly those the
    page names (first name, contact, postcode, place, neighbourhood from the postcode,
    what was noticed, whether they care for someone); the rest is about the signal."""
    about_the_signal = {
        "id",
        "organisation",
        "source_kind",
        "source_name",
        "source_partner_id",
        "consent_given",
        "consent_how",
        "consent_at",
        "status",
        "close_reason",
        "close_note",
        "request",
        "entered_by",
        "handled_by",
        "created_at",
        "handled_at",
    }
    about_the_person = {"first_name", "contact", "postcode", "place", "neighbourhood", "noticed", "about_carer"}
    fields = {f.name for f in CareSignal._meta.concrete_fields}
    assert fields == about_the_signal | about_the_person


def test_partner_sees_only_the_date_and_the_status(world):
    signal = _signal(world)
    CareSignal.objects.filter(pk=signal.pk).update(source_kind="partner", source_partner_id=7)
    [row] = signals_of_partner(organisation=world.org, partner_pk=7)
    assert set(row) == {"pk", "created_at", "status"}


def test_erased_and_exported_with_the_person(world):
    from privacy.export import personal_data_collect
    from privacy.selectors import subject_for_user
    from privacy.services import account_erase

    user = world.requester_user
    world.mantelzorger.phone = "0644455566"
    world.mantelzorger.save()
    signal = _signal(world, contact="+31 6 444 555 66")
    exported = personal_data_collect(subject_for_user(user))["parts"]["caregivers"]["signals"]
    assert [s["id"] for s in exported] == [signal.pk] and exported[0]["first_name"] == "Wobkje"
    account_erase(user=user, password="geheim-wachtwoord-123")
    signal.refresh_from_db()
    assert (signal.status, signal.contact, signal.noticed) == ("closed", "", "")


def test_switch_off_no_reminder_for_someone_who_switched_them_off(world):
    carer(world.org, checked_days_ago=200)
    carer(world.org, checked_days_ago=200, email="piet@example.nl")
    preferences_update(email="hanna@example.nl", values={"reminders": False})
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 1
    assert not mails_to("hanna@example.nl").exists() and mails_to("piet@example.nl").exists()


def test_heavy_then_care_ended_the_broker_is_told_and_then_no_longer(world, client):
    from caregivers.services import care_ended_set

    hanna = carer(world.org, checked_days_ago=200)
    BurdenCheckIn.objects.create(mantelzorger=hanna, score=9)
    heavy = [i for i in attention_items(organisation=world.org, now=timezone.now()) if i.kind == Kind.BURDEN]
    assert [i.obj.pk for i in heavy] == [hanna.pk]
    hanna.refresh_from_db()
    care_ended_set(mantelzorger=hanna, by=world.broker, ended_on=(NOW - DAY).date())
    assert not [i for i in attention_items(organisation=world.org, now=timezone.now()) if i.kind == Kind.BURDEN]
    # ... and no reminder either, however long ago the last check-in was.
    BurdenCheckIn.objects.filter(mantelzorger=hanna).update(created_at=NOW - 200 * DAY)
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 0
    assert not mails_to("hanna@example.nl").exists()
