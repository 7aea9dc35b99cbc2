"""The retention schedule: how long each kind of record is kept, counted from which
moment, and what happens then. The one place for it: ``privacy.retention`` does what
it says, the privacy page (``templates/privacy/_retention.html``) shows it, and the
organisation's settings (``privacy.models.RetentionSettings``) may move a period only
between its bounds.

Periods are whole months (a year is 12), except the sent-mail record, which keeps the
project-wide ``NOTIFICATION_RETENTION_DAYS``. The bounds: the lower one is what the
work still needs (a request can be reopened or questioned within a year; figures are
delivered to the municipality per year and checked afterwards; the access log is
kept five years, as NEN 7513 and its Dutch care practice expect); the upper one is
where keeping longer no longer has a purpose we could explain (AVG art. 5(1)(e)).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Days between the warning e-mail to an inactive account and its removal.
ACCOUNT_WARNING_DAYS = 30


class Action(StrEnum):
    DELETE = "delete"  # the rows go
    ANONYMISE = "anonymise"  # the rows stay for the figures, without anything personal
    WARN = "warn"  # an e-mail; the removal follows later (another kind)
    REMOVE = "remove"  # an account: its personal data go


@dataclass(frozen=True)
class Period:
    """A period an organisation may set, in months, between ``min_months`` and ``max_months``."""

    key: str
    label: Promise
    default_months: int
    min_months: int
    max_months: int


PERIODS: dict[str, Period] = {
    p.key: p
    for p in (
        Period("requests", _("Afgesloten hulpvragen"), 24, 12, 60),
        Period("checkins", _("Belasting-checks"), 24, 12, 60),
        Period("signals", _("Signalen over iemand"), 12, 6, 24),
        Period("mantelzorgers", _("Mantelzorgers zonder hulpvraag"), 24, 12, 60),
        Period("matches", _("Koppelingen en uren"), 84, 24, 120),
        Period("access_log", _("Wie een dossier bekeek"), 60, 60, 120),
        Period("accounts", _("Accounts die niet meer gebruikt worden"), 24, 12, 60),
        Period("responses", _("Reacties op vacatures"), 12, 6, 36),
        Period("activities", _("Aanmeldingen voor activiteiten"), 12, 6, 36),
    )
}


@dataclass(frozen=True)
class Kind:
    """One kind of record in the schedule. ``period`` names a :data:`PERIODS` entry;
    ``None`` means the sent-mail record's project-wide days."""

    code: str
    what: Promise  # the records, as people know them
    counts_from: Promise  # the moment the period starts
    action: Action
    result: Promise  # what happens, in plain words
    period: str | None
    on_page: bool = True  # the removal of warned accounts is told with the warning


# In the order a run takes them: each kind's selection does not depend on what a kind
# before it changed, so a dry run (which changes nothing) lists exactly what a real
# run does (see privacy.retention).
KINDS: tuple[Kind, ...] = (
    Kind(
        "sent_mail",
        _("Wat we u mailden"),
        _("na het versturen"),
        Action.DELETE,
        _("We gooien het bewijs weg dat we u een e-mail stuurden."),
        None,
    ),
    Kind(
        "accounts_remove",
        _("Account dat niet meer gebruikt wordt"),
        _("na de e-mail dat we het gaan weghalen"),
        Action.REMOVE,
        _("We halen het account weg: uw naam, e-mailadres, telefoon en postcode zijn dan weg."),
        "accounts",
        on_page=False,
    ),
    Kind(
        "accounts_warn",
        _("Account dat niet meer gebruikt wordt"),
        _("na de laatste keer inloggen, als u geen open hulpvraag of koppeling heeft"),
        Action.WARN,
        _(
            "We sturen u een e-mail. Logt u daarna binnen %(days)d dagen niet in? Dan halen we het account weg: "
            "uw naam, e-mailadres, telefoon en postcode zijn dan weg."
        ),
        "accounts",
    ),
    Kind(
        "requests",
        _("Hulpvraag die klaar is (afgesloten, ingetrokken of doorverwezen)"),
        _("na het afsluiten"),
        Action.ANONYMISE,
        _(
            "We halen uw naam, adres, telefoon, e-mailadres, de tijden, de mensen uit uw netwerk en alle notities "
            "over de zorg weg. "
            "Alleen de soort hulp, de buurt en de data blijven over, voor de cijfers."
        ),
        "requests",
    ),
    Kind(
        "signals",
        _("Signaal dat iemand steun kan gebruiken (van een huisarts, wijkteam of buur)"),
        _("na het afhandelen"),
        Action.ANONYMISE,
        _(
            "We halen uw naam, hoe we u bereiken, uw adres en wat er opviel weg. "
            "Alleen de buurt, de soort melder en de uitkomst blijven over, voor de cijfers."
        ),
        "signals",
    ),
    Kind(
        "mantelzorgers",
        _("Gegevens als mantelzorger, en over wie u zorgt"),
        _("na uw laatste hulpvraag of belasting-check"),
        Action.ANONYMISE,
        _(
            "We halen uw naam, adres en contactgegevens weg, en alles over de persoon voor wie u zorgt. "
            "Alleen de buurt blijft over, voor de cijfers."
        ),
        "mantelzorgers",
    ),
    Kind(
        "checkins",
        _("Belasting-check (hoe zwaar de zorg voelt)"),
        _("na het invullen, als u geen open hulpvraag heeft"),
        Action.DELETE,
        _("We gooien de check weg."),
        "checkins",
    ),
    Kind(
        "matches",
        _("Koppeling met een vrijwilliger"),
        _("na het einde van de koppeling"),
        Action.ANONYMISE,
        _(
            "We halen alle notities, toelichtingen en redenen weg. Alleen de stand, de data en de buurt "
            "blijven over, voor de cijfers."
        ),
        "matches",
    ),
    Kind(
        "hours",
        _("Geschreven uren"),
        _("na de dag van de hulp"),
        Action.ANONYMISE,
        _("We halen de opmerking weg. Het aantal uren en de datum blijven over, voor de cijfers."),
        "matches",
    ),
    Kind(
        "vacancy_responses",
        _("Uw reactie op een vacature van een partner"),
        _("na het versturen"),
        Action.ANONYMISE,
        _("We halen uw toelichting weg, en wie u bent. Alleen dat er iemand reageerde blijft over, voor de cijfers."),
        "responses",
    ),
    Kind(
        "activity_signups",
        _("Uw aanmelding voor een activiteit, en uw plaats op de wachtlijst"),
        _("na de laatste dag van de activiteit"),
        Action.ANONYMISE,
        _("We halen weg wie u bent. Alleen dat er iemand meedeed of wachtte blijft over, voor de cijfers."),
        "activities",
    ),
    Kind(
        "access_log",
        _("Wie uw dossier bekeek, en wanneer"),
        _("na het bekijken"),
        Action.DELETE,
        _("We gooien die regel weg."),
        "access_log",
    ),
)

KINDS_BY_CODE: dict[str, Kind] = {kind.code: kind for kind in KINDS}


def sent_mail_days() -> int:
    return int(getattr(settings, "NOTIFICATION_RETENTION_DAYS", 365))


def default_months() -> dict[str, int]:
    return {key: period.default_months for key, period in PERIODS.items()}


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` minus whole months; the 31st becomes the last day of a shorter month."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def period_text(months: int) -> str:
    """``24`` -> "2 jaar", ``18`` -> "18 maanden" (in the active language)."""
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(n)d jaar", "%(n)d jaar", years) % {"n": years}
    return ngettext("%(n)d maand", "%(n)d maanden", months) % {"n": months}


def days_text(days: int) -> str:
    if days % 365 == 0:
        return period_text(days // 365 * 12)
    return ngettext("%(n)d dag", "%(n)d dagen", days) % {"n": days}


@dataclass(frozen=True)
class Line:
    """One kind as the privacy page and the command show it."""

    kind: Kind
    period: str  # "2 jaar"

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def result(self) -> str:
        return str(self.kind.result) % {"days": ACCOUNT_WARNING_DAYS}


def schedule_lines(months: dict[str, int]) -> list[Line]:
    """The kinds shown on the privacy page, with the periods of ``months``
    (an organisation's, see ``privacy.models.retention_months``)."""
    lines = []
    for kind in KINDS:
        if not kind.on_page:
            continue
        text = days_text(sent_mail_days()) if kind.period is None else period_text(months[kind.period])
        lines.append(Line(kind=kind, period=text))
    return lines
