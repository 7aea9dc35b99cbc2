"""The shared CSV machinery in neighbourhoods.csvimport."""

import pytest

from neighbourhoods import csvimport
from neighbourhoods.csvimport import ImportFailed, LocationResolver, Row, RowError, decode, read_csv, sniff_delimiter
from neighbourhoods.geocoding import OfflineGeocoder


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a,b,c\n1;2,3\n", ","),
        ("a;b;c\n1,5;2;3\n", ";"),
        ("a\tb\n", "\t"),
        ("\n\nexternal_id;first_name\n", ";"),
        ("only_one_column\n", ","),
    ],
)
def test_sniff_delimiter_reads_the_header(text, expected):
    assert sniff_delimiter(text) == expected


def test_decode_drops_the_bom_and_names_the_bad_line():
    assert decode(b"\xef\xbb\xbfa,b\n") == "a,b\n"
    with pytest.raises(ImportFailed) as failure:
        decode("a,b\nZoë,x\n".encode("utf-16"))
    assert [error.line for error in failure.value.errors] == [1]
    with pytest.raises(ImportFailed) as failure:
        decode(b"a,b\nok,ok\nZo\xeb,x\n")
    assert [str(error) for error in failure.value.errors] == [
        "line 3: het bestand is geen UTF-8. Sla het op als 'CSV UTF-8' en probeer het opnieuw."
    ]


def test_decode_refuses_a_nul_character_and_names_its_line():
    """Regression (found by tests/security/test_import_properties.py): a NUL in a cell
    passed every check and then failed the write on PostgreSQL (DataError)."""
    with pytest.raises(ImportFailed) as failure:
        decode(b"external_id,first_name\nV-1,Zo\x00e\n")
    assert [str(error) for error in failure.value.errors] == [
        "line 2: er staat een NUL-teken in het bestand. Sla het op als 'CSV UTF-8' en probeer het opnieuw."
    ]


def test_row_error_format():
    assert str(RowError(7, "postcode", "Deze postcode kennen we niet.")) == (
        "line 7: postcode: Deze postcode kennen we niet."
    )


@pytest.mark.parametrize(
    "text, value",
    [("7,5", 7.5), ("7.5", 7.5), (" 10 ", 10.0), ("0", 0.0), ("1.000,5", None), ("nan", None), ("inf", None)],
)
def test_number_accepts_a_decimal_comma_and_refuses_non_numbers(text, value):
    row = Row(2, {"n": text.strip()})
    assert row.number("n", minimum=0, maximum=100) == value
    assert bool(row.errors) == (value is None)


@pytest.mark.parametrize("text", ["true", "TRUE", "1", "ja", "Ja", "yes"])
def test_boolean_true_words(text):
    row = Row(2, {"b": text})
    assert row.boolean("b") is True and not row.errors


@pytest.mark.parametrize("text", ["false", "0", "nee", "NEE", "no"])
def test_boolean_false_words(text):
    row = Row(2, {"b": text})
    assert row.boolean("b", default=True) is False and not row.errors


def test_names_keep_apostrophes_and_diacritics_and_lose_extra_spaces():
    row = Row(2, {"last_name": "  van  't   Hof-Özdemir "})
    assert row.text("last_name", max_length=150) == "van 't Hof-Özdemir"


def test_quoted_cell_with_semicolons_in_a_semicolon_file():
    table = read_csv(b'external_id;skills\nV1;"shopping; transport"\n', columns=("external_id", "skills"), required=())
    assert table.delimiter == ";"
    assert table.rows[0].cells == {"external_id": "V1", "skills": "shopping; transport"}


def test_geocoding_is_cached_per_pc4_area_and_place(region, monkeypatch):
    calls = []

    class CountingGeocoder(OfflineGeocoder):
        def geocode(self, postcode=None, house_number=None, place=None):
            calls.append((postcode, place))
            return super().geocode(postcode=postcode, house_number=house_number, place=place)

    monkeypatch.setattr(csvimport, "get_geocoder", CountingGeocoder)
    resolver = LocationResolver(region["org_a"])
    rows = [
        Row(2, {"postcode": "6881 AB", "house_number": "1"}),
        Row(3, {"postcode": "6881 CD", "house_number": "2"}),
        Row(4, {"postcode": "6811 AB"}),
        Row(5, {"place": "Velp"}),
        Row(6, {"place": "velp"}),
    ]
    locations = [resolver.resolve(row) for row in rows]

    assert calls == [("6881 AB", None), ("6811 AB", None), (None, "Velp")]
    assert [loc.postcode for loc in locations] == ["6881 AB", "6881 CD", "6811 AB", "", ""]
    assert [loc.neighbourhood_id for loc in locations] == [
        region["areas"][name].pk for name in ("Velp",) * 2 + ("Arnhem",) + ("Velp",) * 2
    ]


def test_neighbourhood_only_within_the_postcodes_municipality(region):
    # A point between Arnhem's Centrum and Velp, with a Velp postcode: Velp, never Centrum.
    row = Row(2, {"postcode": "6881 AB", "latitude": "51.985", "longitude": "5.93"})
    location = LocationResolver(region["org_a"]).resolve(row)
    assert not row.errors
    assert location.neighbourhood_id == region["areas"]["Velp"].pk
    assert location.place == "Velp"  # from the postcode area
