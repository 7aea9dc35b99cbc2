"""English is the second language (DESIGN.md): every text the code and the templates mark
for translation has an English translation in locale/en/LC_MESSAGES/django.po, and the
committed django.mo is that catalogue compiled.

The strings are extracted the way ``makemessages`` (scripts/i18n) does: xgettext over the
Python files with Django's keywords, and over the templates after Django's ``templatize``,
leaving out what scripts/i18n leaves out (.venv, tests, staticfiles, benchmarks). Needs
GNU gettext (xgettext, msgfmt), like scripts/i18n.

A msgid without an English msgstr, or one marked fuzzy, fails here with its place in the
code: translate it in django.po (at the end of the file), then
``msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po``.
"""

from __future__ import annotations

import ast
import gettext
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import templatize

ROOT = Path(settings.BASE_DIR)
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")
# As scripts/i18n: makemessages --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=benchmarks
IGNORED = {".venv", "tests", "staticfiles", "benchmarks", "node_modules", "test-results", "media"}
TEMPLATE_SUFFIXES = {".html", ".txt"}
# Django's makemessages (domain "django") passes these to xgettext, besides Python's own.
KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po/.pot file (obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    current = Entry()
    last: tuple[str, int] | None = None
    started = False

    def finish():
        nonlocal current, started
        if started:
            entries.append(current)
        current, started = Entry(), False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            last = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if started and last is not None and last[0] == "msgstr":
                finish()
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            assert last is not None, f"a continued string without a keyword: {raw!r}"
            name, index = last
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        if keyword in ("msgctxt", "msgid") and started and last is not None and last[0] == "msgstr":
            finish()
        started = True
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index] = value
            last = ("msgstr", index)
        elif keyword in ("msgid", "msgctxt", "msgid_plural"):
            setattr(current, keyword, value)
            last = (keyword, 0)
        else:
            raise AssertionError(f"unknown line in a .po file: {raw!r}")
    finish()
    return entries


def _source_files() -> tuple[list[Path], list[Path]]:
    python, templates = [], []
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in IGNORED or part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix == ".py":
            python.append(path)
        elif path.suffix in TEMPLATE_SUFFIXES and "templates" in relative.parts:
            templates.append(path)
    return python, templates


@cache
def extracted(tmp_dir: str) -> dict[tuple[str | None, str], Entry]:
    """Every msgid the code and the templates mark, with where it is used."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.fail("xgettext (GNU gettext) is missing: apt-get install gettext, as for scripts/i18n")
    python, templates = _source_files()
    work = Path(tmp_dir)
    # Each template as Python that xgettext reads, under a name that says where it came from.
    templatized = []
    for template in templates:
        target = work / (str(template.relative_to(ROOT)).replace("/", "__") + ".py")
        target.write_text(templatize(template.read_text(encoding="utf-8"), origin=str(template)), encoding="utf-8")
        templatized.append(target)
    pot = work / "django.pot"
    files = work / "files.txt"
    files.write_text("\n".join(str(path) for path in [*python, *templatized]) + "\n", encoding="utf-8")
    subprocess.run(
        [xgettext, "--language=Python", "--from-code=UTF-8", "--no-wrap", f"--files-from={files}", *KEYWORDS]
        + ["--output", str(pot)],
        check=True,
        capture_output=True,
    )
    return {entry.key: entry for entry in parse_po(pot.read_text(encoding="utf-8")) if entry.msgid}


@pytest.fixture(scope="module")
def code_msgids(tmp_path_factory) -> dict[tuple[str | None, str], Entry]:
    return extracted(str(tmp_path_factory.mktemp("messages")))


@pytest.fixture(scope="module")
def english() -> dict[tuple[str | None, str], Entry]:
    return {entry.key: entry for entry in parse_po(EN_PO.read_text(encoding="utf-8")) if entry.msgid}


def _where(entry: Entry) -> str:
    places = [ref.split("__", 1)[-1].replace("__", "/").removesuffix(".py") for ref in entry.references[:2]]
    return ", ".join(places).replace(str(ROOT) + "/", "")


def test_the_parser_reads_plurals_contexts_continuations_and_flags():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "Eén %(n)s"\nmsgstr "One %(n)s"\n\n'
        'msgctxt "knop"\nmsgid "Open"\nmsgid_plural "Open"\nmsgstr[0] "Open"\nmsgstr[1] ""\n\n'
        'msgid ""\n"Lang "\n"verhaal"\nmsgstr ""\n"Long "\n"story"\n\n'
        '#~ msgid "Weg"\n#~ msgstr "Gone"\n'
    )
    header, fuzzy, plural, long = entries
    assert header.msgid == "" and header.msgstr[0] == "Language: en\n"
    assert fuzzy.flags == {"fuzzy", "python-format"} and fuzzy.references == ["a.py:1"]
    assert plural.key == ("knop", "Open") and plural.msgid_plural == "Open" and not plural.translated
    assert long.msgid == "Lang verhaal" and long.msgstr == {0: "Long story"} and long.translated
    assert len(entries) == 4  # the obsolete one is left out


def test_the_extraction_finds_the_texts_of_python_and_templates(code_msgids):
    """The extraction itself works: known strings from a view, a model and a template."""
    assert (None, "Naar de inhoud") in code_msgids  # templates/base.html, {% translate %}
    assert (None, "Geen verbinding met internet") in code_msgids  # templates/pwa/offline.html
    assert any(".py:" in ref and "templates__" not in ref for entry in code_msgids.values() for ref in entry.references)
    assert len(code_msgids) > 1000


def test_every_text_in_the_code_has_an_english_translation(code_msgids, english):
    missing = sorted(
        f"{entry.msgid!r} ({_where(entry)})"
        for key, entry in code_msgids.items()
        if key not in english or not english[key].translated
    )
    assert not missing, f"{len(missing)} texts without English in {EN_PO.relative_to(ROOT)}:\n" + "\n".join(missing)


def test_no_translation_is_empty_or_fuzzy(english):
    empty = sorted(repr(entry.msgid) for entry in english.values() if not entry.translated)
    fuzzy = sorted(repr(entry.msgid) for entry in english.values() if "fuzzy" in entry.flags)
    assert not empty, "English msgstr missing for:\n" + "\n".join(empty)
    assert not fuzzy, "Fuzzy (a guess by msgmerge, not shown by Django) for:\n" + "\n".join(fuzzy)


def test_the_committed_mo_is_the_po_compiled(tmp_path):
    """django.mo is what Django reads: a .po entry not compiled into it is not shown."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt (GNU gettext) is missing: apt-get install gettext")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(EN_PO)], check=True, capture_output=True)
    with fresh.open("rb") as new, EN_MO.open("rb") as committed:
        new_catalog = gettext.GNUTranslations(new)._catalog
        committed_catalog = gettext.GNUTranslations(committed)._catalog
    stale = sorted(repr(key) for key in new_catalog.keys() ^ committed_catalog.keys())
    stale += sorted(
        repr(key) for key in new_catalog.keys() & committed_catalog.keys() if new_catalog[key] != committed_catalog[key]
    )
    assert not stale, f"django.mo differs from django.po; run msgfmt (see the module docstring): {stale[:20]}"
