"""The hash chain of the access log: the canonical content of a row and its hash.

Pure functions over plain values, so that the data migration, the service and the
verification compute exactly the same thing. Changing what goes into the hash breaks
every existing chain: add a version instead.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

# The row's fields that the hash covers, in order. Not the actor's foreign key: it is
# set to NULL when a user is erased (the frozen actor_key/actor_label stay).
HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "at",
    "actor_key",
    "actor_label",
    "actor_role",
    "organisation_id",
    "subject_key",
    "subject_mantelzorger_id",
    "subject_user_id",
    "subject_request_id",
    "what",
    "object_ref",
    "client_ip",
    "user_agent",
    "prev_hash",
)
GENESIS = "0" * 64


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        # UTC, microseconds: the precision both SQLite and PostgreSQL keep.
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes the hash is taken over: ``v1`` and the hashed fields as compact JSON."""
    data = {name: _value(row.get(name)) for name in HASHED_FIELDS}
    return json.dumps(["v1", data], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()
