"""Set up a volunteer centre from start to finish:

    manage.py organisation_setup --name "Vrijwilligerscentrale Stadskanaal" --slug vc-stadskanaal \\
        --municipalities "Stadskanaal,Westerwolde" --admin beheer@example.nl

Creates or updates the organisation, its working area (the municipalities as they are
now, with their villages from the offline gazetteer and the wijken and buurten that
``import_wijken`` brought in) and its first admin, who gets an e-mail with a link to
choose a password. Run it again to change the name or add a municipality: it updates
and never duplicates. A municipality name that no longer exists ("Vlagtwedde") or is
unknown or ambiguous stops it with what is meant now; nothing is written then.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.errors import DomainError
from neighbourhoods.services import organisation_setup


class Command(BaseCommand):
    help = "Create or update an organisation, its working area (municipalities, villages, wijken) and its first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the organisation's name")
        parser.add_argument("--slug", required=True, help="short name in web addresses, e.g. vc-stadskanaal")
        parser.add_argument(
            "--municipalities",
            required=True,
            help='comma-separated municipality names or CBS codes: "Stadskanaal,GM1950"',
        )
        parser.add_argument("--admin", required=True, metavar="EMAIL", help="e-mail address of the first admin")

    def handle(self, *args, **options):
        try:
            result = organisation_setup(
                name=options["name"],
                slug=options["slug"],
                municipality_names=options["municipalities"].split(","),
                admin_email=options["admin"],
            )
        except DomainError as error:
            for line in error.message.splitlines():
                self.stderr.write(line)
            raise CommandError(_("Er is niets veranderd."))
        organisation = result.organisation
        self.stdout.write(
            (
                _("Organisatie %(name)s (%(slug)s) is aangemaakt.")
                if result.organisation_created
                else _("Organisatie %(name)s (%(slug)s) is bijgewerkt.")
            )  # fmt: skip
            % {"name": organisation.name, "slug": organisation.slug}
        )
        for area in result.areas:
            self.stdout.write(
                _("%(name)s (%(code)s): %(kernen)d dorpen en kernen, %(wijken)d wijken, %(buurten)d buurten.")
                % {
                    "name": area.municipality.name,
                    "code": area.municipality.code,
                    "kernen": area.kernen,
                    "wijken": area.wijken,
                    "buurten": area.buurten,
                }
            )
            if not area.buurten:
                self.stdout.write(
                    _('  Nog geen wijken en buurten: lees ze in met import_wijken --municipality "%(name)s".')
                    % {"name": area.municipality.name}
                )
        for municipality, other in result.shared_with:
            self.stdout.write(
                _("Let op: %(other)s werkt ook in %(name)s. Elke organisatie ziet alleen haar eigen mensen.")
                % {"other": other, "name": municipality.name}
            )
        if result.invited:
            self.stdout.write(
                _("Beheerder %(email)s krijgt een e-mail met een link om een wachtwoord te kiezen.")
                % {"email": result.admin.email}
            )
        else:
            self.stdout.write(
                _("Beheerder %(email)s heeft al een wachtwoord en kan inloggen.") % {"email": result.admin.email}
            )
