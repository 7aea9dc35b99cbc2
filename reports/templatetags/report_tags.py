"""Showing report figures: numbers in the page's language, hidden ones with a
spoken explanation (screen readers hear "minder dan 10", not "kleiner dan 10")."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.charts import number_text
from reports.figures import HIDDEN, SMALL, Cell, Row

register = template.Library()


@register.simple_tag
def report_cell(cell: Cell) -> str:
    """A cell of a report table (or a key figure)."""
    if cell.status == "small":
        if cell.figure.kind == "count":
            return format_html(
                '<abbr title="{t}"><span aria-hidden="true">{v}</span><span class="visually-hidden">{t}</span></abbr>',
                t=_("minder dan 10"),
                v=SMALL,
            )
        return format_html(
            '<span class="muted small" title="{t}">{v}<span class="visually-hidden">: {t}</span></span>',
            v=_("te weinig"),
            t=_("minder dan 10 mensen, daarom niet getoond"),
        )
    if cell.status == "hidden":
        return format_html(
            '<abbr title="{t}"><span aria-hidden="true">{v}</span><span class="visually-hidden">{t}</span></abbr>',
            t=_("niet getoond, anders kunt u een klein aantal terugrekenen"),
            v=HIDDEN,
        )
    if cell.status == "empty" or cell.value is None:
        return format_html('<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>', _("geen"))
    return number_text(cell.value, cell.figure.kind)


@register.simple_tag
def report_cells(row: Row, figures) -> str:
    """The cells of ``figures`` in one row of a report table, each as ``<td class="num">``
    with :func:`report_cell`: one tag per row instead of a loop of tags per cell (a
    municipality's table has about 30 rows of 50 figures)."""
    cells = row.cells
    return mark_safe(  # noqa: S308 - every part is escaped by report_cell / conditional_escape
        "".join(f'<td class="num">{conditional_escape(report_cell(cells[f.code]))}</td>' for f in figures)
    )


@register.simple_tag
def figure_number(value, kind: str = "count") -> str:
    return number_text(value, kind)


@register.filter
def signed(value) -> str:
    """A gap as "+3" / "−2" / "0" (the minus sign, not a hyphen)."""
    if value is None or isinstance(value, str):
        return value or "–"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return "0"


@register.filter
def dictget(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def count_shown(value) -> str:
    """A count that may be ``"<10"`` (as ``reports/_count_cell.html``, without an include)."""
    if isinstance(value, str) and value.startswith("<"):
        return format_html(
            '<abbr title="{t}"><span aria-hidden="true">{v}</span><span class="visually-hidden">{t}</span></abbr>',
            t=_("minder dan %(n)s") % {"n": value[1:]},
            v=value,
        )
    return number_text(value)
