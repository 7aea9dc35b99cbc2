"""Dutch telephone numbers: what a person types ("06-12 34 56 78", "+31 26 123 4567",
"(026) 1234567") checked and brought to one national form ("0612345678")."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")
# A national number: 0, then an area code or 6 (mobile) and 8 more digits; 10 in all.
# 0800/0900 service numbers and 14 0xx municipal numbers are not a person's phone.
_NATIONAL = re.compile(r"^0[1-9][0-9]{8}$")
_NOT_PERSONAL = ("0800", "0900", "0906", "0909")


def dutch_phone(value: str) -> str | None:
    """The national form of a Dutch phone number (10 digits, starting with 0), or None
    when ``value`` is not one. ``+31`` and ``0031`` count as the leading 0."""
    text = _SEPARATORS.sub("", value or "")
    if text.startswith("+31"):
        text = "0" + text[3:]
    elif text.startswith("0031"):
        text = "0" + text[4:]
    if text.startswith("00"):  # +310... or a foreign number
        return None
    if not _NATIONAL.match(text) or text.startswith(_NOT_PERSONAL):
        return None
    return text
