"""Languages people speak or prefer: the short list offered as choices, the check of a
typed ISO 639-1 code, and a label to show. Volunteers (the languages they speak) and
requests (the preferred language) both use it; the engine compares the codes."""

from __future__ import annotations

import re

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy

# Languages offered as choices; other ISO 639-1 codes can be typed.
COMMON_LANGUAGES: dict[str, str] = {
    "nl": gettext_lazy("Nederlands"),
    "en": gettext_lazy("Engels"),
    "de": gettext_lazy("Duits"),
    "tr": gettext_lazy("Turks"),
    "ar": gettext_lazy("Arabisch"),
    "pl": gettext_lazy("Pools"),
    "fr": gettext_lazy("Frans"),
    "es": gettext_lazy("Spaans"),
}

CODE_RE = re.compile(r"[a-z]{2}")


def language_code(value: str | None) -> str:
    """``value`` as a lower-case two-letter code ('' for nothing); ValueError when it is
    not two letters."""
    code = (value or "").strip().lower()
    if code and not CODE_RE.fullmatch(code):
        raise ValueError(code)
    return code


def language_label(code: str) -> str:
    """The name of a language code as people read it."""
    if code in COMMON_LANGUAGES:
        return str(COMMON_LANGUAGES[code])
    if code in LANG_INFO and "name_local" in LANG_INFO[code]:
        return f"{LANG_INFO[code]['name_local']} ({code})"
    return code
