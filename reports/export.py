"""Report files: CSV (one row per month and neighbourhood, the total last) and the
JSON document. Shared by the export views and the ``report`` command.

CSV: UTF-8, comma-separated, a header row with the stable column codes of
:data:`reports.figures.EXPORT_COLUMNS`, numbers with a decimal point,
percentages as 0-100, ``<10`` for a figure hidden because fewer than 10 people
are behind it, ``x`` for one hidden so that a small number cannot be worked out,
an empty cell where there is nothing to show (e.g. a percentage of no requests),
``provisional`` ``true`` while the month's figures can still change.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from django.utils.text import slugify

from reports.figures import EXPORT_COLUMNS, Report, report_rows


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


def report_filename(report: Report, extension: str) -> str:
    who = slugify(report.municipality.name) if report.municipality else "organisatie"
    first, last = report.months[0].month, report.months[-1].month
    period = str(first) if first == last else f"{first}_{last}"
    return f"buurtmakelaar-{report.organisation.slug}-{who}-{period}.{extension}"
