"""Small database helpers shared by the apps."""

from __future__ import annotations

import json
from collections.abc import Iterable
from numbers import Integral

from django.db import connection
from django.db.models.expressions import RawSQL

__all__ = ["LONG_LIST", "value_set"]

# From this many values on, value_set() sends one parameter instead of a list.
LONG_LIST = 100


def value_set(values: Iterable[int] | Iterable[str]) -> list | RawSQL:
    """The right-hand side of ``field__in=...`` for many ids (or many codes) at once.

    With a plain list Django prepares every value on its own and writes one
    placeholder per value: about 4 microseconds each, so a batch commit that filters a
    dozen times on 10,000 ids spent a third of its time there. Here a long list is
    one parameter: a PostgreSQL array (``IN (SELECT unnest(%s::bigint[]))``) or a
    JSON array on SQLite (``IN (SELECT value FROM json_each(%s))``). Short lists and
    other databases get the list itself. All values must be ints, or all strings.
    """
    values = list(values)
    if len(values) < LONG_LIST or connection.vendor not in ("postgresql", "sqlite"):
        return values
    if all(isinstance(v, str) for v in values):
        kind = "text"
    elif all(isinstance(v, Integral) and not isinstance(v, bool) for v in values):
        kind = "bigint"
        values = [int(v) for v in values]  # numpy integers too
    else:
        raise TypeError("value_set() takes ints or strings, not a mix")
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{kind}[])", [values])  # noqa: S611 - fixed SQL, values are a parameter
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])  # noqa: S611 - as above
