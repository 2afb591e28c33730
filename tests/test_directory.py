"""The directory: loading the shipped YAML, searching it, reading details (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.config import REPO_ROOT
from bot.db import get_engine, session_scope
from bot.directory.loader import DirectoryError, load_directory
from bot.directory.models import Location, Service, TaxonomyTerm
from bot.directory.search import Directory
from bot.geography import Gazetteer, haversine_miles
from bot.needs import NEED_IDS
from bot.schedule import LONDON

WALTON = (53.4617, -2.9706)  # L9, north Liverpool
A_TUESDAY_MORNING = datetime(2026, 12, 1, 10, 30, tzinfo=LONDON)


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_load_is_idempotent_and_complete(loaded_engine: Engine) -> None:
    services = _count(loaded_engine, Service)
    load_directory(loaded_engine, REPO_ROOT / "resources" / "directory", Gazetteer.load())
    assert _count(loaded_engine, Service) == services
    assert services >= 60 + 19
    assert _count(loaded_engine, TaxonomyTerm) == len(NEED_IDS)


def test_every_category_has_local_services_near_liverpool(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    for need in NEED_IDS:
        matches = directory.search(need, *WALTON, radius=15)
        assert matches, f"no local services for {need}"


def test_results_are_nearest_first_within_radius(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    matches = directory.search("loneliness", *WALTON, radius=5)
    distances = [m.distance_miles for m in matches]
    assert distances == sorted(distances)
    assert all(d is not None and d <= 5 for d in distances)
    with session_scope(loaded_engine) as session:
        for match in matches[:5]:
            location = session.get(Location, match.location_id)
            assert haversine_miles(*WALTON, location.latitude, location.longitude) == pytest.approx(
                match.distance_miles
            )


def test_search_far_from_the_directory_finds_nothing_local(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    london = (51.5074, -0.1278)
    assert directory.search("food", *london, radius=10) == []
    assert not directory.covers(*london, 10)
    assert directory.covers(*WALTON, 10)


def test_national_helplines_carry_source_and_verification(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    keys = [m.key for m in directory.national("money")]
    assert keys
    cards = directory.cards(keys, A_TUESDAY_MORNING)
    assert all(card.national and not card.sample for card in cards)
    # Checked numbers come first; unchecked ones are marked as such.
    flags = [card.verified for card in cards]
    assert flags == sorted(flags, reverse=True)
    details = [directory.details(key, A_TUESDAY_MORNING) for key in keys]
    assert all(d is not None and d.source_url and d.verification_status for d in details)


def test_details_have_what_a_person_needs(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    match = directory.search("food", *WALTON, radius=10)[0]
    details = directory.details(match.key, A_TUESDAY_MORNING, origin=WALTON)
    assert details is not None
    assert details.name and details.description and details.sample
    assert details.address and details.hours and details.phones
    assert details.distance_miles == pytest.approx(match.distance_miles)


def test_area_wide_services_have_no_venue(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    found = [m for need in NEED_IDS for m, _area in directory.area_wide(need)]
    assert found and all(m.location_id is None for m in found)
    card = directory.cards([found[0].key], A_TUESDAY_MORNING)[0]
    assert card.area and card.distance_miles is None


def test_unknown_keys_are_skipped(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    assert directory.cards(["no-such-service@nowhere"], A_TUESDAY_MORNING) == []
    assert directory.details("no-such-service", A_TUESDAY_MORNING) is None


def _write(folder: Path, document: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test.yml").write_text(yaml.safe_dump(document))
    return folder


def _one_service(**overrides: object) -> dict:
    service = {
        "id": "svc-x",
        "name": "X",
        "categories": ["food"],
        "locations": [{"id": "loc-x", "name": "Hall", "postcode": "L9 1AD"}],
    }
    service.update(overrides)
    return {"organizations": [{"id": "org-x", "name": "Org", "services": [service]}]}


def test_location_without_coordinates_uses_the_outcode_centre(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'd.db'}")
    gazetteer = Gazetteer.load()
    load_directory(engine, _write(tmp_path / "dir", _one_service()), gazetteer)
    with session_scope(engine) as session:
        location = session.get(Location, "loc-x")
        assert location.outcode == "L9"
        assert (location.latitude, location.longitude) == gazetteer.centroid("L9")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_one_service(categories=["parking"]), "unknown"),
        (_one_service(categories=[]), "categories"),
        (_one_service(locations=[]), "needs locations"),
        ({"services": []}, "organizations"),
    ],
)
def test_bad_directory_files_are_refused_and_old_data_kept(
    tmp_path: Path, document: dict, message: str
) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'd.db'}")
    gazetteer = Gazetteer.load()
    load_directory(engine, _write(tmp_path / "good", _one_service()), gazetteer)
    with pytest.raises(DirectoryError, match=message):
        load_directory(engine, _write(tmp_path / "bad", document), gazetteer)
    assert _count(engine, Service) == 1
