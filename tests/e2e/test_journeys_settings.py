"""Browser journey of the organisation admin: change a setting on the settings page,
see the change in the history, and get a clear error for bad input."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, make_user, shot

pytestmark = pytest.mark.e2e


def test_admin_changes_a_setting_and_sees_it_in_the_history(page: Page, transactional_db):
    from demo.factories import MunicipalityFactory, OrganisationFactory
    from neighbourhoods.models import Organisation, OrganisationChange, StaffMembership

    organisation = OrganisationFactory(
        slug="vc-test", name="Vrijwilligerscentrale Test", municipalities=[MunicipalityFactory(name="Stadskanaal")]
    )
    admin = make_user("beheer@vc-test.example")
    StaffMembership.objects.create(user=admin, organisation=organisation, role=StaffMembership.Role.ADMIN)
    # Staff log in with two steps: the shared log_in types the code of the demo's app.
    from django.conf import settings

    from demo.people import demo_totp_ensure

    demo_totp_ensure(user=admin, secret=settings.DEMO_TOTP_SECRET)

    log_in(page, admin.email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Instellingen").click()
    expect(page).to_have_url(re.compile(r"/organisatie/vc-test/instellingen/$"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Er is nog niets veranderd.")

    # Bad input first: a clear error, nothing saved.
    main.get_by_label("Een VOG is geldig (jaren)").fill("999999")
    main.get_by_role("button", name="Instellingen opslaan").click()
    expect(main.get_by_role("alert")).to_contain_text("Kies een getal van 1 tot en met 10.")
    shot(page, "settings-1-error")

    main.get_by_label("Een VOG is geldig (jaren)").fill("5")
    main.get_by_label("Telefoon").fill("0599 123 456")
    main.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_text("De instellingen zijn opgeslagen.")).to_be_visible()
    history = main.get_by_role("table", name="Wie veranderde wat, en wanneer")
    expect(history.get_by_role("row", name=re.compile("Telefoon"))).to_contain_text("0599 123 456")
    expect(history.get_by_role("row", name=re.compile("VOG geldig"))).to_contain_text("5")
    expect(history).to_contain_text("beheer@vc-test.example")
    shot(page, "settings-2-history")

    organisation = Organisation.objects.get(pk=organisation.pk)
    assert (organisation.vog_valid_years, organisation.phone) == (5, "0599 123 456")
    assert OrganisationChange.objects.filter(organisation=organisation, changed_by=admin).count() == 2
