"""Fixtures for the mantelzorger and help-seeker tests (tests/caregivers)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# A Monday morning, well away from DST changes; every date in these tests is relative to it.
NOW = datetime.datetime(2030, 6, 3, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mark(personas):
    """Mark's mantelzorger record (org-a), with one care recipient: Oma Jo, dementia."""
    from caregivers.models import Mantelzorger
    from tests.caregivers.factories import CareRecipientFactory

    record = Mantelzorger.objects.get(user=personas["mantelzorger"])
    CareRecipientFactory(mantelzorger=record, name="Oma Jo")
    return record


@pytest.fixture
def other_carer(region):
    """Another mantelzorger with a login and a care recipient, in org-a too."""
    from demo.factories import MantelzorgerFactory, UserFactory
    from tests.caregivers.factories import CareRecipientFactory

    user = UserFactory(email="olga@example.nl", first_name="Olga")
    record = MantelzorgerFactory(user=user, organisation=region["org_a"], first_name="Olga")
    CareRecipientFactory(mantelzorger=record, name="Opa Piet", situation="physical", notes="Loopt met een stok.")
    return record
