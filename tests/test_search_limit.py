"""The faster directory search (the search index, a limit, cards read in one go) gives the
same answers as the plain way of asking the directory tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.directory.models import (
    Attribute,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from bot.directory.search import Directory, Match
from bot.geography import haversine_miles
from bot.needs import NEED_IDS
from bot.schedule import LONDON

PLACES = [
    (53.4617, -2.9706),  # Walton, L9: dense
    (53.6450, -3.0050),  # Southport: the edge of the directory
    (53.4084, -2.9916),  # city centre
    (53.5500, -2.7000),  # out in the country, little near
]
A_TUESDAY_MORNING = datetime(2026, 12, 1, 10, 30, tzinfo=LONDON)


def _in_category(need: str):  # type: ignore[no-untyped-def]
    """Active services in the category, joined the plain way."""
    return (
        select(Service.id)
        .join(Attribute, and_(Attribute.link_id == Service.id, Attribute.link_type == "service"))
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(TaxonomyTerm.code == need, Service.status == "active")
    )


def _reference_area_wide(engine: Engine, need: str) -> list[tuple[str, str | None]]:
    query = (
        _in_category(need)
        .add_columns(ServiceArea.name)
        .outerjoin(ServiceArea, ServiceArea.service_id == Service.id)
        .where(Service.national.is_(False), ~Service.service_at_locations.any())
        .order_by(Service.name, Service.id)
    )
    with session_scope(engine) as session:
        return [(sid, area) for sid, area in session.execute(query)]


def _reference_national(engine: Engine, need: str) -> list[str]:
    query = (
        _in_category(need)
        .where(Service.national.is_(True))
        .order_by(Service.verified.desc(), Service.name, Service.id)
    )
    with session_scope(engine) as session:
        return list(session.execute(query).scalars())


def _reference_search(
    engine: Engine, need: str, latitude: float, longitude: float, radius: float
) -> list[Match]:
    """Every venue of every active local service in the category, filtered in Python: the
    plain join the search used before it read the location index first."""
    query = (
        select(ServiceAtLocation.service_id, ServiceAtLocation.location_id, Location, Service.name)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .join(Attribute, and_(Attribute.link_id == Service.id, Attribute.link_type == "service"))
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(TaxonomyTerm.code == need, Service.status == "active", Service.national.is_(False))
    )
    with session_scope(engine) as session:
        rows = [
            (haversine_miles(latitude, longitude, loc.latitude, loc.longitude), name, sid, lid)
            for sid, lid, loc, name in session.execute(query)
        ]
    rows = sorted(r for r in rows if r[0] <= radius)
    seen: set[str] = set()
    found = []
    for distance, _name, service_id, location_id in rows:
        if service_id not in seen:
            seen.add(service_id)
            found.append(Match(service_id, location_id, distance))
    return found


@pytest.mark.parametrize("radius", [1.0, 3.0, 10.0])
def test_search_finds_what_the_plain_join_finds(loaded_engine: Engine, radius: float) -> None:
    directory = Directory(loaded_engine)
    for need in NEED_IDS:
        for latitude, longitude in PLACES:
            expected = _reference_search(loaded_engine, need, latitude, longitude, radius)
            found = directory.search(need, latitude, longitude, radius)
            assert [m.service_id for m in found] == [m.service_id for m in expected]
            assert [m.location_id for m in found] == [m.location_id for m in expected]
            assert [m.distance_miles for m in found] == pytest.approx(
                [m.distance_miles for m in expected]
            )


def test_area_wide_and_national_find_what_the_plain_join_finds(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    seen_area_wide = seen_national = 0
    for need in NEED_IDS:
        area_wide = [(m.service_id, area) for m, area in directory.area_wide(need)]
        national = [m.service_id for m in directory.national(need)]
        assert area_wide == _reference_area_wide(loaded_engine, need)
        assert national == _reference_national(loaded_engine, need)
        seen_area_wide += len(area_wide)
        seen_national += len(national)
    assert seen_area_wide and seen_national  # the shipped directory has both kinds


@pytest.mark.parametrize("limit", [1, 3, 5, 30])
def test_limit_is_the_start_of_the_full_search(loaded_engine: Engine, limit: int) -> None:
    directory = Directory(loaded_engine)
    for need in NEED_IDS:
        for latitude, longitude in PLACES:
            full = directory.search(need, latitude, longitude, 10.0)
            assert directory.search(need, latitude, longitude, 10.0, limit=limit) == full[:limit]


def test_no_limit_is_everything_within_the_radius(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    everything = directory.search("loneliness", *PLACES[0], 10.0)
    assert directory.search("loneliness", *PLACES[0], 10.0, limit=None) == everything
    assert len({m.service_id for m in everything}) == len(everything)  # one row per service


def test_cards_read_together_match_details_read_one_by_one(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    keys = [m.key for need in NEED_IDS for m in directory.search(need, *PLACES[0], 5.0)[:4]]
    keys += [m.key for m, _area in directory.area_wide("money")[:2]]
    keys += [m.key for m in directory.national("money")[:2]]
    keys.insert(3, "no-such-service@nowhere")
    keys.append(keys[0])  # a key asked for twice is shown twice
    one_by_one = [directory.details(key, A_TUESDAY_MORNING, PLACES[0]) for key in keys]
    cards = directory.cards(keys, A_TUESDAY_MORNING, PLACES[0])
    assert cards == [d for d in one_by_one if d is not None]
    assert len(cards) == len(keys) - 1


class _FullSearch(Directory):
    """The directory as find_services used it before: every match, however many."""

    def search(self, need, latitude, longitude, radius, limit=None):  # type: ignore[override]
        return super().search(need, latitude, longitude, radius)


def test_find_services_with_a_limited_search_finds_the_same(loaded_engine: Engine) -> None:
    from bot.areas import load_service_areas
    from bot.signposting import find_services

    areas = load_service_areas()
    limited, full = Directory(loaded_engine), _FullSearch(loaded_engine)
    for need in NEED_IDS:
        for latitude, longitude in [*PLACES, (51.5074, -0.1278)]:  # and London: nothing local
            for radius in (0.5, 3.0):
                place = ("L9", latitude, longitude)
                assert find_services(limited, need, place, radius, 10.0, areas) == find_services(
                    full, need, place, radius, 10.0, areas
                )
