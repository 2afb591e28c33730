"""The search index (`search_entry`): rebuilt with every load, filled by its migration exactly
as the loader fills it (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from alembic import command
from alembic.config import Config
from sqlalchemy import select, update
from sqlalchemy.engine import Engine, Row

from bot.config import REPO_ROOT
from bot.db import get_engine, session_scope
from bot.directory.loader import DirectoryError, load_directory
from bot.directory.models import SearchEntry, Service
from bot.directory.search import Directory
from bot.directory.search_index import rebuild_search_index
from bot.geography import Gazetteer

WALTON = (53.4617, -2.9706)


def _write(folder: Path, *services: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    document = {"organizations": [{"id": "org-x", "name": "Org", "services": list(services)}]}
    (folder / "test.yml").write_text(yaml.safe_dump(document))
    return folder


def _venue(service_id: str, latitude: float, longitude: float, needs: list[str]) -> dict:
    return {
        "id": service_id,
        "name": service_id.title(),
        "categories": needs,
        "locations": [
            {
                "id": f"{service_id}-hall",
                "name": "Hall",
                "latitude": latitude,
                "longitude": longitude,
            }
        ],
    }


def _rows(engine: Engine) -> list[Row]:
    """The index's contents, without its row numbers, in a fixed order."""
    columns = [c for c in SearchEntry.__table__.columns if c.name != "id"]
    with engine.connect() as connection:
        return sorted(connection.execute(select(*columns)).all(), key=repr)


def test_venues_at_the_edges_of_the_box_are_found_and_those_outside_are_not(
    tmp_path: Path,
) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'd.db'}")
    # One mile is 1/69 of a degree of latitude; the search's box is 2 miles each way.
    north = _venue("north", WALTON[0] + 1.99 / 69, WALTON[1], ["food"])
    too_far = _venue("too-far", WALTON[0] - 2.01 / 69, WALTON[1], ["food"])
    other_need = _venue("other-need", *WALTON, ["money"])
    folder = _write(tmp_path / "dir", north, too_far, other_need)
    load_directory(engine, folder, Gazetteer.load())
    found = Directory(engine).search("food", *WALTON, 2.0)
    assert [m.service_id for m in found] == ["north"]


def test_loading_again_replaces_the_index(database_url: str, tmp_path: Path) -> None:
    engine = get_engine(database_url)
    gazetteer = Gazetteer.load()
    directory = Directory(engine)
    first = _write(tmp_path / "first", _venue("old-food", *WALTON, ["food", "money"]))
    load_directory(engine, first, gazetteer)
    assert [m.service_id for m in directory.search("money", *WALTON, 3.0)] == ["old-food"]

    area_wide = {
        "id": "phone-line",
        "name": "Phone line",
        "categories": ["money"],
        "service_area": "Sefton",
    }
    national = {"id": "helpline", "name": "Helpline", "categories": ["money"], "national": True}
    second = _write(tmp_path / "second", _venue("new-food", *WALTON, ["food"]), area_wide, national)
    load_directory(engine, second, gazetteer)
    assert [m.service_id for m in directory.search("food", *WALTON, 3.0)] == ["new-food"]
    assert directory.search("money", *WALTON, 3.0) == []
    assert [(m.service_id, area) for m, area in directory.area_wide("money")] == [
        ("phone-line", "Sefton")
    ]
    assert [m.service_id for m in directory.national("money")] == ["helpline"]

    # A load that fails leaves the old index, with the old directory.
    with pytest.raises(DirectoryError):
        load_directory(engine, _write(tmp_path / "bad", {"id": "x", "name": "X"}), gazetteer)
    assert [m.service_id for m in directory.search("food", *WALTON, 3.0)] == ["new-food"]


def test_services_no_longer_active_are_not_found(loaded_engine: Engine) -> None:
    directory = Directory(loaded_engine)
    first = directory.search("food", *WALTON, 10.0)[0].service_id
    with session_scope(loaded_engine) as session:
        session.execute(update(Service).where(Service.id == first).values(status="inactive"))
        rebuild_search_index(session)
    assert first not in {m.service_id for m in directory.search("food", *WALTON, 10.0)}


def test_the_migration_fills_the_index_as_the_loader_does(loaded_engine: Engine) -> None:
    """A database upgraded with a directory already in it searches as a fresh load does."""
    directory = Directory(loaded_engine)
    loaded = _rows(loaded_engine)
    found = {need: directory.search(need, *WALTON, 10.0) for need in ("food", "money", "housing")}
    assert {row.reach for row in loaded} == {"venue", "area", "national"}

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "bot" / "migrations"))
    with loaded_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    with loaded_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    assert _rows(loaded_engine) == loaded
    for need, matches in found.items():
        assert directory.search(need, *WALTON, 10.0) == matches
