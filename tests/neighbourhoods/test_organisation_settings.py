"""The admin's settings page: each field group, the scoping, the change history, the
logo, the working area, staff, and bad input (form errors, nothing half-saved)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.errors import DomainError
from neighbourhoods.models import Organisation, OrganisationChange, StaffMembership
from neighbourhoods.orgsettings import organisation_settings_update
from tests.login import log_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MAIL_SENDER_DOMAINS = ["buurtmakelaar.local", "vc-a.nl"]


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def admin(client, personas):
    log_in(client, personas["admin_a"])
    return personas["admin_a"]


def settings_url(slug="org-a"):
    return reverse("neighbourhoods:settings", kwargs={"slug": slug})


def form_data(org: Organisation, **changes) -> dict:
    data = {
        "name": org.name,
        "email": org.email,
        "phone": org.phone,
        "website": org.website,
        "sender_name": org.sender_name,
        "sender_email": org.sender_email,
        "vog_valid_years": org.vog_valid_years,
        "waiting_flag_days": org.waiting_flag_days,
        "proposal_reminder_days": org.proposal_reminder_days,
        "proposal_alert_days": org.proposal_alert_days,
        "first_checkin_days": org.first_checkin_days,
        "checkin_every_days": org.checkin_every_days,
        "carer_checkin_reminder_days": org.carer_checkin_reminder_days,
    }
    data.update(changes)
    return data


# --- Field groups -------------------------------------------------------------------------


def test_contact_details_are_saved_and_recorded(client, admin, org):
    response = client.post(
        settings_url(),
        form_data(org, name="Centrale A-Noord", phone="026 123 45 67", email="Info@VC-A.nl", website="https://vc-a.nl"),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.phone, org.email, org.website) == (
        "Centrale A-Noord",
        "026 123 45 67",
        "info@vc-a.nl",
        "https://vc-a.nl",
    )
    changes = {
        c.field: (c.old_value, c.new_value, c.changed_by) for c in OrganisationChange.objects.filter(organisation=org)
    }
    assert changes["name"] == ("Centrale A", "Centrale A-Noord", admin)
    assert changes["phone"][1] == "026 123 45 67"
    assert set(changes) == {"name", "phone", "email", "website"}


def test_the_history_is_shown_on_the_page(client, admin, org):
    client.post(settings_url(), form_data(org, phone="026 123 45 67"))
    response = client.get(settings_url())
    [change] = response.context["history"]
    assert (change.label, change.old_value, change.new_value, change.changed_by) == (
        "Telefoon",
        "",
        "026 123 45 67",
        admin,
    )
    html = response.content.decode()
    assert '<th scope="row">Telefoon</th>' in html and "<td>026 123 45 67</td>" in html


def test_saving_without_changes_records_nothing(client, admin, org):
    client.post(settings_url(), form_data(org))
    assert not OrganisationChange.objects.exists()


def test_vog_and_reminders_are_saved(client, admin, org):
    client.post(
        settings_url(),
        form_data(
            org,
            vog_valid_years=2,
            proposal_reminder_days=5,
            proposal_alert_days=10,
            first_checkin_days=21,
            checkin_every_days=60,
            carer_checkin_reminder_days=45,
        ),
    )
    org.refresh_from_db()
    assert (
        org.vog_valid_years,
        org.proposal_reminder_days,
        org.proposal_alert_days,
        org.first_checkin_days,
        org.checkin_every_days,
        org.carer_checkin_reminder_days,
    ) == (2, 5, 10, 21, 60, 45)
    assert OrganisationChange.objects.filter(field="vog_valid_years", old_value="3", new_value="2").exists()


def test_sender_on_an_allowed_domain_is_used_as_from(client, admin, org, django_capture_on_commit_callbacks):
    from notifications.services import notification_deliver, notification_queue

    client.post(settings_url(), form_data(org, sender_name="VC A", sender_email="post@vc-a.nl"))
    org.refresh_from_db()
    assert (org.sender_name, org.sender_email) == ("VC A", "post@vc-a.nl")
    row = notification_queue(
        key="test:sender",
        kind="test",
        category="account",
        to_email="x@example.nl",
        subject="S",
        body="B",
        organisation=org,
    )
    assert notification_deliver(pk=row.pk) == "sent"
    assert mail.outbox[-1].from_email == "VC A <post@vc-a.nl>"


def test_from_falls_back_when_the_domain_is_no_longer_allowed(org, settings):
    from notifications.services import from_address

    org.sender_name, org.sender_email = "VC A", "post@vc-a.nl"
    settings.MAIL_SENDER_DOMAINS = ["buurtmakelaar.local"]
    assert from_address(org) == "VC A <noreply@buurtmakelaar.local>"
    assert from_address(None) == settings.DEFAULT_FROM_EMAIL


def test_reminder_intervals_drive_the_attention_list(org, personas, make_overdue_proposal):
    from matches.attention import Kind, attention_items

    match, now = make_overdue_proposal(days=4)
    assert Kind.PROPOSAL in {i.kind for i in attention_items(organisation=org, now=now)}
    organisation_settings_update(organisation=org, by=personas["admin_a"], values={"proposal_reminder_days": 6})
    org.refresh_from_db()
    assert Kind.PROPOSAL not in {i.kind for i in attention_items(organisation=org, now=now)}


def test_checkin_intervals_drive_the_attention_list(org, personas, region):
    import datetime

    from django.utils import timezone

    from demo.factories import HelpRequestFactory, VolunteerFactory
    from matches.attention import Kind, attention_items
    from matches.models import Match

    now = timezone.now()
    match = Match.objects.create(
        organisation=org,
        request=HelpRequestFactory(organisation=org, status="matched"),
        volunteer=VolunteerFactory(organisation=org, neighbourhood=region["areas"]["Velp"]),
        status="active",
    )
    Match.objects.filter(pk=match.pk).update(activated_at=now - datetime.timedelta(days=20))

    def due() -> bool:
        org.refresh_from_db()
        return Kind.CHECKIN in {i.kind for i in attention_items(organisation=org, now=now)}

    assert due()  # the default: first check-in after 14 days
    organisation_settings_update(organisation=org, by=personas["admin_a"], values={"first_checkin_days": 30})
    assert not due()
    Match.objects.filter(pk=match.pk).update(last_checkin_at=now - datetime.timedelta(days=40))
    assert not due()  # the default: every 91 days
    organisation_settings_update(organisation=org, by=personas["admin_a"], values={"checkin_every_days": 35})
    assert due()


@pytest.fixture
def make_overdue_proposal(org, region):
    from django.utils import timezone

    from demo.factories import HelpRequestFactory, VolunteerFactory
    from matches.models import Match

    def make(*, days):
        request = HelpRequestFactory(organisation=org, status="ready")
        volunteer = VolunteerFactory(organisation=org, neighbourhood=region["areas"]["Velp"])
        match = Match.objects.create(organisation=org, request=request, volunteer=volunteer, status="proposed")
        now = timezone.now()
        Match.objects.filter(pk=match.pk).update(created_at=now - datetime.timedelta(days=days))
        return match, now

    return make


# --- Bad input: a form error, nothing half-saved -----------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"vog_valid_years": 10**12}, "vog_valid_years", "Kies een getal van 1 tot en met 10."),
        ({"vog_valid_years": -1}, "vog_valid_years", "Kies een getal van 1 tot en met 10."),
        ({"checkin_every_days": "veel"}, "checkin_every_days", "Vul een heel getal in."),
        ({"carer_checkin_reminder_days": 13}, "carer_checkin_reminder_days", "Kies een getal van 14 tot en met 365."),
        ({"carer_checkin_reminder_days": 366}, "carer_checkin_reminder_days", "Kies een getal van 14 tot en met 365."),
        ({"carer_checkin_reminder_days": "vaak"}, "carer_checkin_reminder_days", "Vul een heel getal in."),
        ({"name": "   "}, "name", "Vul de naam van de organisatie in."),
        ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
        ({"phone": "bel me"}, "phone", "Vul een telefoonnummer in"),
        ({"website": "javascript:alert(1)"}, "website", "https://"),
        ({"sender_email": "post@gmail.com"}, "sender_email", "Vanaf dit adres kunnen wij geen mail sturen"),
        ({"sender_name": "VC\r\nBcc: x@y.nl"}, "sender_name", "nieuwe regel"),
        ({"proposal_reminder_days": 9, "proposal_alert_days": 4}, "proposal_alert_days", "minstens 9 dagen"),
    ],
)
def test_bad_input_gives_a_form_error_and_saves_nothing(client, admin, org, changes, field, message):
    before = {f: getattr(org, f) for f in form_data(org)}
    response = client.post(settings_url(), form_data(org, **{"phone": "026 999 99 99", **changes}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors.get(field, []))
    org.refresh_from_db()
    assert {f: getattr(org, f) for f in before} == before  # the good phone number was not saved either
    assert not OrganisationChange.objects.exists()


def test_service_refuses_unknown_settings_and_non_admins(org, personas):
    with pytest.raises(DomainError):
        organisation_settings_update(organisation=org, by=personas["admin_a"], values={"slug": "x"})
    with pytest.raises(DomainError, match="Alleen een beheerder"):
        organisation_settings_update(organisation=org, by=personas["broker_a"], values={"phone": "0261234567"})


def test_weights_service_checks_the_numbers(org, personas):
    names = ("distance", "load")
    by = personas["admin_a"]
    for bad, text in [
        ({"distance": -1.0, "load": 1.0}, "van 0 tot en met 100"),
        ({"distance": 1e300, "load": 1.0}, "van 0 tot en met 100"),
        ({"distance": float("nan"), "load": 1.0}, "een getal"),
        ({"distance": 0, "load": 0}, "minstens één gewicht"),
        ({"speed": 1.0}, "Onbekend gewicht"),
    ]:
        with pytest.raises(DomainError, match=text):
            organisation_settings_update(organisation=org, by=by, values={"matching_weights": bad}, weight_names=names)
    org.refresh_from_db()
    assert org.matching_weights == {}


# --- Scoping -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["broker_a", "broker_b", "municipality", "volunteer", "nobody"])
def test_others_get_404(client, personas, org, who):
    log_in(client, personas[who])
    for name in ("settings", "settings_logo", "settings_area_add", "team_invite"):
        response = client.post(reverse(f"neighbourhoods:{name}", kwargs={"slug": "org-a"}), form_data(org))
        assert response.status_code == 404, name
    assert client.get(settings_url()).status_code == 404
    org.refresh_from_db()
    assert org.name == "Centrale A"


def test_admin_of_another_organisation_gets_404(client, region, personas, org):
    from demo.factories import StaffMembershipFactory, UserFactory

    other = UserFactory(email="admin-b@example.nl")
    StaffMembershipFactory(user=other, organisation=region["org_b"], role=StaffMembership.Role.ADMIN)
    log_in(client, other)
    assert client.get(settings_url()).status_code == 404
    assert client.post(settings_url(), form_data(org, name="Overgenomen")).status_code == 404
    assert client.get(settings_url("org-b")).status_code == 200


def test_anonymous_is_sent_to_login(client, region):
    response = client.get(settings_url())
    assert response.status_code == 302 and "login" in response["Location"]


# --- Logo ----------------------------------------------------------------------------------


def test_logo_upload_is_stored_shown_and_served_to_staff_only(client, admin, org, personas):
    response = client.post(
        reverse("neighbourhoods:settings_logo", kwargs={"slug": "org-a"}),
        {"logo": SimpleUploadedFile("logo.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name == "logos/org-a.png"
    logo_url = reverse("neighbourhoods:logo", kwargs={"slug": "org-a"})
    assert logo_url in client.get(reverse("home")).content.decode()  # in the page header
    served = client.get(logo_url)
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG
    assert OrganisationChange.objects.filter(field="logo", new_value="org-a.png").exists()
    log_in(client, personas["broker_b"])
    assert client.get(logo_url).status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (SVG, "logo.svg", "PNG- of JPEG"),
        (b"GIF89a" + b"\x00" * 20, "logo.png", "PNG- of JPEG"),  # the name lies
        (PNG + b"\x00" * (1024 * 1024), "big.png", "te groot"),
        (b"", "leeg.png", "leeg"),
    ],
)
def test_bad_logo_files_are_refused(client, admin, org, content, name, message):
    response = client.post(
        reverse("neighbourhoods:settings_logo", kwargs={"slug": "org-a"}),
        {"logo": SimpleUploadedFile(name, content, content_type="image/png")},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["logo_form"].errors["logo"])
    org.refresh_from_db()
    assert not org.logo
    assert not OrganisationChange.objects.exists()


def test_jpeg_logo_replaces_and_remove_takes_it_away(client, admin, org):
    url = reverse("neighbourhoods:settings_logo", kwargs={"slug": "org-a"})
    client.post(url, {"logo": SimpleUploadedFile("a.png", PNG)})
    client.post(url, {"logo": SimpleUploadedFile("b.jpg", JPEG)})
    org.refresh_from_db()
    assert org.logo.name == "logos/org-a.jpg"
    client.post(url, {"remove": "1"})
    org.refresh_from_db()
    assert not org.logo
    assert list(OrganisationChange.objects.filter(field="logo").order_by("pk").values_list("new_value", flat=True)) == [
        "org-a.png",
        "org-a.jpg",
        "",
    ]


# --- Working area --------------------------------------------------------------------------


def test_admin_adds_a_free_municipality_with_its_villages(client, admin, org):
    response = client.post(
        reverse("neighbourhoods:settings_area_add", kwargs={"slug": "org-a"}), {"municipality": "Stadskanaal"}
    )
    assert response.status_code == 302
    municipality = org.municipalities.get(name="Stadskanaal")
    assert municipality.code == "GM0037"
    assert municipality.neighbourhoods.filter(kind="kern").exists()
    assert OrganisationChange.objects.filter(field="municipality", new_value="Stadskanaal").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Boxmeer", "Land van Cuijk"),
        ("Stadskanaaal", "Bedoelt u"),
        ("", "Vul de naam van een gemeente in."),
        ("Rheden", "hoort al bij uw werkgebied"),
    ],
)
def test_bad_municipality_names_say_why(client, admin, org, name, message):
    count = org.municipalities.count()
    response = client.post(
        reverse("neighbourhoods:settings_area_add", kwargs={"slug": "org-a"}), {"municipality": name}
    )
    assert response.status_code == 400
    assert message in str(response.context["area_form"].errors)
    assert org.municipalities.count() == count


def test_a_municipality_of_another_organisation_is_for_a_superuser_only(client, admin, org, region):
    from neighbourhoods.orgsettings import organisation_municipality_add

    region["ede"].code = "GM0228"
    region["ede"].save()
    response = client.post(
        reverse("neighbourhoods:settings_area_add", kwargs={"slug": "org-a"}), {"municipality": "Ede"}
    )
    assert response.status_code == 400
    assert "andere organisatie" in str(response.context["area_form"].errors)
    assert not org.municipalities.filter(name="Ede").exists()

    from demo.factories import UserFactory

    root = UserFactory(email="root@example.nl", is_superuser=True, is_staff=True)
    organisation_municipality_add(organisation=org, by=root, name="Ede")
    assert org.municipalities.filter(name="Ede").exists()


def test_remove_a_municipality_but_not_the_one_a_viewer_uses(client, admin, org, region):
    url = reverse("neighbourhoods:settings_area_remove", kwargs={"slug": "org-a", "pk": region["arnhem"].pk})
    response = client.post(url, follow=True)
    assert "Iemand van gemeente Arnhem kijkt mee" in response.content.decode()  # the viewer looks at Arnhem
    assert org.municipalities.filter(pk=region["arnhem"].pk).exists()
    url = reverse("neighbourhoods:settings_area_remove", kwargs={"slug": "org-a", "pk": region["rheden"].pk})
    assert client.post(url).status_code == 302
    assert not org.municipalities.filter(pk=region["rheden"].pk).exists()
    assert OrganisationChange.objects.filter(field="municipality", old_value="Rheden", new_value="").exists()
    # Another organisation's municipality is not in this area: 404.
    url = reverse("neighbourhoods:settings_area_remove", kwargs={"slug": "org-a", "pk": region["ede"].pk})
    assert client.post(url).status_code == 404


# --- Staff ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_invite_a_new_broker_by_mail(client, admin, org):
    from notifications.models import Notification

    response = client.post(
        reverse("neighbourhoods:team_invite", kwargs={"slug": "org-a"}), {"email": "Nieuw@Example.nl", "role": "broker"}
    )
    assert response.status_code == 302
    membership = StaffMembership.objects.get(user__email="nieuw@example.nl", organisation=org)
    assert membership.role == "broker"
    assert not membership.user.has_usable_password()
    invite = Notification.objects.get(kind="staff_invite", to_email="nieuw@example.nl")
    assert invite.organisation == org
    [sent] = [m for m in mail.outbox if m.to == ["nieuw@example.nl"]]
    assert "http://testserver/accounts/password/reset/key/" in sent.body
    assert OrganisationChange.objects.filter(field="staff", new_value__startswith="nieuw@example.nl").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "geen-adres", "role": "broker"}, "email", "geldig e-mailadres"),
        ({"email": "x@example.nl", "role": "god"}, "role", "Kies een rol uit de lijst."),
        ({"email": "x@example.nl", "role": "municipality"}, "municipality", "Kies de gemeente"),
        ({"email": "bea@example.nl", "role": "broker"}, "email", "heeft deze rol al"),
    ],
)
def test_invite_bad_input(client, admin, org, region, data, field, message):
    count = StaffMembership.objects.count()
    response = client.post(reverse("neighbourhoods:team_invite", kwargs={"slug": "org-a"}), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["invite_form"].errors.get(field, []))
    assert StaffMembership.objects.count() == count


def test_municipality_viewer_only_for_a_municipality_in_the_area(client, admin, org, region):
    response = client.post(
        reverse("neighbourhoods:team_invite", kwargs={"slug": "org-a"}),
        {"email": "g@example.nl", "role": "municipality", "municipality": region["ede"].pk},
    )
    assert response.status_code == 400
    assert not StaffMembership.objects.filter(user__email="g@example.nl").exists()


def test_the_last_admin_stays(client, admin, org):
    membership = StaffMembership.objects.get(user=admin, organisation=org, role="admin")
    response = client.post(reverse("neighbourhoods:team_remove", kwargs={"slug": "org-a", "pk": membership.pk}))
    assert response.status_code == 302
    assert StaffMembership.objects.filter(pk=membership.pk).exists()


def test_remove_a_role_is_recorded_and_scoped(client, admin, org, personas, region):
    bea = StaffMembership.objects.get(user=personas["broker_a"], organisation=org)
    client.post(reverse("neighbourhoods:team_remove", kwargs={"slug": "org-a", "pk": bea.pk}))
    assert not StaffMembership.objects.filter(pk=bea.pk).exists()
    assert OrganisationChange.objects.filter(field="staff", old_value__startswith="bea@example.nl").exists()
    bob = StaffMembership.objects.get(user=personas["broker_b"])
    response = client.post(reverse("neighbourhoods:team_remove", kwargs={"slug": "org-a", "pk": bob.pk}))
    assert response.status_code == 404
    assert StaffMembership.objects.filter(pk=bob.pk).exists()
