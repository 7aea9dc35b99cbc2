"""Factories for the care records (the common ones live in demo/factories.py)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from caregivers.models import BurdenCheckIn, CareRecipient
from demo.factories import MantelzorgerFactory


class CareRecipientFactory(DjangoModelFactory):
    class Meta:
        model = CareRecipient

    mantelzorger = factory.SubFactory(MantelzorgerFactory)
    name = factory.Faker("first_name")
    age_band = CareRecipient.AgeBand.ELDERLY
    situation = CareRecipient.Situation.DEMENTIA
    notes = "Houdt van oude liedjes."


class BurdenCheckInFactory(DjangoModelFactory):
    class Meta:
        model = BurdenCheckIn

    mantelzorger = factory.SubFactory(MantelzorgerFactory)
    score = 5
