"""Offline geography: postcodes, outcodes, place names and distances (bot/geography.py)."""

from __future__ import annotations

import gzip
import math
import threading
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import geography
from bot.geography import (
    DEFAULT_GEO_DIR,
    MISSING_CENTROID_OUTCODES,
    NON_GEOGRAPHIC_OUTCODES,
    POSTCODE_RE,
    PRECISIONS,
    PROBLEMS,
    Gazetteer,
    LocationResult,
    Place,
    haversine_miles,
    normalise_postcode,
    outward_code,
)

LIME_STREET = (53.4076, -2.9778)  # Liverpool Lime Street station
SOUTHPORT = (53.6466, -3.0023)  # Southport station


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def live_outcodes() -> set[str]:
    with gzip.open(DEFAULT_GEO_DIR / geography.POSTCODES_FILE, "rt", encoding="ascii") as fh:
        next(fh)
        return {line.split(" ", 1)[0] for line in fh if line.strip()}


# ----------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l91aa", "L9 1AA"),
        ("L9 1AA", "L9 1AA"),
        (" l9  1aa ", "L9 1AA"),
        ("L9\t1aa\n", "L9 1AA"),
        ("pr81aa", "PR8 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
        ("GIR 0AA", "GIR 0AA"),
        ("ｌ９ １ａａ", "L9 1AA"),  # full-width characters from some phone keyboards
    ],
)
def test_normalise_postcode(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected
    assert POSTCODE_RE.match(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "L9",
        "L9 1",
        "12345",
        "hello",
        "L9 1AAA",
        "L9-1AA",
        "L9 1AO",  # O is never used in the inward letters
        "QL9 1AA",
        "L9 1CA",
        "😊",
        "L9 1AA please",
    ],
)
def test_normalise_postcode_rejects(text: str) -> None:
    assert normalise_postcode(text) is None


def test_normalise_postcode_tolerates_non_strings() -> None:
    assert normalise_postcode(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("postcode", "outcode"),
    [
        ("L9 1AA", "L9"),
        ("l91aa", "L9"),
        ("sw1a1aa", "SW1A"),
        ("PR8 1AA", "PR8"),
        ("GIR 0AA", "GIR"),
        ("ch41 1aa", "CH41"),
    ],
)
def test_outward_code(postcode: str, outcode: str) -> None:
    assert outward_code(postcode) == outcode


def test_outward_code_rejects_non_postcodes() -> None:
    with pytest.raises(ValueError):
        outward_code("Bootle")


# ----------------------------------------------------------------------------- distances


def test_haversine_lime_street_to_southport() -> None:
    miles = haversine_miles(*LIME_STREET, *SOUTHPORT)
    assert 16.0 <= miles <= 17.0  # about 16.5 miles as the crow flies
    assert haversine_miles(*SOUTHPORT, *LIME_STREET) == pytest.approx(miles)


def test_haversine_basics() -> None:
    assert haversine_miles(53.4, -2.9, 53.4, -2.9) == 0.0
    # one degree of latitude is about 69 miles
    assert haversine_miles(53.0, -3.0, 54.0, -3.0) == pytest.approx(69.09, abs=0.1)
    # London to Edinburgh is about 331 miles
    assert haversine_miles(51.5074, -0.1278, 55.9533, -3.1883) == pytest.approx(331, abs=3)


# ----------------------------------------------------------------------------- centroids


def test_load_is_quick_and_lazy() -> None:
    started = time.perf_counter()
    fresh = Gazetteer.load()
    assert time.perf_counter() - started < 3.0
    assert not fresh._postcodes.loaded  # the postcode list waits for first use


def test_centroids(gaz: Gazetteer) -> None:
    l1 = gaz.centroid("L1")
    assert l1 is not None
    assert haversine_miles(*l1, *LIME_STREET) < 1.0
    assert gaz.centroid("l1") == l1
    assert gaz.centroid(" pr8 ") == gaz.centroid("PR8")
    assert gaz.centroid("BT1") is not None  # from GeoNames (not in Code-Point)
    assert gaz.centroid("ZZ9") is None
    assert gaz.centroid("") is None


def test_every_live_outcode_is_known_with_a_centroid(gaz: Gazetteer) -> None:
    live = live_outcodes()
    assert len(live) == 2977
    assert all(gaz.is_known_outcode(oc) and gaz.centroid(oc) for oc in live)


def test_missing_outcodes_get_an_estimated_centroid(gaz: Gazetteer) -> None:
    for outcode in MISSING_CENTROID_OUTCODES:
        assert gaz.is_known_outcode(outcode)
        assert gaz.centroid_is_estimated(outcode)
        assert gaz.centroid(outcode) is not None
    assert gaz.centroid("E22") == gaz.centroid("E20")  # nearest district number, same area
    assert not gaz.centroid_is_estimated("L9")
    result = gaz.resolve("E22")
    assert result.ok and result.place is not None and result.place.outcode == "E22"


# ----------------------------------------------------------------------------- postcodes


def test_postcode_exists(gaz: Gazetteer) -> None:
    for postcode in ["L9 1AA", "l91aa", " L4 0TH ", "PR8 1AA", "SW1A 1AA", "BT1 1AA", "E22 3AD"]:
        assert gaz.postcode_exists(postcode), postcode
    for postcode in ["L9 9ZZ", "PR8 9ZZ", "GIR 0AA", "AB1 0AA", "hello", "", "L9"]:
        assert not gaz.postcode_exists(postcode), postcode


def test_postcode_blob_is_complete_and_sorted(gaz: Gazetteer) -> None:
    records = gaz._postcodes.records()
    assert len(records) == 1_799_395
    blob = records._blob
    width = geography._RECORD
    assert len(blob) == width * len(records)
    previous = b""
    for start in range(0, len(blob), width):
        record = blob[start : start + width]
        assert record > previous
        previous = record


def test_postcode_lookup_speed(gaz: Gazetteer) -> None:
    gaz.warm_up()
    started = time.perf_counter()
    for _ in range(2000):
        assert gaz.postcode_exists("L9 1AA")
        assert not gaz.postcode_exists("L9 9ZZ")
    per_lookup = (time.perf_counter() - started) / 4000
    assert per_lookup < 0.001  # measured ~10 µs


def test_postcode_index_builds_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_build = geography.build_postcode_blob

    def counting_build(path):  # type: ignore[no-untyped-def]
        calls.append(path)
        time.sleep(0.05)
        return real_build(path)

    monkeypatch.setattr(geography, "build_postcode_blob", counting_build)
    fresh = Gazetteer.load()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.append(fresh.postcode_exists("L20 3AJ"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8
    assert len(calls) == 1


def test_slow_path_builds_the_same_blob(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # An unsorted, ungrouped list with a header, CRLF endings and lower case still works.
    path = tmp_path / "postcodes.txt"
    path.write_bytes(b"postcode\r\nl9 1aa\r\nAB10 1AB\r\nL9 1AB\r\nL20 3AJ\r\nAB1 0AA\r\n")
    blob = geography.build_postcode_blob(path)
    records = [blob[i : i + 7] for i in range(0, len(blob), 7)]
    assert records == sorted(records)
    assert b"L9  1AA" in records and b"AB101AB" in records and len(records) == 5


def test_full_postcode_resolves_to_outcode_only(gaz: Gazetteer) -> None:
    for text in ["L9 1AA", "l91aa", " l9  1aa ", "my postcode is l9 1aa thanks"]:
        result = gaz.resolve(text)
        assert result.ok, text
        assert result.place == Place("L9", "L9", *gaz.centroid("L9"), "postcode")
        assert "1AA" not in result.place.label  # the full postcode is never kept


def test_unknown_postcode(gaz: Gazetteer) -> None:
    assert gaz.resolve("L9 9ZZ") == LocationResult(None, "unknown_postcode", ("L9",))
    assert gaz.resolve("GIR 0AA") == LocationResult(None, "unknown_postcode", ())
    assert gaz.resolve("near L9 9ZZ").problem == "unknown_postcode"
    assert gaz.find_in_text("near L9 9ZZ") is None


@pytest.mark.parametrize(
    ("typed", "outcode"),
    [
        ("L2O 3AJ", "L20"),  # letter O for zero
        ("PRB 1AA", "PR8"),  # B for 8
        ("l9 iaa", "L9"),  # I for 1
    ],
)
def test_postcode_lookalike_typos(gaz: Gazetteer, typed: str, outcode: str) -> None:
    result = gaz.resolve(typed)
    assert result.ok, result
    assert result.place is not None
    assert (result.place.outcode, result.place.precision) == (outcode, "postcode")


def test_bad_postcode_format_offers_the_outcode(gaz: Gazetteer) -> None:
    assert gaz.resolve("L9 1AO") == LocationResult(None, "bad_postcode_format", ("L9",))
    assert gaz.resolve("LO 1AA").problem == "bad_postcode_format"


# ----------------------------------------------------------------------------- outcodes


@pytest.mark.parametrize(
    ("text", "outcode"),
    [
        ("L9", "L9"),
        ("l9", "L9"),
        ("pr8", "PR8"),
        ("Pr9", "PR9"),
        (" L20 ", "L20"),
        ("near L20", "L20"),
        ("CH41", "CH41"),
        ("BT1", "BT1"),
        ("WA10", "WA10"),
        ("Liverpool 8", "L8"),
        ("it's L4 mate", "L4"),
    ],
)
def test_outcodes(gaz: Gazetteer, text: str, outcode: str) -> None:
    result = gaz.resolve(text)
    assert result.ok, (text, result)
    assert result.place == Place(outcode, outcode, *gaz.centroid(outcode), "outcode")


def test_unknown_outcode(gaz: Gazetteer) -> None:
    assert gaz.resolve("L99").problem == "unknown_outcode"
    assert gaz.resolve("ZZ9").problem in {"unknown_outcode", "bad_postcode_format"}


# ----------------------------------------------------------------------------- place names

REGION_NAMES = [
    ("Bootle", "L20"),
    ("southport", "PR8"),
    ("Walton", "L9"),
    ("Kirkby", "L32"),
    ("Crosby", "L23"),
    ("Anfield", "L4"),
    ("Toxteth", "L8"),
    ("Formby", "L37"),
    ("Maghull", "L31"),
    ("Litherland", "L21"),
    ("Netherton", "L30"),
    ("Aintree", "L10"),
    ("Everton", "L5"),
    ("Wavertree", "L15"),
    ("Garston", "L19"),
    ("Speke", "L24"),
    ("Allerton", "L18"),
    ("Old Swan", "L13"),
    ("West Derby", "L12"),
    ("Norris Green", "L11"),
    ("Croxteth", "L11"),
    ("Huyton", "L36"),
    ("St Helens", "WA10"),
    ("Birkenhead", "CH41"),
    ("Wallasey", "CH44"),
    ("Ormskirk", "L39"),
    ("Skelmersdale", "WN8"),
    ("Prescot", "L34"),
]


@pytest.mark.parametrize(("name", "outcode"), REGION_NAMES)
def test_region_place_names(gaz: Gazetteer, name: str, outcode: str) -> None:
    result = gaz.resolve(name)
    assert result.ok, (name, result)
    place = result.place
    assert place is not None
    assert (place.outcode, place.precision) == (outcode, "place")
    assert place.label.endswith(f"({outcode})")
    assert (place.latitude, place.longitude) == gaz.centroid(outcode)


@pytest.mark.parametrize(
    "text",
    [
        "southport",
        "Southport ",
        "SOUTHPORT",
        "  southport!!",
        "Southport.",
        "southprt",
        "Southpoert",
        "I'm in Southport",
        "Southport, Merseyside",
    ],
)
def test_case_spacing_and_light_typos(gaz: Gazetteer, text: str) -> None:
    result = gaz.resolve(text)
    assert result.place is not None, text
    assert result.place.label == "Southport (PR8)"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Maghul", "Maghull (L31)"),
        ("Birkenhed", "Birkenhead (CH41)"),
        ("Kirby", "Kirkby (L32)"),
        ("st. helens", "St Helens (WA10)"),
        ("Saint Helens", "St Helens (WA10)"),
        ("newton le willows", "Newton-le-Willows (WA12)"),
        ("Hunt's Cross", "Hunts Cross (L25)"),
        ("the Dingle", "Dingle (L8)"),
        ("oldswan", "Old Swan (L13)"),
        ("Skem", "Skelmersdale (WN8)"),
        ("Liverpool city centre", "Liverpool city centre (L1)"),
    ],
)
def test_aliases_and_spellings(gaz: Gazetteer, text: str, label: str) -> None:
    result = gaz.resolve(text)
    assert result.place is not None, (text, result)
    assert result.place.label == label


@pytest.mark.parametrize(
    ("text", "outcode"),
    [
        ("I'm in Bootle", "L20"),
        ("I live in Walton, Liverpool", "L9"),
        ("Bootle, Liverpool", "L20"),
        ("we're near Crosby", "L23"),
        ("Anfield area please", "L4"),
        ("I live in Banks", "PR9"),  # an everyday word, but answered as a place
        ("Banks", "PR9"),
    ],
)
def test_sentences(gaz: Gazetteer, text: str, outcode: str) -> None:
    result = gaz.resolve(text)
    assert result.place is not None, (text, result)
    assert result.place.outcode == outcode


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("Liverpool", "North Liverpool"),
        ("Sefton", "Southport"),
        ("Wirral", "Birkenhead"),
        ("Knowsley", "Kirkby"),
        ("Orrell", "Orrell, Bootle"),
        ("Eccleston", "Eccleston, St Helens"),
        ("Newport", "Newport (NP20)"),
    ],
)
def test_ambiguous_names_offer_candidates_that_resolve(
    gaz: Gazetteer, text: str, offered: str
) -> None:
    result = gaz.resolve(text)
    assert result.problem == "ambiguous" and result.place is None
    assert offered in result.candidates
    assert 2 <= len(result.candidates) <= 5
    for candidate in result.candidates:
        answer = gaz.resolve(candidate)
        assert answer.ok or answer.problem == "ambiguous", (candidate, answer)


def test_disambiguated_names(gaz: Gazetteer) -> None:
    assert gaz.resolve("Orrell, Bootle").place.label == "Orrell, Bootle (L20)"  # type: ignore[union-attr]
    assert gaz.resolve("Orrell, Wigan").place.outcode == "WN5"  # type: ignore[union-attr]
    assert gaz.resolve("Orrell Park").place.outcode == "L9"  # type: ignore[union-attr]
    assert gaz.outcodes_for("Kirkby") == ("L32", "L33")
    assert gaz.outcodes_for("nowhere") == ()


@pytest.mark.parametrize(
    ("text", "outcode"),
    [
        ("Manchester", "M1"),
        ("Leeds", "LS1"),
        ("Preston", "PR1"),
        ("Warrington", "WA1"),
        ("Chester", "CH1"),
        ("Belfast", "BT1"),
        ("I live in Stoke-on-Trent now", "ST4"),
    ],
)
def test_rest_of_uk_names(gaz: Gazetteer, text: str, outcode: str) -> None:
    result = gaz.resolve(text)
    assert result.place is not None, (text, result)
    assert (result.place.outcode, result.place.precision) == (outcode, "place")


# ----------------------------------------------------------------------------- in a message


@pytest.mark.parametrize(
    ("text", "outcode"),
    [
        ("need a food bank in Bootle", "L20"),
        ("any help with debt near L20?", "L20"),
        ("I'm in l9", "L9"),
        ("my postcode is l91aa", "L9"),
        ("I live in Ford", "L21"),
        ("we are near the Dingle", "L8"),
        ("food in Crosby please", "L23"),
        ("I have 2 kids and live in Netherton", "L30"),
        ("Southport Road, Bootle", "L20"),
        ("I work in the city centre", "L1"),
        ("somewhere to talk in Liverpool 4", "L4"),
        ("I live in Manchester", "M1"),
    ],
)
def test_find_in_text(gaz: Gazetteer, text: str, outcode: str) -> None:
    place = gaz.find_in_text(text)
    assert place is not None, text
    assert place.outcode == outcode


@pytest.mark.parametrize(
    "text",
    [
        "I need food banks near me",
        "help with my Ford car",
        "Vauxhall Corsa broke down",
        "Everton FC tickets",
        "I live on Walton Road",
        "my kids are l8",
        "I need B12 injections",
        "hale and hearty",
        "the clock face is broken",
        "I was in hospital for a week",
        "I am stuck at home",
        "I'm reading a book about work",
        "hello",
        "",
    ],
)
def test_find_in_text_ignores_ordinary_words(gaz: Gazetteer, text: str) -> None:
    assert gaz.find_in_text(text) is None


def test_locate_in_text_reports_ambiguity(gaz: Gazetteer) -> None:
    result = gaz.locate_in_text("debt advice in Sefton")
    assert result.problem == "ambiguous" and "Bootle" in result.candidates
    assert gaz.find_in_text("debt advice in Sefton") is None
    assert gaz.locate_in_text("nothing here").problem == "not_a_location"


# ----------------------------------------------------------------------------- coordinates


@pytest.mark.parametrize(
    ("point", "outcode"),
    [
        (LIME_STREET, "L3"),
        ((53.4480, -2.9930), "L20"),  # Bootle Strand
        ((53.4308, -2.9608), "L4"),  # Anfield
        ((53.6476, -3.0065), "PR8"),  # Southport, Lord Street
        ((54.5970, -5.9300), "BT1"),  # Belfast (GeoNames centroid)
        ((51.5014, -0.1419), "SW1E"),  # not the obsolete GeoNames-only W1M / SW1
    ],
)
def test_place_from_coordinates(gaz: Gazetteer, point: tuple[float, float], outcode: str) -> None:
    place = gaz.place_from_coordinates(*point)
    assert place.outcode == outcode and place.precision == "outcode"
    assert (place.latitude, place.longitude) == gaz.centroid(outcode)  # not the exact point
    assert place.label == outcode


def test_place_from_coordinates_never_picks_non_geographic(gaz: Gazetteer) -> None:
    for i in range(40):
        for j in range(40):
            lat, lon = 53.30 + i * 0.01, -3.20 + j * 0.02
            outcode = gaz.place_from_coordinates(lat, lon).outcode
            assert outcode not in NON_GEOGRAPHIC_OUTCODES, (lat, lon, outcode)


@pytest.mark.parametrize(
    "point", [(float("nan"), 0.0), (91.0, 0.0), (0.0, 181.0), (float("inf"), -3.0)]
)
def test_place_from_coordinates_rejects_impossible_points(
    gaz: Gazetteer, point: tuple[float, float]
) -> None:
    with pytest.raises(ValueError):
        gaz.place_from_coordinates(*point)


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("    ", "empty"),
        ("😊", "empty"),
        ("!!!", "empty"),
        ("hello", "not_a_location"),
        ("I don't know", "not_a_location"),
        ("why do you need that", "not_a_location"),
        ("12345", "bad_postcode_format"),
        ("L91 1", "bad_postcode_format"),
        ("Timbuktu", "unknown_place"),
        ("x" * 10_000, "not_a_location"),
        ("Bootle " * 2_000, None),
        ("I'm at work", "not_a_location"),
    ],
)
def test_bad_inputs_give_a_problem_code(gaz: Gazetteer, text: str, problem: str | None) -> None:
    result = gaz.resolve(text)
    assert result.problem == problem, (text[:30], result)
    assert (result.place is None) == (problem is not None)


def test_non_string_input(gaz: Gazetteer) -> None:
    assert gaz.resolve(None).problem == "empty"  # type: ignore[arg-type]
    assert gaz.find_in_text(None) is None  # type: ignore[arg-type]


def test_long_input_is_fast(gaz: Gazetteer) -> None:
    text = "I really need some help with money and housing please " * 200
    started = time.perf_counter()
    gaz.resolve(text)
    gaz.find_in_text(text)
    assert time.perf_counter() - started < 1.0


def _check(result: LocationResult, gaz: Gazetteer) -> None:
    assert isinstance(result, LocationResult)
    if result.place is None:
        assert result.problem in PROBLEMS
    else:
        assert result.problem is None
        assert result.place.precision in PRECISIONS
        assert gaz.is_known_outcode(result.place.outcode)
        assert math.isfinite(result.place.latitude) and math.isfinite(result.place.longitude)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=120))
def test_never_raises_on_any_text(gaz: Gazetteer, text: str) -> None:
    _check(gaz.resolve(text), gaz)
    _check(gaz.locate_in_text(text), gaz)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPRSTUWYZ0123456789 lo", min_size=1, max_size=10))
def test_never_raises_on_postcode_like_text(gaz: Gazetteer, text: str) -> None:
    _check(gaz.resolve(text), gaz)


# ----------------------------------------------------------------------------- places.yml


def test_places_file_is_sound(gaz: Gazetteer) -> None:
    document = yaml.safe_load((DEFAULT_GEO_DIR / "places.yml").read_text(encoding="utf-8"))
    liverpool = gaz.centroid("L1")
    assert liverpool is not None
    for item in document["places"]:
        outcodes = item["outcodes"]
        rep = gaz.centroid(outcodes[0])
        assert rep is not None, item
        assert haversine_miles(*rep, *liverpool) < 30, item  # in or next to the region
        for outcode in outcodes:
            other = gaz.centroid(outcode)
            assert other is not None and outcode not in NON_GEOGRAPHIC_OUTCODES, item
            assert haversine_miles(*rep, *other) < 8, item  # one place's outcodes are close
        answer = gaz.resolve(item["name"])
        if item.get("qualifier"):
            assert answer.problem == "ambiguous"
            answer = gaz.resolve(f"{item['name']}, {item['qualifier']}")
        assert answer.place is not None, item
        assert answer.place.outcode == outcodes[0], item
        for alias in item.get("aliases") or []:
            via_alias = gaz.resolve(alias)
            assert via_alias.place is not None and via_alias.place.outcode == outcodes[0], alias
    for area in document["areas"]:
        result = gaz.resolve(area["name"])
        assert result.problem == "ambiguous" and list(result.candidates) == area["choose_from"]
    names = gaz.place_names()
    assert "Bootle" in names and "Liverpool" in names
