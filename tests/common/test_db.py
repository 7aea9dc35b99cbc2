"""common.db.value_set: one parameter for a long list of ids or codes, the same rows
as a plain list, on SQLite and on PostgreSQL (whichever runs the tests)."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models.expressions import RawSQL

from common import db
from common.db import value_set
from neighbourhoods.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    return [Organisation.objects.create(name=f"Org {i}", slug=f"org-{i:03d}") for i in range(130)]


def test_short_lists_stay_lists():
    assert value_set([3, 1, 2]) == [3, 1, 2]
    assert value_set(x for x in ()) == []


@pytest.mark.parametrize("long_list", [1, db.LONG_LIST])
def test_ids_and_codes_select_the_same_rows_as_a_plain_list(organisations, monkeypatch, long_list):
    monkeypatch.setattr(db, "LONG_LIST", long_list)
    pks = [o.pk for o in organisations[::2]] + [10**9]  # one that does not exist
    slugs = [o.slug for o in organisations[1::2]] + ['nobody\'s "slug"']
    kind = RawSQL if long_list == 1 else list  # 66 values: a list below the default LONG_LIST
    assert isinstance(value_set(pks), kind)
    assert isinstance(value_set(np.asarray(pks)), kind)
    by_pk = set(Organisation.objects.filter(pk__in=value_set(pks)).values_list("pk", flat=True))
    assert by_pk == {o.pk for o in organisations[::2]}
    by_slug = set(Organisation.objects.filter(slug__in=value_set(slugs)).values_list("slug", flat=True))
    assert by_slug == {o.slug for o in organisations[1::2]}
    # Also in an UPDATE and combined with other conditions.
    assert Organisation.objects.filter(pk__in=value_set(pks), slug__startswith="org-0").update(name="x") > 0
    assert set(Organisation.objects.filter(name="x").values_list("pk", flat=True)) <= by_pk


def test_numpy_ints_become_plain_ints(organisations, monkeypatch):
    monkeypatch.setattr(db, "LONG_LIST", 1)
    pks = np.asarray([o.pk for o in organisations[:5]])
    rows = Organisation.objects.filter(pk__in=value_set(pks)).values_list("pk", flat=True)
    assert sorted(rows) == sorted(pks.tolist())


def test_a_mix_of_ints_and_strings_is_refused(monkeypatch):
    monkeypatch.setattr(db, "LONG_LIST", 1)
    with pytest.raises(TypeError):
        value_set([1, "2"])
    with pytest.raises(TypeError):
        value_set([True, False])
