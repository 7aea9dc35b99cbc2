"""One way to write a date on every page (issue 18.9): "6 december 2026", with the
time as "6 december 2026, 14:30" and the weekday as "zondag 6 december 2026", never
"6 Dec 2026" or "6-12-2026". Machine formats in attributes (``c``, ``Y-m-d``) are fine."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "templates"
DATE_FILTER = re.compile(r"""\|date:(["'])(.*?)\1""")
ALLOWED = {
    "j F Y",
    "j F Y, H:i",
    "j F Y, H:i:s",
    "l j F Y",
    "l j F Y, H:i",
    # for machines (datetime attributes, file names), not for people
    "c",
    "Y-m-d",
}


def test_every_template_writes_dates_the_same_way():
    odd = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for _quote, fmt in DATE_FILTER.findall(path.read_text(encoding="utf-8")):
            if fmt not in ALLOWED:
                odd.append(f"{path.relative_to(TEMPLATES)}: {fmt!r}")
    assert odd == []


@pytest.mark.parametrize(("language", "expected"), [("nl", "6 december 2026, 14:30"), ("en", "6 December 2026, 14:30")])
def test_the_date_format_reads_as_a_whole_month(language, expected):
    when = datetime.datetime(2026, 12, 6, 14, 30)
    with translation.override(language):
        assert Template('{{ when|date:"j F Y, H:i" }}').render(Context({"when": when})) == expected
