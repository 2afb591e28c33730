"""The search index: one narrow table the directory search reads, derived from the rest.

Searching the directory tables as they are means joining taxonomy, service, venue and
location for every candidate, and at 100,000 services that costs tens of milliseconds on
PostgreSQL (docs/performance.md). `search_entry` holds the answer to "which services meet
this need, and where" directly, and its one index reads only this need's venues in the
strip of latitude around the person. It is rebuilt from the directory tables inside the
transaction that writes them (`load_directory`), so the two are never out of step. Anything
else that ever writes the directory tables (a feed importer, say) must call
`rebuild_search_index` in its transaction too, or searches will not see its changes.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.directory.models import (
    Attribute,
    Location,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

_BATCH = 5000

Executor = Connection | Session

# Every row names every column (one multi-row INSERT needs the same keys in each).
_NOT_SET = {"location_id": None, "latitude": None, "longitude": None, "area": None}


def rebuild_search_index(executor: Executor) -> int:
    """Replace the search index with what the directory tables now say; rows written."""
    executor.execute(delete(SearchEntry))
    needs: dict[str, list[str]] = defaultdict(list)
    for service_id, code in executor.execute(
        select(Attribute.link_id, TaxonomyTerm.code)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Attribute.link_type == "service")
    ):
        needs[service_id].append(code)
    venues: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for service_id, location_id, latitude, longitude in executor.execute(
        select(
            ServiceAtLocation.service_id,
            ServiceAtLocation.location_id,
            Location.latitude,
            Location.longitude,
        ).join(Location, Location.id == ServiceAtLocation.location_id)
    ):
        venues[service_id].append((location_id, latitude, longitude))
    areas: dict[str, list[str]] = defaultdict(list)
    for service_id, area in executor.execute(select(ServiceArea.service_id, ServiceArea.name)):
        areas[service_id].append(area)

    rows: list[dict[str, object]] = []
    for service_id, name, national, verified in executor.execute(
        select(Service.id, Service.name, Service.national, Service.verified).where(
            Service.status == "active"
        )
    ):
        common = {**_NOT_SET, "service_id": service_id, "name": name, "verified": verified}
        for need in dict.fromkeys(needs.get(service_id, ())):
            if national:
                rows.append({**common, "need": need, "reach": "national"})
            elif service_id in venues:
                rows.extend(
                    {
                        **common,
                        "need": need,
                        "reach": "venue",
                        "location_id": location_id,
                        "latitude": latitude,
                        "longitude": longitude,
                    }
                    for location_id, latitude, longitude in venues[service_id]
                )
            else:
                rows.extend(
                    {**common, "need": need, "reach": "area", "area": area}
                    for area in areas.get(service_id) or [None]
                )
    for start in range(0, len(rows), _BATCH):
        executor.execute(insert(SearchEntry), rows[start : start + _BATCH])
    return len(rows)
