"""common.db.value_set: one parameter for a long list of ids or codes, the same rows
as a plain list; common.db.Prepared: a query compiled once gives what the queryset
gives. On SQLite and on PostgreSQL (whichever runs the tests)."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models.expressions import RawSQL

from common import db
from common.db import Prepared, value_set
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


def test_prepared_gives_the_rows_of_the_queryset_for_each_value(organisations, django_assert_num_queries):
    def build(pk):
        return (
            Organisation.objects.filter(pk__gte=pk, slug__startswith="org-")
            .order_by("pk")
            .values_list("pk", "slug", "created_at")
        )

    prepared = Prepared(build)
    for organisation in (organisations[0], organisations[57], organisations[-1]):
        with django_assert_num_queries(1):  # compiled once, one query per call, seen by Django's query log
            rows = prepared.rows(organisation.pk)
        assert rows == list(build(organisation.pk))
        assert all(isinstance(row, tuple) for row in rows)
    assert rows[0][2] == organisations[-1].created_at  # converted like the ORM converts (aware datetime)
    assert prepared.rows(10**9) == []


def test_prepared_refuses_a_query_that_does_not_use_its_value():
    prepared = Prepared(lambda pk: Organisation.objects.filter(slug="org-000").values_list("pk"))
    with pytest.raises(ValueError, match="value"):
        prepared.rows(1)
