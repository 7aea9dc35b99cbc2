"""``manage.py organisation_setup``: organisation, working area and first admin."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from neighbourhoods.models import Municipality, Neighbourhood, Organisation, StaffMembership
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)  # the invitation goes out on commit

ADMIN = "beheer@vc-stadskanaal.example"


def setup(
    *, municipalities="Stadskanaal", name="Vrijwilligerscentrale Stadskanaal", admin=ADMIN, slug="vc-stadskanaal"
):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "organisation_setup",
        "--name",
        name,
        "--slug",
        slug,
        "--municipalities",
        municipalities,
        "--admin",
        admin,
        stdout=out,
        stderr=err,
    )
    return out.getvalue()


def failing_setup(**kwargs):
    err = io.StringIO()
    with pytest.raises(CommandError, match="niets veranderd") as failure:
        call_command(
            "organisation_setup",
            "--name",
            kwargs.get("name", "VC"),
            "--slug",
            kwargs.get("slug", "vc"),
            "--municipalities",
            kwargs.get("municipalities", "Stadskanaal"),
            "--admin",
            kwargs.get("admin", ADMIN),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert failure.value.returncode == 1
    return err.getvalue()


def snapshot():
    return (
        Organisation.objects.count(),
        Municipality.objects.count(),
        Neighbourhood.objects.count(),
        User.objects.count(),
        StaffMembership.objects.count(),
        EmailAddress.objects.count(),
    )


def test_sets_up_organisation_area_and_admin():
    output = setup(municipalities="Stadskanaal, Westerwolde")
    organisation = Organisation.objects.get(slug="vc-stadskanaal")
    assert organisation.name == "Vrijwilligerscentrale Stadskanaal"
    area = {m.name: m.code for m in organisation.municipalities.all()}
    assert area == {"Stadskanaal": "GM0037", "Westerwolde": "GM1950"}
    villages = set(
        Neighbourhood.objects.filter(municipality__code="GM1950", kind="kern").values_list("name", flat=True)
    )
    assert {"Ter Apel", "Vlagtwedde", "Sellingen", "Bourtange"} <= villages
    assert Neighbourhood.objects.filter(municipality__code="GM0037", name="Stadskanaal", kind="kern").exists()
    admin = User.objects.get(email=ADMIN)
    assert not admin.has_usable_password()
    assert StaffMembership.objects.filter(user=admin, organisation=organisation, role="admin").exists()
    assert EmailAddress.objects.get(user=admin).verified
    assert "Westerwolde (GM1950)" in output and "import_wijken" in output
    assert f"Beheerder {ADMIN} krijgt een e-mail" in output


def test_invitation_link_lets_the_admin_choose_a_password_and_log_in(client):
    setup()
    assert Notification.objects.filter(kind="staff_invite", to_email=ADMIN).count() == 1
    [invite] = [m for m in mail.outbox if m.to == [ADMIN]]
    assert "beheerder van Vrijwilligerscentrale Stadskanaal" in invite.subject
    path = re.search(r"https?://[^/\s]+(/accounts/\S+)", invite.body).group(1)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else path,
        {"password1": "Veenkoloniën-2026-sterk", "password2": "Veenkoloniën-2026-sterk"},
    )
    assert response.status_code == 302
    response = client.post(reverse("account_login"), {"login": ADMIN, "password": "Veenkoloniën-2026-sterk"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    # Once the password is chosen, running set-up again sends no new invitation.
    mail.outbox.clear()
    output = setup()
    assert mail.outbox == []
    assert "heeft al een wachtwoord" in output


def test_running_again_updates_and_never_duplicates():
    setup()
    before = snapshot()
    output = setup(name="Welzijn Stadskanaal")
    assert snapshot() == before
    assert Organisation.objects.get(slug="vc-stadskanaal").name == "Welzijn Stadskanaal"
    assert "is bijgewerkt" in output
    # Not yet logged in: a fresh link goes out again.
    assert Notification.objects.filter(kind="staff_invite").count() == 2
    # Adding a municipality adds, and keeps the first one.
    setup(municipalities="Westerwolde")
    assert set(Organisation.objects.get().municipalities.values_list("code", flat=True)) == {"GM0037", "GM1950"}


def test_existing_user_becomes_admin_without_a_new_account():
    user = User.objects.create_user(email=ADMIN, password="Al-een-wachtwoord-2026")
    setup()
    assert User.objects.count() == 1
    assert StaffMembership.objects.get(user=user).role == "admin"
    assert user.check_password("Al-een-wachtwoord-2026")
    assert not Notification.objects.filter(kind="staff_invite").exists()


def test_wijken_imported_before_are_part_of_the_area():
    from pathlib import Path

    call_command(
        "import_wijken",
        "--municipality",
        "Stadskanaal",
        "--file",
        str(Path(__file__).parent / "fixtures" / "wijkenbuurten_stadskanaal_rd.geojson"),
        stdout=io.StringIO(),
    )
    output = setup()
    assert "Stadskanaal (GM0037):" in output and "2 wijken, 3 buurten" in output
    assert Municipality.objects.filter(code="GM0037").count() == 1


@pytest.mark.parametrize(
    ("municipalities", "message"),
    [
        ("Stadskanaal,Vlagtwedde", "Vlagtwedde is sinds 2018 onderdeel van Westerwolde."),
        ("Boxmeer", "Boxmeer is sinds 2022 onderdeel van Land van Cuijk."),
        ("Haaren", "Haaren is in 2021 verdeeld over Oisterwijk, Boxtel, Tilburg, Vught."),
        ("Bergen", "Er zijn meer gemeenten die Bergen heten: Bergen (NH.), Bergen (L.)."),
        ("Stadskanal", "Gemeente Stadskanal kennen we niet. Bedoelt u: Stadskanaal?"),
        ("Atlantis", "Gemeente Atlantis kennen we niet."),
        (" , ", "Geef minstens één gemeente."),
    ],
)
def test_unknown_former_or_ambiguous_municipality_changes_nothing(municipalities, message):
    err = failing_setup(municipalities=municipalities)
    assert message in err
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_every_problem_is_listed_at_once():
    err = failing_setup(slug="Niet Goed!", admin="geen-adres", municipalities="Vlagtwedde")
    assert "geen geldige korte naam" in err
    assert "'geen-adres' is geen geldig e-mailadres" in err
    assert "onderdeel van Westerwolde" in err
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_cbs_code_and_other_spellings_are_accepted():
    setup(municipalities="GM0037,den haag")
    assert set(Organisation.objects.get().municipalities.values_list("name", flat=True)) == {
        "Stadskanaal",
        "'s-Gravenhage",
    }


def test_a_municipality_another_organisation_serves_is_noted():
    setup()
    output = setup(slug="welzijn-oost", name="Welzijn Oost", admin="b@welzijn.example")
    assert "Let op: Vrijwilligerscentrale Stadskanaal werkt ook in Stadskanaal" in output


def test_merger_notes_are_translated():
    from django.utils import translation

    from neighbourhoods.selectors import municipality_lookup_message

    with translation.override("en"):
        assert municipality_lookup_message("Boxmeer") == "Boxmeer has been part of Land van Cuijk since 2022."
        assert municipality_lookup_message("Stadskanal") == (
            "We don't know the municipality Stadskanal. Did you mean: Stadskanaal?"
        )


def test_a_clash_with_a_parallel_set_up_is_a_message_not_a_crash(monkeypatch):
    from django.db import IntegrityError

    from neighbourhoods import services

    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: neighbourhoods_organisation.slug")

    monkeypatch.setattr(services, "_organisation_setup", clash)
    err = failing_setup()
    assert "tegelijk een andere set-up" in err
