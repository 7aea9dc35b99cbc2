"""Import the CBS wijken and buurten of one municipality:

    manage.py import_wijken --municipality Stadskanaal --file wijkenbuurten_2024.geojson
    manage.py import_wijken --municipality Stadskanaal --file wijkenbuurten_2024.gpkg
    manage.py import_wijken --municipality Stadskanaal --pdok [--year 2024]

The file is CBS's "Wijk- en buurtkaart" (GeoJSON or GeoPackage, RD New or WGS84);
only the rows of the municipality are needed, but a file of the whole country works
too (the others are left out). ``--pdok`` asks PDOK's public WFS service (needs
internet). Updates by CBS code, so running it again with a newer year updates names
and shapes. A broken file, or one of another municipality, imports nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.errors import DomainError
from neighbourhoods.municipalities import get_register
from neighbourhoods.selectors import municipality_lookup_message, municipality_resolve
from neighbourhoods.services import municipality_ensure, wijken_import
from neighbourhoods.wijken import PDOK_DEFAULT_YEAR, WijkFileError, fetch_pdok, of_municipality, read_file


class Command(BaseCommand):
    help = "Import a municipality's CBS wijken and buurten from a GeoJSON/GeoPackage file or from PDOK."

    # Tests replace this with a recorded response; see neighbourhoods.wijken.fetch_pdok.
    pdok_opener = None

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="the municipality's name or CBS code (GM0037)")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", help="CBS wijk- en buurtkaart as .geojson or .gpkg")
        source.add_argument("--pdok", action="store_true", help="download from PDOK (needs internet)")
        parser.add_argument("--year", type=int, default=PDOK_DEFAULT_YEAR, help="year of the PDOK data set")

    def handle(self, *args, **options):
        name = options["municipality"]
        municipality = municipality_resolve(name)
        lookup = get_register().lookup(name)
        if municipality is None and lookup.municipality is not None and not lookup.is_former:
            municipality = municipality_ensure(current=lookup.municipality)  # not in a working area yet
        if municipality is None:
            raise CommandError(municipality_lookup_message(name))
        if not municipality.code and lookup.municipality is not None and not lookup.is_former:
            municipality = municipality_ensure(current=lookup.municipality)  # a row made by hand: add its code
        if not municipality.code:
            raise CommandError(
                _("Gemeente %(name)s heeft geen CBS-code; zet eerst het werkgebied op met organisation_setup.")
                % {"name": municipality.name}
            )
        try:
            if options["pdok"]:
                records = fetch_pdok(municipality_code=municipality.code, year=options["year"], opener=self.pdok_opener)
            else:
                records = read_file(options["file"])
        except WijkFileError as error:
            raise CommandError(_("Niets ingelezen: %(reason)s") % {"reason": error})
        if options["file"]:
            # A file of the whole country (or a province) is fine: keep this municipality's rows,
            # unless the file has none of them at all.
            mine, _other = of_municipality(records, municipality.code)
            records = mine or records
        try:
            result = wijken_import(municipality=municipality, records=records)
        except DomainError as error:
            raise CommandError(error.message)
        self.stdout.write(
            _("%(name)s: %(created)d wijken en buurten nieuw, %(updated)d bijgewerkt.")
            % {"name": municipality.name, "created": result.created, "updated": result.updated}
        )
