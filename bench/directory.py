"""Directory search at scale: a synthetic directory of 100,000 services, on SQLite and
PostgreSQL, searched by category + location the way a conversation searches it.

The directory is generated here, through the project's own schema (the Alembic migrations),
and its search index is rebuilt as `load_directory` does. Venues are placed at real
outward-code centres, weighted by how many postcodes each has (so cities are dense, as real
directories are), with up to a mile of scatter; 85% of services have one venue, 5% several,
9% are area-wide (phone or outreach, no venue) and 1% national. Queries come from random
outward codes weighted the same way, with a random category.

Per query, in milliseconds:
- search: `Directory.search` at the widened 10-mile radius, as `find_services` calls it
  (every service in the category within 10 miles, nearest first);
- nearest 30: `Directory.search(..., limit=30)`, the nearest 30 only (what a conversation
  can show), where the code has it; checked to give the same first 30 as the full search;
- search turn: everything a search turn asks of the database: `find_services` (search,
  coverage check, area-wide and, if nothing local, national services) and the first page of
  3 cards.
Each database is measured as loaded (no planner statistics yet) and again after ANALYZE
(what PostgreSQL's autovacuum does on its own shortly after a big load).

    .venv/bin/python -m bench.directory [--services 100000] [--queries 1000] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.common import (
    REPO,
    emit,
    machine_header,
    percentile,
    table,
    throwaway_postgres,
)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
AREAS = ["Liverpool", "North Liverpool", "South Liverpool", "Sefton", "Southport and Formby"]
BATCH = 5000
TABLES = (
    "taxonomy_term",
    "organization",
    "service",
    "attribute",
    "location",
    "address",
    "service_at_location",
    "schedule",
    "contact",
    "phone",
    "service_area",
    "search_entry",
)


def _outcodes(rng: random.Random) -> tuple[list[tuple[str, float, float]], list[int]]:
    """Real outward-code centres (England, Wales, Scotland) and their postcode counts."""
    path = REPO / "resources" / "geo" / "uk_outcodes_codepointopen2014_ogl.csv"
    places, weights = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            count = int(row["postcode_count"] or 0)
            if count > 0:
                places.append((row["outcode"], float(row["latitude"]), float(row["longitude"])))
                weights.append(count)
    return places, weights


def _scatter(lat: float, lon: float, rng: random.Random, miles: float = 1.0) -> tuple[float, float]:
    distance = miles * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 69.0
    dlon = distance * math.sin(angle) / (69.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def generate(engine, services: int, seed: int = 42) -> dict[str, int]:
    """Fill an empty database (schema by migration) with a synthetic directory."""
    from sqlalchemy import insert

    from bot.db import create_schema
    from bot.directory.models import (
        NEEDS_TAXONOMY,
        Address,
        Attribute,
        Contact,
        Location,
        Organization,
        Phone,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
        TaxonomyTerm,
    )
    from bot.directory.search_index import rebuild_search_index
    from bot.needs import LABELS, NEED_IDS

    create_schema(engine)
    rng = random.Random(seed)
    places, weights = _outcodes(rng)
    rows: dict[type, list[dict]] = {
        m: []
        for m in (
            TaxonomyTerm,
            Organization,
            Service,
            Attribute,
            Location,
            Address,
            ServiceAtLocation,
            Schedule,
            Contact,
            Phone,
            ServiceArea,
        )
    }
    for need in NEED_IDS:
        rows[TaxonomyTerm].append(
            {
                "id": f"need-{need}",
                "code": need,
                "name": LABELS[need],
                "description": "",
                "taxonomy": NEEDS_TAXONOMY,
            }
        )
    organizations = max(1, services // 10)
    for o in range(organizations):
        rows[Organization].append(
            {
                "id": f"org-{o}",
                "name": f"Organisation {o}",
                "description": "",
                "sample": True,
                "source": "bench",
            }
        )
    location_count = 0

    def new_location() -> str:
        nonlocal location_count
        location_count += 1
        outcode, lat, lon = rng.choices(places, weights)[0]
        lat, lon = _scatter(lat, lon, rng)
        location_id = f"loc-{location_count}"
        rows[Location].append(
            {
                "id": location_id,
                "location_type": "physical",
                "name": f"Venue {location_count}",
                "latitude": lat,
                "longitude": lon,
                "outcode": outcode,
            }
        )
        rows[Address].append(
            {
                "id": f"{location_id}:address",
                "location_id": location_id,
                "address_1": f"{location_count} High Street",
                "city": "Town",
                "postal_code": f"{outcode} 1AA",
                "country": "GB",
                "address_type": "physical",
            }
        )
        return location_id

    shared_venues: list[str] = []
    for s in range(services):
        service_id = f"svc-{s}"
        roll = rng.random()
        national = roll < 0.01
        area_wide = 0.01 <= roll < 0.10
        rows[Service].append(
            {
                "id": service_id,
                "organization_id": f"org-{rng.randrange(organizations)}",
                "name": f"Service {s}",
                "description": "A made-up service for the benchmark.",
                "status": "active",
                "kind": rng.choice(["service", "group", "course"]),
                "national": national,
                "always_open": False,
                "open_on_bank_holidays": False,
                "sample": True,
                "source": "bench",
                "verified": True,
            }
        )
        needs = [rng.choice(NEED_IDS)]
        if rng.random() < 0.2:
            needs.append(rng.choice([n for n in NEED_IDS if n != needs[0]]))
        for need in needs:
            rows[Attribute].append(
                {
                    "id": f"{service_id}:{need}",
                    "link_id": service_id,
                    "link_type": "service",
                    "taxonomy_term_id": f"need-{need}",
                }
            )
        rows[Contact].append({"id": f"{service_id}:contact", "service_id": service_id})
        rows[Phone].append(
            {
                "id": f"{service_id}:contact:0",
                "contact_id": f"{service_id}:contact",
                "number": f"0151 496 {s % 10000:04d}",
            }
        )
        day = rng.choice(WEEKDAYS)
        rows[Schedule].append(
            {
                "id": f"{service_id}:sched:0",
                "service_id": service_id,
                "service_at_location_id": None,
                "freq": "WEEKLY",
                "byday": f"{day},{WEEKDAYS[(WEEKDAYS.index(day) + 2) % 7]}",
                "opens_at": "09:00",
                "closes_at": "17:00",
            }
        )
        if national:
            continue
        if area_wide:
            rows[ServiceArea].append(
                {
                    "id": f"{service_id}:area",
                    "service_id": service_id,
                    "name": rng.choice(AREAS),
                    "extent_type": "text",
                }
            )
            continue
        venues = 1 if rng.random() < 0.945 else rng.randrange(2, 5)
        for _ in range(venues):
            # Some venues (community centres, hubs) host several services.
            if shared_venues and rng.random() < 0.2:
                location_id = rng.choice(shared_venues)
            else:
                location_id = new_location()
                shared_venues.append(location_id)
            sal_id = f"{service_id}@{location_id}"
            if any(r["id"] == sal_id for r in rows[ServiceAtLocation][-4:]):
                continue
            rows[ServiceAtLocation].append(
                {"id": sal_id, "service_id": service_id, "location_id": location_id}
            )
    with engine.begin() as connection:
        for model, values in rows.items():
            for start in range(0, len(values), BATCH):
                connection.execute(insert(model.__table__), values[start : start + BATCH])
        # What load_directory does after writing the directory tables.
        indexed = rebuild_search_index(connection)
    counts = {model.__tablename__: len(values) for model, values in rows.items()}
    return counts | {"search_entry": indexed}


def _analyse(engine) -> None:
    """What autovacuum does soon after a big load on PostgreSQL (and ANALYZE on SQLite)."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _has_limit() -> bool:
    import inspect

    from bot.directory.search import Directory

    return "limit" in inspect.signature(Directory.search).parameters


def measure(engine, queries: int, seed: int = 7) -> dict[str, list[float]]:
    """Milliseconds per query for `queries` population-weighted searches and search turns."""
    from bot.areas import load_service_areas
    from bot.directory.search import Directory
    from bot.needs import NEED_IDS
    from bot.schedule import LONDON
    from bot.signposting import MAX_RESULTS, find_services, page

    rng = random.Random(seed)
    places, weights = _outcodes(rng)
    directory = Directory(engine)
    areas = load_service_areas()
    now = datetime(2026, 12, 1, 10, 30, tzinfo=LONDON)
    asks = [(rng.choice(NEED_IDS), rng.choices(places, weights)[0]) for _ in range(queries)]
    for need, (_, lat, lon) in asks[:20]:  # warm the pool and the caches
        directory.search(need, lat, lon, 10.0)
    times: dict[str, list[float]] = {"search": [], "nearest": [], "turn": [], "found": []}
    for need, (_, lat, lon) in asks:
        started = time.perf_counter()
        matches = directory.search(need, lat, lon, 10.0)
        times["search"].append((time.perf_counter() - started) * 1000)
        times["found"].append(len(matches))
    if _has_limit():
        for need, (_, lat, lon) in asks:
            started = time.perf_counter()
            nearest = directory.search(need, lat, lon, 10.0, limit=MAX_RESULTS)
            times["nearest"].append((time.perf_counter() - started) * 1000)
            assert [m.key for m in nearest] == [
                m.key for m in directory.search(need, lat, lon, 10.0)[:MAX_RESULTS]
            ]
    for need, (outcode, lat, lon) in asks:
        started = time.perf_counter()
        outcome = find_services(directory, need, (outcode, lat, lon), 3.0, 10.0, areas)
        keys = page(outcome.keys, 0, 3) or list(outcome.national_keys)
        directory.cards(keys, now, (lat, lon))
        times["turn"].append((time.perf_counter() - started) * 1000)
    return times


def _row(database: str, stats: str, times: dict[str, list[float]]) -> list[object]:
    def ms(key: str, pct: float) -> str:
        return f"{percentile(times[key], pct):.2f}" if times[key] else "-"

    found = times["found"]
    return [
        database,
        stats,
        len(times["search"]),
        f"{statistics.mean(found):.0f} (max {max(found):.0f})",
        ms("search", 50),
        ms("search", 95),
        ms("search", 99),
        ms("nearest", 50),
        ms("nearest", 95),
        ms("turn", 50),
        ms("turn", 95),
    ]


def run(database: str, url: str, services: int, queries: int) -> tuple[list, list]:
    """Generate, measure as loaded, ANALYZE, measure again: (load row, result rows)."""
    from bot.db import dispose_all, get_engine

    engine = get_engine(url)
    started = time.perf_counter()
    counts = generate(engine, services)
    load_seconds = time.perf_counter() - started
    rows = [_row(database, "as loaded", measure(engine, queries))]
    _analyse(engine)
    rows.append(_row(database, "analysed", measure(engine, queries)))
    dispose_all()
    load_row = [database, *(f"{n:,}" for n in counts.values()), f"{load_seconds:.0f}"]
    return load_row, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="300 queries")
    parser.add_argument("--report", type=Path, default=None, help="append the tables here")
    args = parser.parse_args(argv)
    if args.quick:
        args.queries = min(args.queries, 300)
    if not 1 <= args.services <= 1_000_000 or not 1 <= args.queries <= 100_000:
        parser.error("--services must be 1..1,000,000 and --queries 1..100,000")
    emit(machine_header(), args.report)
    loads, rows = [], []
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory(prefix="signpost-bench-") as scratch:
                url = f"sqlite:///{Path(scratch) / 'directory.db'}"
                load_row, result_rows = run("SQLite", url, args.services, args.queries)
        elif database == "postgresql":
            with throwaway_postgres("directory") as url:
                load_row, result_rows = run("PostgreSQL", url, args.services, args.queries)
        else:
            parser.error(f"unknown database {database!r}")
        loads.append(load_row)
        rows += result_rows
    emit(
        table(
            "Synthetic directory (rows per table, seconds to generate)",
            ["database", *TABLES, "load s"],
            loads,
        ),
        args.report,
    )
    emit(
        table(
            "Directory search by category + location, ms per query (target: p95 <= 10 ms)",
            [
                "database",
                "statistics",
                "queries",
                "services within 10 mi",
                "search p50",
                "search p95",
                "search p99",
                "nearest 30 p50",
                "nearest 30 p95",
                "search turn p50",
                "search turn p95",
            ],
            rows,
        ),
        args.report,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
