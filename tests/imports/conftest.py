"""Helpers for the CSV import tests: run a command on a file, snapshot row counts."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _write(tmp_path, content) -> str:
    path = tmp_path / "import.csv"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return str(path)


@pytest.fixture
def run_import(tmp_path):
    """Run an import command that must succeed; returns its stdout."""

    def run(command, content, *args, organisation="org-a"):
        out, err = io.StringIO(), io.StringIO()
        call_command(command, "--organisation", organisation, *args, _write(tmp_path, content), stdout=out, stderr=err)
        assert err.getvalue() == ""
        return out.getvalue()

    return run


@pytest.fixture
def run_failing_import(tmp_path):
    """Run an import command that must fail with exit status 1; returns the lines it
    wrote to stderr."""

    def run(command, content, *args, organisation="org-a"):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError) as failure:
            call_command(
                command, "--organisation", organisation, *args, _write(tmp_path, content), stdout=out, stderr=err
            )
        assert failure.value.returncode == 1
        assert "niets ingelezen" in str(failure.value)
        assert out.getvalue() == ""
        return err.getvalue().splitlines()

    return run


@pytest.fixture
def db_counts(db):
    """A snapshot of every table an import writes to."""
    from caregivers.models import HelpRequest, RequestEvent, RequestSlot
    from neighbourhoods.models import Organisation, Skill
    from volunteers.models import AvailabilitySlot, Volunteer

    def counts():
        return {
            "organisations": Organisation.objects.count(),
            "skills": Skill.objects.count(),
            "volunteers": Volunteer.objects.count(),
            "volunteer_skills": Volunteer.skills.through.objects.count(),
            "availability": AvailabilitySlot.objects.count(),
            "requests": HelpRequest.objects.count(),
            "request_skills": HelpRequest.skills.through.objects.count(),
            "request_slots": RequestSlot.objects.count(),
            "request_events": RequestEvent.objects.count(),
        }

    return counts


def _csv_text(header, rows, delimiter=","):
    """A CSV file from a header tuple and row dicts (missing cells are empty).

    Cells holding the delimiter are quoted, as Excel does."""

    def cell(value):
        value = str(value)
        return f'"{value}"' if delimiter in value or '"' in value else value

    lines = [delimiter.join(header)]
    lines += [delimiter.join(cell(row.get(name, "")) for name in header) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture
def csv_text():
    """``csv_text(header, rows, delimiter=",")``: build a CSV file's text."""
    return _csv_text
