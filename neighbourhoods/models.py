"""Geography (municipalities, neighbourhoods, villages) and the organisations that
serve them, with their staff."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.geo import Point


class Municipality(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    province = models.CharField(_("provincie"), max_length=50, blank=True)
    # CBS code ("GM0037"); empty for a municipality that no longer exists (a demo
    # may keep Rijnwaarden) or that was typed by hand.
    code = models.CharField(_("CBS-code"), max_length=6, blank=True, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="unique_municipality_code"),
        ]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """The organising scale: a wijk or buurt in a town, or a village (kern)."""

    class Kind(models.TextChoices):
        WIJK = "wijk", _("wijk")
        BUURT = "buurt", _("buurt")
        KERN = "kern", _("dorp of kern")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="neighbourhoods")
    name = models.CharField(_("naam"), max_length=100)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.KERN)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("ligt in")
    )
    latitude = models.FloatField(_("breedtegraad"))
    longitude = models.FloatField(_("lengtegraad"))
    # Optional GeoJSON Polygon or MultiPolygon (lon, lat order, as GeoJSON says).
    boundary = models.JSONField(_("grens (GeoJSON)"), null=True, blank=True)
    # CBS code of a wijk ("WK003700") or buurt ("BU00370000"); empty for a kern.
    code = models.CharField(_("CBS-code"), max_length=10, blank=True, default="")

    class Meta:
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="unique_neighbourhood_code"),
            models.UniqueConstraint(fields=["municipality", "name", "kind"], name="unique_neighbourhood_name"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="neighbourhood_coordinates_in_range",
            ),
        ]
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"

    @property
    def centroid(self) -> Point:
        return Point(self.latitude, self.longitude)

    def clean(self) -> None:
        if self.boundary is not None:
            kind = self.boundary.get("type") if isinstance(self.boundary, dict) else None
            if kind not in {"Polygon", "MultiPolygon"}:
                raise ValidationError({"boundary": _("De grens moet een GeoJSON Polygon of MultiPolygon zijn.")})


class Organisation(models.Model):
    """A volunteer centre (vrijwilligerscentrale, welzijnsorganisatie)."""

    name = models.CharField(_("naam"), max_length=150)
    slug = models.SlugField(_("korte naam"), max_length=60, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", blank=True, verbose_name=_("werkgebied (gemeenten)")
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    vog_valid_years = models.PositiveSmallIntegerField(
        _("VOG geldig (jaren)"), default=3, help_text=_("Hoe lang een VOG geldig blijft na de datum van afgifte.")
    )
    waiting_flag_days = models.PositiveSmallIntegerField(
        _("lang wachten na (dagen)"), default=14, help_text=_("Vragen die langer wachten krijgen een markering.")
    )
    # Weights of the matching score parts; missing keys take the engine's defaults.
    matching_weights = models.JSONField(_("gewichten bij het koppelen"), default=dict, blank=True)
    # The From of the organisation's mails; empty = the site's DEFAULT_FROM_EMAIL. The
    # address must be on a domain the mail server may send for (MAIL_SENDER_DOMAINS).
    sender_name = models.CharField(_("naam van de afzender"), max_length=100, blank=True)
    sender_email = models.EmailField(_("e-mailadres van de afzender"), blank=True)
    # PNG or JPEG (never SVG: it can carry scripts), at most 1 MB; served by a view to
    # the organisation's staff, never straight from MEDIA_ROOT.
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    # Reminder intervals (matches.attention and matches.mails read them).
    proposal_reminder_days = models.PositiveSmallIntegerField(
        _("herinnering aan de vrijwilliger na (dagen)"), default=3
    )
    proposal_alert_days = models.PositiveSmallIntegerField(_("seintje aan de makelaar na (dagen)"), default=7)
    first_checkin_days = models.PositiveSmallIntegerField(_("eerste check-in na (dagen)"), default=14)
    checkin_every_days = models.PositiveSmallIntegerField(_("daarna check-in elke (dagen)"), default=91)
    # True from ``organisation_setup`` giving a new organisation its first admin until
    # that admin finishes the guided set-up (``orgsettings.organisation_setup_finish``);
    # until then the admin's start page leads to the set-up's checklist. Organisations
    # made any other way (the demo, imports, the Django admin) never ask for it.
    setup_pending = models.BooleanField(_("eerste inrichting nog niet klaar"), default=False)
    # How often a carer is asked by e-mail how heavy care feels now (matches.mails).
    carer_checkin_reminder_days = models.PositiveSmallIntegerField(
        _("mantelzorger vragen hoe het gaat, elke (dagen)"), default=91
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class OrganisationChange(models.Model):
    """One change of an organisation's settings: who, when, which setting, the old and
    the new value (as text, as the settings page showed them)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A field name ("phone", "weight:distance", "municipality", "staff") - a code, so
    # the history is rendered in the reader's language.
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("wijziging van de instellingen")
        verbose_name_plural = _("wijzigingen van de instellingen")

    def __str__(self) -> str:
        return f"{self.organisation} {self.field}: {self.old_value} -> {self.new_value}"


class MunicipalityFrontDoor(models.Model):
    """The municipality's own front door for questions beyond volunteers: its Wmo-loket
    or sociaal wijkteam. Kept per municipality of its working area by the organisation's
    admin (``orgsettings.front_door_update``) and shown with the postcode lookup.
    Public contact details of an office, never a person's."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="front_doors")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="front_doors")
    name = models.CharField(_("naam van het loket of wijkteam"), max_length=150)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    opening_hours = models.TextField(_("wanneer bereikbaar"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "municipality"], name="unique_front_door_per_municipality"),
        ]
        verbose_name = _("Wmo-loket of wijkteam")
        verbose_name_plural = _("Wmo-loketten en wijkteams")

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class CarerAppreciation(models.Model):
    """The municipality's appreciation of mantelzorgers (mantelzorgwaardering: a yearly
    gift or voucher most municipalities give) and the organisation's yearly thank-you:
    a short text and a link where to apply, kept per municipality of the working area
    by the organisation's admin (``orgsettings.carer_appreciation_update``) and shown on
    the start page of the carers who live there. General information, never a person's."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="carer_appreciations")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="carer_appreciations")
    text = models.TextField(_("tekst voor mantelzorgers"), max_length=1000)
    link = models.URLField(_("link om de mantelzorgwaardering aan te vragen"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "municipality"], name="unique_carer_appreciation_per_municipality"
            ),
        ]
        verbose_name = _("mantelzorgwaardering")
        verbose_name_plural = _("mantelzorgwaarderingen")

    def __str__(self) -> str:
        return f"{self.municipality}"


class StaffMembership(models.Model):
    """A person's role at an organisation. Every staff view is scoped by these rows."""

    class Role(models.TextChoices):
        BROKER = "broker", _("makelaar")
        ADMIN = "admin", _("beheerder")
        MUNICIPALITY = "municipality", _("gemeente (alleen cijfers)")
        # Reads the organisation's access log of care data (NEN 7513); nothing else.
        PRIVACY_OFFICER = "privacy_officer", _("privacy officer (inzagelog)")

    # Roles that work with people's files: brokers, and admins (who can also broker).
    CASEWORK_ROLES = (Role.BROKER, Role.ADMIN)
    # Roles that open care files (the intake desk: requests with the person cared for,
    # burden check-ins, intake notes): brokers only, as the privacy page says. An
    # admin who does casework too holds the broker role as well.
    CARE_FILE_ROLES = (Role.BROKER,)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    # A municipality viewer sees the figures of one municipality only.
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("gemeente")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
            models.CheckConstraint(
                condition=~models.Q(role="municipality") | models.Q(municipality__isnull=False),
                name="municipality_viewer_has_municipality",
            ),
        ]
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    def clean(self) -> None:
        if self.role == self.Role.MUNICIPALITY and not self.municipality_id:
            raise ValidationError({"municipality": _("Kies de gemeente waarvan deze persoon de cijfers ziet.")})
        if (
            self.municipality_id
            and self.organisation_id
            and not self.organisation.municipalities.filter(pk=self.municipality_id).exists()
        ):
            raise ValidationError({"municipality": _("Deze gemeente hoort niet bij het werkgebied.")})


# The default catalogue. Codes are stable (imports and the API use them); labels
# are translated.
DEFAULT_SKILLS: dict[str, str] = {
    "companionship": _("gezelschap"),
    "respite": _("respijtzorg (oppassen bij de zorgvrager)"),
    "shopping": _("boodschappen"),
    "transport": _("vervoer"),
    "odd_jobs": _("klussen"),
    "gardening": _("tuin"),
    "paperwork": _("administratie"),
    "digital": _("digitale hulp"),
    "walking": _("wandelen"),
    "cooking": _("maaltijden"),
    "language": _("taalmaatje"),
    "dementia": _("ervaring met dementie"),
}


class Skill(models.Model):
    """Something a volunteer likes to do. ``organisation`` empty = default catalogue."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="skills"
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("omschrijving"), max_length=100)

    class Meta:
        db_table = "volunteers_skill"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_skill_code_per_organisation"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(organisation__isnull=True), name="unique_default_skill_code"
            ),
        ]
        verbose_name = _("vaardigheid")
        verbose_name_plural = _("vaardigheden")

    def __str__(self) -> str:
        return str(self.display_label)

    @property
    def display_label(self) -> str:
        """The translated label for default codes, the organisation's own text otherwise."""
        if self.organisation_id is None and self.code in DEFAULT_SKILLS:
            return str(DEFAULT_SKILLS[self.code])
        return self.label
