"""Calendar months in Europe/Amsterdam, the unit of every report.

A month runs from midnight on the 1st, local time, to midnight on the 1st of the
next month. Its boundaries are real instants (aware datetimes), so a request
created on 31 March at 23:30 local time (21:30 UTC, summer time has begun) belongs
to March, and one created on 1 November at 00:30 local time (31 October 23:30 UTC)
belongs to November.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST_YEAR = 2000
LAST_YEAR = 2100
MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class PeriodError(DomainError):
    """A month or period that cannot be reported (bad text, in the future, too long)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(_("Een maand loopt van 01 tot en met 12."))
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise PeriodError(
                _("Kies een jaar van %(first)s tot en met %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )

    @classmethod
    def parse(cls, text: str | None, *, field: str | None = None) -> Month:
        """``"2026-03"`` -> ``Month(2026, 3)``; anything else raises PeriodError (Dutch message)."""
        match = MONTH_RE.match(text or "")
        if not match:
            raise PeriodError(
                _("Schrijf de maand als jaar-maand, bijvoorbeeld 2026-03. U schreef: %(text)s")
                % {"text": (text or "")[:20] or _("niets")},
                field=field,
            )
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except PeriodError as error:
            raise PeriodError(error.message, field=field)

    @classmethod
    def of(cls, moment: datetime.datetime) -> Month:
        local = moment.astimezone(AMSTERDAM)
        return cls(local.year, local.month)

    @classmethod
    def current(cls, now: datetime.datetime | None = None) -> Month:
        return cls.of(now or timezone.now())

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def start(self) -> datetime.datetime:
        """Midnight on the 1st, Amsterdam time (an aware datetime)."""
        return datetime.datetime(self.year, self.month, 1, tzinfo=AMSTERDAM)

    @property
    def end(self) -> datetime.datetime:
        """The start of the next month (exclusive)."""
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def minus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``maart 2026`` in the active language."""
        return formats.date_format(self.first_day, "F Y")

    @property
    def short_label(self) -> str:
        """``mrt 26`` style, for chart axes."""
        return formats.date_format(self.first_day, "M y")


def months_between(first: Month, last: Month) -> list[Month]:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = month.next()
    return months


def check_reportable(month: Month, *, now: datetime.datetime | None = None, field: str | None = None) -> Month:
    """A month that has begun (the current month is allowed: its figures are provisional)."""
    if month > Month.current(now):
        raise PeriodError(
            _("%(month)s is nog niet begonnen. Kies deze maand of een maand die al voorbij is.") % {"month": month},
            field=field,
        )
    return month


def check_period(first: Month, last: Month, *, max_months: int, now: datetime.datetime | None = None) -> list[Month]:
    """The months from ``first`` to ``last`` (both included), checked."""
    check_reportable(first, now=now, field="van")
    check_reportable(last, now=now, field="tot")
    if last < first:
        raise PeriodError(_("De eerste maand moet vóór de laatste maand liggen (of dezelfde zijn)."), field="tot")
    months = months_between(first, last)
    if len(months) > max_months:
        raise PeriodError(
            _("Kies hoogstens %(n)s maanden tegelijk; u koos er %(count)s.") % {"n": max_months, "count": len(months)},
            field="tot",
        )
    return months
