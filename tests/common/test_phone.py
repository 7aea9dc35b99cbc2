import pytest

from common.phone import dutch_phone


@pytest.mark.parametrize(
    ("typed", "national"),
    [
        ("06-12345678", "0612345678"),
        ("06 12 34 56 78", "0612345678"),
        ("+31 6 1234 5678", "0612345678"),
        ("0031612345678", "0612345678"),
        ("(026) 123 45 67", "0261234567"),
        ("026-1234567", "0261234567"),
        ("+31 (0)26 123 4567", None),  # the (0) leaves 11 digits: ask again rather than guess
        ("0612345", None),
        ("061234567890", None),
        ("+49 30 1234567", None),
        ("0800 1234567", None),
        ("0900-1234567", None),
        ("bel me maar", None),
        ("", None),
        ("0012345678", None),
    ],
)
def test_dutch_phone(typed, national):
    assert dutch_phone(typed) == national
