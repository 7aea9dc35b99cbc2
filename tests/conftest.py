"""Test settings and shared fixtures.

Fast settings: MD5 password hashing, locmem e-mail and cache. The
same suite runs on SQLite (default) and on PostgreSQL (DATABASE_URL set).
"""

import os

import pytest

# Fixtures through which a test reaches the database (directly or via another fixture).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """``TESTS_DATABASE_ONLY=1`` runs only the tests that use a database (the PostgreSQL
    stage of .ci/run: a test that never touches one gives the same result on any
    database, and the SQLite stage has run it already)."""
    if os.environ.get("TESTS_DATABASE_ONLY") != "1":
        return
    keep, skip = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        (keep if uses_db else skip).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


@pytest.fixture(autouse=True)
def _no_pool_from_an_earlier_test():
    """Every test starts without cached volunteer pools: an earlier test's pool carries
    a pool version of a database that was rolled back since."""
    from matching.loaders import pool_cache_clear

    pool_cache_clear()


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ACCOUNT_RATE_LIMITS = False
    # The locmem cache outlives a test's database: no cached API pages from an earlier
    # test (tests/api/test_vacancies.py turns it on where it checks it).
    settings.API_PUBLIC_CACHE_SECONDS = 0
    settings.GEOCODER = "offline"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Personas (healthchecks-style): who may see what -------------------------


@pytest.fixture
def region(db):
    """Two municipalities, each with a village, served by organisation A; a third
    municipality served by organisation B."""
    from demo.factories import MunicipalityFactory, NeighbourhoodFactory, OrganisationFactory

    arnhem = MunicipalityFactory(name="Arnhem")
    rheden = MunicipalityFactory(name="Rheden")
    ede = MunicipalityFactory(name="Ede")
    areas = {
        "Arnhem": NeighbourhoodFactory(
            municipality=arnhem, name="Centrum", kind="wijk", latitude=51.98, longitude=5.91
        ),
        "Velp": NeighbourhoodFactory(municipality=rheden, name="Velp", latitude=51.995, longitude=5.97361),
        "Ede": NeighbourhoodFactory(municipality=ede, name="Ede", latitude=52.04, longitude=5.67),
    }
    org_a = OrganisationFactory(slug="org-a", name="Centrale A", municipalities=[arnhem, rheden])
    org_b = OrganisationFactory(slug="org-b", name="Centrale B", municipalities=[ede])
    return {"arnhem": arnhem, "rheden": rheden, "ede": ede, "areas": areas, "org_a": org_a, "org_b": org_b}


@pytest.fixture
def personas(region):
    from demo.factories import (
        HelpRequestFactory,
        MantelzorgerFactory,
        StaffMembershipFactory,
        UserFactory,
        VolunteerFactory,
    )
    from neighbourhoods.models import StaffMembership

    org_a, org_b = region["org_a"], region["org_b"]
    people = {
        "volunteer": UserFactory(email="vera@example.nl", first_name="Vera"),
        "mantelzorger": UserFactory(email="mark@example.nl", first_name="Mark"),
        "broker_a": UserFactory(email="bea@example.nl", first_name="Bea"),
        "broker_b": UserFactory(email="bob@example.nl", first_name="Bob"),
        "admin_a": UserFactory(email="ada@example.nl", first_name="Ada"),
        "municipality": UserFactory(email="gemeente@example.nl", first_name="Gert"),
        "nobody": UserFactory(email="nina@example.nl", first_name="Nina"),
    }
    VolunteerFactory(user=people["volunteer"], organisation=org_a, neighbourhood=region["areas"]["Velp"])
    mz = MantelzorgerFactory(user=people["mantelzorger"], organisation=org_a)
    HelpRequestFactory(requester=people["mantelzorger"], mantelzorger=mz, organisation=org_a, kind="respite")
    StaffMembershipFactory(user=people["broker_a"], organisation=org_a, role=StaffMembership.Role.BROKER)
    StaffMembershipFactory(user=people["broker_b"], organisation=org_b, role=StaffMembership.Role.BROKER)
    StaffMembershipFactory(user=people["admin_a"], organisation=org_a, role=StaffMembership.Role.ADMIN)
    StaffMembershipFactory(
        user=people["municipality"],
        organisation=org_a,
        role=StaffMembership.Role.MUNICIPALITY,
        municipality=region["arnhem"],
    )
    return people
