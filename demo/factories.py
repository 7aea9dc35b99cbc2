"""factory_boy factories with Dutch fake data, used by the tests and the demo."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from accounts.models import User
from caregivers.models import HelpRequest, Mantelzorger
from neighbourhoods.models import Municipality, Neighbourhood, Organisation, StaffMembership
from volunteers.models import Volunteer

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.nl")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("geheim-wachtwoord-123")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Verified e-mail by default, so that the user can log in (allauth)."""
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    province = "Gelderland"


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Buurt {n}")
    kind = Neighbourhood.Kind.KERN
    latitude = 51.98
    longitude = 5.91


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vrijwilligerscentrale {n}")
    slug = factory.Sequence(lambda n: f"centrale-{n}")

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class StaffMembershipFactory(DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffMembership.Role.BROKER


class VolunteerFactory(DjangoModelFactory):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    # ASCII on purpose: Faker names like "Joëlle" or "van 't Hof" would make an invalid address.
    email = factory.Sequence(lambda n: f"vrijwilliger{n}@example.nl")
    postcode = "6811 AB"
    house_number = "1"
    place = "Arnhem"
    latitude = 51.98
    longitude = 5.91
    max_distance_km = 5

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class MantelzorgerFactory(DjangoModelFactory):
    class Meta:
        model = Mantelzorger

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    postcode = "6811 AB"
    house_number = "2"
    place = "Arnhem"
    latitude = 51.98
    longitude = 5.91
    relation = Mantelzorger.Relation.PARTNER


class HelpRequestFactory(DjangoModelFactory):
    class Meta:
        model = HelpRequest
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    requester_first_name = factory.Faker("first_name")
    requester_last_name = factory.Faker("last_name")
    kind = HelpRequest.Kind.PRACTICAL
    postcode = "6811 AB"
    house_number = "3"
    place = "Arnhem"
    latitude = 51.98
    longitude = 5.91

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)
