"""Hypothesis strategies for hostile input: what a browser, a script or a spreadsheet
can send to a form, a page or an import.

Everything that arrives over HTTP is text, so "wrong types" are text too: a word where a
number belongs, a number far beyond 64 bits, a float that overflows, a date that does
not exist, JSON where a scalar belongs, and several values for a field that takes one
(``?skills=1&skills=2``). Plus unicode of every kind, NUL bytes, right-to-left marks,
markup, and strings far longer than any field allows.
"""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest and reproducible: the same examples on every run and in CI (derandomize), no
# per-example deadline (the machine is shared), no database of earlier failures.
FORMS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
VIEWS = settings(FORMS, max_examples=8)
IMPORTS = settings(FORMS, max_examples=30)

XSS = "<script>alert(1)</script>"

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 400,
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "0x1F",
    "1,5",
    "1.5",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "31-12-9999",
    "2030-06-03T25:61",
    "2030-06-03 14:00",
    "mon 09:00-12:00",
    "ma 25:00-26:00",
    "sun 23:30-00:30",
    "6811 AB",
    "9999 ZZ",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    '{"a": [1, 2]}',
    "[1, 2, 3]",
    XSS,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "‮gnp.exe",
    "Zoë van 't Hof-Özdemir",
    "🙂" * 20,
    "\ufeff",
    "\r\n\r\n",
    "a" * 10_000,
    "%(name)s {0} {{x}}",
    "../../etc/passwd",
]

scalars = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.integers().map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
)


def values(choices: list[str] | None = None):
    """One value or several for one field; real choices now and then, to get past the
    first check and into the deeper ones."""
    one = scalars if not choices else st.one_of(scalars, st.sampled_from(choices))
    return st.one_of(one, st.lists(one, min_size=0, max_size=3))


def form_data(fields: dict[str, list[str] | None]):
    """A dict of field name -> value or list of values, for the named fields (each may be
    missing) and a few unknown ones."""
    known = st.fixed_dictionaries({}, optional={name: values(choices) for name, choices in fields.items()})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), values(), max_size=2)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


def query_dict(data: dict):
    """``data`` as the QueryDict a view gets (lists become repeated keys)."""
    from django.http import QueryDict

    bound = QueryDict(mutable=True)
    for key, value in data.items():
        bound.setlist(key, value if isinstance(value, list) else [value])
    return bound
