"""The OpenAPI description: published, valid, and the same as the committed file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "api" / "openapi.yaml"

pytestmark = pytest.mark.django_db


def test_the_committed_schema_is_the_generated_one(tmp_path):
    out = tmp_path / "openapi.yaml"
    # --validate --fail-on-warn: the schema lint (OpenAPI 3.1 validation, no warnings).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text() == COMMITTED.read_text(), (
        "api/openapi.yaml is out of date: run "
        "`python manage.py spectacular --validate --fail-on-warn --file api/openapi.yaml` and commit it"
    )


def test_the_schema_is_served_as_openapi_3_1(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/organisations/{slug}/figures/" in schema["paths"]
    assert not any(path.startswith("/organisatie/") for path in schema["paths"])


def test_every_operation_documents_its_problems_and_both_languages():
    schema = yaml.safe_load(COMMITTED.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "401", "403", "404", "429"):
                assert "application/problem+json" in responses[status]["content"], (path, method, status)
            assert re.search(r"\s/\s", operation["description"]), (path, method)


def test_the_reference_page_uses_only_our_own_files_and_no_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
