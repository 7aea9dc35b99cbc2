"""Factories for the intake desk tests (care details and request times)."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from caregivers.models import BurdenCheckIn, CareRecipient, RequestDate, RequestSlot
from demo.factories import HelpRequestFactory, MantelzorgerFactory


class CareRecipientFactory(DjangoModelFactory):
    class Meta:
        model = CareRecipient

    mantelzorger = factory.SubFactory(MantelzorgerFactory)
    name = "Opa Henk"
    age_band = CareRecipient.AgeBand.ELDERLY
    situation = CareRecipient.Situation.DEMENTIA
    notes = "Houdt van de radio."


class BurdenCheckInFactory(DjangoModelFactory):
    class Meta:
        model = BurdenCheckIn

    mantelzorger = factory.SubFactory(MantelzorgerFactory)
    score = 4


class RequestSlotFactory(DjangoModelFactory):
    class Meta:
        model = RequestSlot

    request = factory.SubFactory(HelpRequestFactory)
    weekday = 1
    start = datetime.time(13, 0)
    end = datetime.time(17, 0)


class RequestDateFactory(DjangoModelFactory):
    class Meta:
        model = RequestDate

    request = factory.SubFactory(HelpRequestFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    start = datetime.time(10, 0)
    end = datetime.time(12, 0)
