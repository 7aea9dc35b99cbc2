"""The week grid: days as rows, parts of the day as columns, a real checkbox in
every cell. Works without JavaScript, with the keyboard (Tab and Space), with a
screen reader (every box has a label such as "dinsdag middag, 13:00 tot 17:30")
and on a phone (the cells are large tap targets)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.forms.widgets import CheckboxSelectMultiple
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.slots import DAY_NAMES_NL, DAYS, Slot


@dataclass(frozen=True)
class DayBlock:
    """A part of the day that people tick in the grid."""

    code: str
    label: str | Promise
    start: datetime.time
    end: datetime.time

    def slot(self, weekday: int) -> Slot:
        return Slot(weekday, self.start, self.end)

    @property
    def times(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DAY_BLOCKS: tuple[DayBlock, ...] = (
    DayBlock("morning", gettext_lazy("ochtend"), datetime.time(9, 0), datetime.time(12, 30)),
    DayBlock("afternoon", gettext_lazy("middag"), datetime.time(13, 0), datetime.time(17, 30)),
    DayBlock("evening", gettext_lazy("avond"), datetime.time(18, 30), datetime.time(21, 30)),
)

# Day names as shown in the grid; the Dutch names come from common.slots and are
# translated here so the grid follows the chosen language.
DAY_LABELS = (
    gettext_lazy("maandag"),
    gettext_lazy("dinsdag"),
    gettext_lazy("woensdag"),
    gettext_lazy("donderdag"),
    gettext_lazy("vrijdag"),
    gettext_lazy("zaterdag"),
    gettext_lazy("zondag"),
)
assert len(DAY_LABELS) == len(DAY_NAMES_NL)


def grid_value(weekday: int, block: DayBlock) -> str:
    return f"{DAYS[weekday]}-{block.code}"


def grid_choices(blocks: tuple[DayBlock, ...] = DAY_BLOCKS) -> list[tuple[str, str]]:
    """Day-major order: the n-th choice is the n-th checkbox (ids ``<id>_<n>``)."""
    return [
        (grid_value(day, block), f"{DAY_LABELS[day]} {block.label}") for day in range(len(DAYS)) for block in blocks
    ]


class WeekGridWidget(CheckboxSelectMultiple):
    """CheckboxSelectMultiple drawn as a table. Same names, values and ids as the
    plain widget (``id_grid_0`` …), so error links and tests work the same."""

    def __init__(self, blocks: tuple[DayBlock, ...] = DAY_BLOCKS, attrs=None):
        super().__init__(attrs=attrs, choices=grid_choices(blocks))
        self.blocks = blocks

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", None) or f"id_{name}"
        selected = {str(v) for v in (value or [])}
        extra = format_html_join(" ", '{}="{}"', ((key, val) for key, val in attrs.items() if val not in (None, False)))
        head = format_html_join(
            "",
            '<th scope="col">{}<span class="weekgrid__times">{}-<wbr>{}</span></th>',
            ((block.label, f"{block.start:%H:%M}", f"{block.end:%H:%M}") for block in self.blocks),
        )
        rows = []
        for day in range(len(DAYS)):
            cells = []
            for i, block in enumerate(self.blocks):
                index = day * len(self.blocks) + i
                value_ = grid_value(day, block)
                input_id = f"{base_id}_{index}"
                cells.append(
                    format_html(
                        '<td><label class="weekgrid__cell" for="{id}">'
                        '<input type="checkbox" name="{name}" value="{value}" id="{id}"{checked} {extra}>'
                        '<span class="visually-hidden">{label}</span></label></td>',
                        id=input_id,
                        name=name,
                        value=value_,
                        checked=mark_safe(" checked") if value_ in selected else "",
                        extra=extra,
                        label=_("%(day)s %(part)s, %(start)s tot %(end)s")
                        % {
                            "day": DAY_LABELS[day],
                            "part": block.label,
                            "start": f"{block.start:%H:%M}",
                            "end": f"{block.end:%H:%M}",
                        },
                    )
                )
            rows.append(
                format_html('<tr><th scope="row">{}</th>{}</tr>', DAY_LABELS[day], mark_safe("".join(cells)))  # noqa: S308
            )
        return format_html(
            '<table class="weekgrid" id="{id}"><caption class="visually-hidden">{caption}</caption>'
            "<thead><tr><td></td>{head}</tr></thead><tbody>{rows}</tbody></table>",
            id=base_id,
            caption=_("Vink aan wanneer u kunt helpen"),
            head=head,
            rows=mark_safe("".join(rows)),  # noqa: S308 - every part was escaped by format_html
        )
