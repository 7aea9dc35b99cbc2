"""Templates carry no CSS of their own (issue #11): rules live in static/css/.

Every file under templates/ is scanned: a ``<style`` element fails anywhere, a
``style=`` attribute fails outside the short allow-list below. A chart that needs a
value computed per data point should use SVG attributes (``width=``, ``fill=``) first.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC = Path(settings.BASE_DIR) / "static"

STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
# Not data-style= or similar: only the attribute itself.
STYLE_ATTR = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)

# Templates that may keep style="..." attributes, each with the reason.
ALLOWED_STYLE_ATTR = {
    # HTML e-mail: mail clients drop <link> and often <style>, so inline style
    # attributes are the only styling that reaches the reader.
    "matches/email/proposal.html": "HTML e-mail",
    "notifications/email/base.html": "HTML e-mail",
    "notifications/email/footer.html": "HTML e-mail",
}


def _templates():
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def _hits(pattern, path):
    text = path.read_text(encoding="utf-8")
    return [f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, m.start()) + 1}" for m in pattern.finditer(text)]


def test_no_style_elements_in_templates():
    hits = [hit for path in _templates() for hit in _hits(STYLE_TAG, path)]
    assert not hits, "Move these <style> blocks to static/css/: " + ", ".join(hits)


def test_no_style_attributes_outside_the_allow_list():
    hits = [
        hit
        for path in _templates()
        if path.relative_to(TEMPLATES).as_posix() not in ALLOWED_STYLE_ATTR
        for hit in _hits(STYLE_ATTR, path)
    ]
    assert not hits, "Use a class in static/css/ instead of style=: " + ", ".join(hits)


def test_allow_list_stays_minimal():
    """An allow-listed template that no longer needs style= leaves the list."""
    stale = [name for name in ALLOWED_STYLE_ATTR if not _hits(STYLE_ATTR, TEMPLATES / name)]
    assert not stale, f"No style= left in {stale}: remove them from ALLOWED_STYLE_ATTR"


def test_every_linked_stylesheet_exists():
    linked = re.compile(r"""{%\s*static\s+['"]([^'"]+\.css)['"]\s*%}|href="/static/([^"]+\.css)\"""")
    missing = [
        f"{path.relative_to(TEMPLATES)}: {name}"
        for path in _templates()
        for match in linked.finditer(path.read_text(encoding="utf-8"))
        for name in [match.group(1) or match.group(2)]
        if not (STATIC / name).is_file()
    ]
    assert not missing, f"Stylesheets not in static/: {missing}"
