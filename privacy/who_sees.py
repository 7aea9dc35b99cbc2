"""Who sees what of a person's data: the table on the privacy page.

The roles of each row are the constants the views check, not a copy of them:
``StaffMembership.CARE_FILE_ROLES`` (the intake desk, the broker's privacy page),
``StaffMembership.CASEWORK_ROLES`` (volunteers, matches, suggestions, batch rounds,
the attention list, the start page), the same plus the municipality viewer for the
figures (``neighbourhoods.selectors.report_access``) and the privacy officer for the
access log (``audit.views``). ``tests/privacy/test_who_sees.py`` checks every row
against the authorization matrix of ``tests/security``, so the page cannot promise
more or less than the code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from neighbourhoods.models import StaffMembership


@dataclass(frozen=True)
class Sight:
    code: str
    what: Any  # lazy text
    roles: tuple[str, ...]  # StaffMembership.Role values

    @property
    def role_labels(self) -> list[str]:
        return [StaffMembership.Role(role).label for role in self.roles]


WHO_SEES: tuple[Sight, ...] = (
    Sight(
        "care_file",
        _(
            "Uw hulpvraag helemaal: wat u zelf schreef, uw adres, de gegevens over wie u verzorgt, "
            "hoe zwaar de zorg is en de aantekeningen van het gesprek met de makelaar."
        ),
        tuple(StaffMembership.CARE_FILE_ROLES),
    ),
    Sight(
        "casework",
        _(
            "De gegevens van vrijwilligers (naam, contact, adres, wat ze doen en wanneer, tot wanneer de VOG "
            "geldt), de koppelingen (wie helpt wie, de uren, de evaluatie) en de voorstellen bij een hulpvraag, "
            "met de voornaam van wie hulp vraagt en wat voor hulp het is. Niet het zorgdossier."
        ),
        tuple(StaffMembership.CASEWORK_ROLES),
    ),
    Sight(
        "messages",
        _(
            "De berichten bij een koppeling: de makelaars van de centrale lezen ze, en elke keer dat zij ze "
            "openen staat in het logboek. Niemand anders van de centrale."
        ),
        tuple(StaffMembership.CARE_FILE_ROLES),
    ),
    Sight(
        "figures",
        _(
            "Cijfers per buurt en maand, zonder namen of adressen. Kleine aantallen (minder dan 10) laten we "
            "niet precies zien. De gemeente ziet alleen de cijfers van de eigen gemeente."
        ),
        tuple(StaffMembership.CASEWORK_ROLES) + (StaffMembership.Role.MUNICIPALITY,),
    ),
    Sight(
        "access_log",
        _("Het logboek: wie welk zorgdossier opende, wanneer, en vanaf welk netwerk."),
        (StaffMembership.Role.PRIVACY_OFFICER,),
    ),
)
