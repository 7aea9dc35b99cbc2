"""Report files: CSV (one row per month and neighbourhood, the total last) and the
JSON document. Shared by the export views and the ``report`` command.

CSV: UTF-8, comma-separated, a header row with the stable column codes of
:data:`reports.figures.EXPORT_COLUMNS`, numbers with a decimal point,
percentages as 0-100, ``<10`` for a figure hidden because fewer than 10 people
are behind it, ``x`` for one hidden so that a small number cannot be worked out,
an empty cell where there is nothing to show (e.g. a percentage of no requests),
``provisional`` ``true`` while the month's figures can still change. This is the
stable format of the ``report`` command and of ``export.csv?kolommen=codes``.

The export people download from the page (:func:`report_csv_write_for_people`) is made
for a spreadsheet: a byte order mark (so Excel reads UTF-8), in Dutch semicolons and
decimal commas (English: commas and decimal points), the column names and yes/no in
the reader's language, and in a column that is not a count (a percentage, a median, an
average, hours) a hidden figure reads :data:`SHARE_HIDDEN` ("verborgen") instead of
``<10``, which would read as "under 10 %".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from reports.counting import FIGURES
from reports.figures import EXPORT_COLUMNS, HIDDEN, SMALL, Report, report_rows

# A figure that is not a count and is hidden (it rests on fewer than 10 people).
SHARE_HIDDEN = gettext_lazy("verborgen")
_COLUMN_LABELS = {
    "month": gettext_lazy("maand"),
    "municipality": gettext_lazy("gemeente"),
    "area": gettext_lazy("buurt of kern"),
    "area_kind": gettext_lazy("soort gebied"),
    "provisional": gettext_lazy("voorlopig"),
}
_FIGURE_KINDS = {f.code: f.kind for f in FIGURES}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def report_csv_lines(report: Report) -> Iterable[list[str]]:
    yield list(EXPORT_COLUMNS)
    for row in report_rows(report):
        yield [_csv_value(row[column]) for column in EXPORT_COLUMNS]


def report_csv_write(report: Report, out: IO[str]) -> int:
    """Write the CSV to ``out``; returns the number of data rows."""
    writer = csv.writer(out, lineterminator="\n")
    count = -1
    for line in report_csv_lines(report):
        writer.writerow(line)
        count += 1
    return count


def _column_label(code: str) -> str:
    if code in _COLUMN_LABELS:
        return str(_COLUMN_LABELS[code])
    figure = next(f for f in FIGURES if f.code == code)
    label = str(figure.label)
    return f"{label} (%)" if figure.kind == "pct" else label


def _value_for_people(code: str, value, decimal_comma: bool) -> str:
    if value in (SMALL, HIDDEN) and _FIGURE_KINDS.get(code, "count") != "count":
        return str(SHARE_HIDDEN)
    if value is True:
        return _("ja")
    if value is False:
        return _("nee")
    text = _csv_value(value)
    return text.replace(".", ",") if decimal_comma and isinstance(value, float) else text


def report_csv_write_for_people(report: Report, out: IO[str]) -> int:
    """The CSV for a spreadsheet (see the module docstring); returns the number of data rows."""
    dutch = (get_language() or "nl").startswith("nl")
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if dutch else ",", lineterminator="\r\n")
    writer.writerow([_column_label(code) for code in EXPORT_COLUMNS])
    count = 0
    for row in report_rows(report):
        writer.writerow([_value_for_people(code, row[code], dutch) for code in EXPORT_COLUMNS])
        count += 1
    return count


def report_filename(report: Report, extension: str) -> str:
    who = slugify(report.municipality.name) if report.municipality else "organisatie"
    first, last = report.months[0].month, report.months[-1].month
    period = str(first) if first == last else f"{first}_{last}"
    return f"buurtmakelaar-{report.organisation.slug}-{who}-{period}.{extension}"
