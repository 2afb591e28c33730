"""Finding and describing services, as the conversation uses it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.engine import Engine

from bot.areas import load_service_areas
from bot.directory.search import Directory
from bot.schedule import LONDON
from bot.signposting import (
    SAMPLE_NOTE,
    details_data,
    find_services,
    national_data,
    page_data,
    parse_result_number,
    render_details,
    render_national,
    render_page,
    results_intro,
)

WALTON = (53.4617, -2.9706)
IN_WALTON = ("L9", *WALTON)
SOUTHPORT = (53.6450, -3.0050)
IN_SOUTHPORT = ("PR8", *SOUTHPORT)
LONDON_CENTRE = (51.5074, -0.1278)
IN_LONDON = ("SW1A", *LONDON_CENTRE)
AREAS = load_service_areas()
NOW = datetime(2026, 12, 1, 10, 30, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        ("tell me more about 3", 3),
        ("number 1 please", 1),
        ("the second one", 2),
        ("3rd", 3),
        ("what about the last one", -1),
        ("more on option four", 4),
        ("whats the address for number 1", 1),
        ("when is the first one open", 1),
        ("the one that opens at 10am", None),
        ("hello", None),
        ("", None),
    ],
)
def test_parse_result_number(text: str, number: int | None) -> None:
    assert parse_result_number(text) == number


def test_nearest_three_with_distances(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    outcome = find_services(directory, "money", IN_WALTON, 3, 10, AREAS)
    assert len(outcome.keys) >= 3 and not outcome.widened and outcome.in_area
    cards = directory.cards(list(outcome.keys[:3]), NOW, WALTON)
    text = render_page(results_intro("L9", "money", outcome), cards, 1)
    assert text.startswith("Here are some places near L9 that help with money and debt:")
    for number, card in enumerate(cards, start=1):
        assert f"{number}. {card.name}" in text
        assert "miles away" in text or "mile away" in text
    assert SAMPLE_NOTE in text  # sample data is always labelled as such


def test_widens_once_and_says_so(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    # A tiny first radius forces the widening step.
    outcome = find_services(directory, "carers", IN_SOUTHPORT, 0.01, 25, AREAS)
    assert outcome.widened and outcome.keys
    intro = results_intro("PR8", "carers", outcome)
    assert "looked a bit further" in intro and "25 miles" in intro


def test_nothing_local_gives_national_helplines(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    outcome = find_services(directory, "money", IN_LONDON, 3, 10, AREAS)
    assert outcome.keys == () and not outcome.in_area and outcome.national_keys
    cards = directory.cards(list(outcome.national_keys), NOW)
    text = render_national(cards, "SW1A", "money", outcome.in_area)
    assert "Liverpool and Sefton" in text and "anywhere in the UK" in text
    assert "StepChange" in text
    # An unchecked number is never presented as checked.
    unchecked = [c for c in cards if not c.verified]
    assert unchecked and "haven't been able to check" in text


def test_details_read_well(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    outcome = find_services(directory, "food", IN_WALTON, 3, 10, AREAS)
    details = directory.details(outcome.keys[0], NOW, WALTON)
    assert details is not None
    text = render_details(1, details)
    assert text.startswith(f"1. {details.name}")
    for label in ("Where:", "When:", "Phone:"):
        assert label in text
    assert "made-up example" in text


def test_area_wide_services_only_where_they_cover(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    sefton_only = [m.key for m, area in directory.area_wide("housing") if area == "Sefton"]
    assert sefton_only
    in_bootle = find_services(directory, "housing", ("L20", 53.4540, -2.9890), 3, 10, AREAS)
    in_walton = find_services(directory, "housing", IN_WALTON, 3, 10, AREAS)
    in_toxteth = find_services(directory, "housing", ("L8", 53.3900, -2.9650), 3, 10, AREAS)
    assert set(sefton_only) <= set(in_bootle.keys)
    assert set(sefton_only) <= set(in_walton.keys)  # L9 straddles the boundary
    assert not set(sefton_only) & set(in_toxteth.keys)


def test_a_service_at_several_places_is_listed_once(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    matches = directory.search("housing", *WALTON, radius=10)
    services = [m.service_id for m in matches]
    assert len(services) == len(set(services))


def test_the_same_results_as_data(loaded_engine: Engine) -> None:
    """What a channel that lays services out itself gets: the words' facts, JSON-ready."""
    directory = Directory(loaded_engine)
    outcome = find_services(directory, "money", IN_WALTON, 3, 10, AREAS)
    cards = directory.cards(list(outcome.keys[:3]), NOW, WALTON)
    intro = results_intro("L9", "money", outcome)
    data = page_data(intro, cards, 1, "After.", results_intro("L9", "money", outcome, short=True))
    text = render_page(intro, cards, 1)
    assert data["intro"] == intro and data["note"] == SAMPLE_NOTE and data["after"] == "After."
    for number, (service, card) in enumerate(zip(data["services"], cards, strict=True), 1):
        assert service["number"] == number and f"{number}. {service['name']}" in text
        assert service["phone"] == card.phone and service["distance"] in text
        assert service["status"] == card.status

    details = directory.details(outcome.keys[0], NOW, WALTON)
    assert details is not None
    about = details_data(1, details, None)
    assert about["kind"] == "details" and about["address"] == details.address
    assert [tuple(p) for p in about["phones"]] == list(details.phones)
    assert about["website"] == details.website and about["hours"] == details.hours

    far = find_services(directory, "money", IN_LONDON, 3, 10, AREAS)
    helplines = directory.cards(list(far.national_keys), NOW)
    national = national_data(helplines, "SW1A", "money", far.in_area, None)
    assert national is not None and len(national["services"]) == len(helplines)
    assert national["note"] and len(national["intro_short"]) < len(national["intro"])
    assert national_data([], "SW1A", "money", far.in_area, None) is None


def test_a_widened_search_has_a_short_intro_too(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    outcome = find_services(directory, "carers", IN_SOUTHPORT, 0.01, 25, AREAS)
    short = results_intro("PR8", "carers", outcome, short=True)
    assert "PR8" in short and "25 miles" in short
    assert len(short) < len(results_intro("PR8", "carers", outcome))
