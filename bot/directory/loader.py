"""Load the human-editable YAML directory (resources/directory/*.yml) into the database.

Loading is idempotent: it replaces the directory tables' contents in one transaction, so
running it twice gives the same database, and a failed load leaves the old directory in place.
The search index is rebuilt in that same transaction (bot/directory/search_index.py).
Need events and (later) bookings live in other tables and are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.db import create_schema, session_scope
from bot.directory.models import (
    NEEDS_TAXONOMY,
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from bot.directory.search_index import rebuild_search_index
from bot.geography import Gazetteer, normalise_postcode, outward_code
from bot.needs import LABELS, NEED_IDS

# Children first, so deleting never trips a foreign key.
_TABLES_IN_DELETE_ORDER = (
    SearchEntry,
    Attribute,
    Schedule,
    Phone,
    Contact,
    CostOption,
    ServiceArea,
    ServiceAtLocation,
    Accessibility,
    Address,
    Location,
    Service,
    Organization,
    TaxonomyTerm,
)


class DirectoryError(ValueError):
    """The YAML directory is not valid; the message says where."""


@dataclass
class LoadReport:
    files: int = 0
    organizations: int = 0
    services: int = 0
    locations: int = 0
    by_category: dict[str, int] = field(default_factory=dict)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _outcode_of(postcode: str) -> str:
    full = normalise_postcode(postcode)
    return outward_code(full) if full else postcode.strip().upper()


def read_directory_files(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise DirectoryError(f"no directory files (*.yml) in {directory}")
    documents = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle) or {}
        if not isinstance(document.get("organizations"), list):
            raise DirectoryError(f"{path.name}: expected a list under 'organizations'")
        documents.append((path, document))
    return documents


class _Builder:
    """Turns YAML documents into ORM rows, checking ids and categories as it goes."""

    def __init__(self, session: Session, gazetteer: Gazetteer) -> None:
        self.session = session
        self.gazetteer = gazetteer
        self.locations: dict[str, Location] = {}
        self.service_ids: set[str] = set()
        self.organization_ids: set[str] = set()
        self.report = LoadReport()

    def add_taxonomy(self) -> None:
        for need in NEED_IDS:
            self.session.add(
                TaxonomyTerm(
                    id=f"need-{need}", code=need, name=LABELS[need], taxonomy=NEEDS_TAXONOMY
                )
            )

    def add_document(self, path: Path, document: dict[str, Any]) -> None:
        defaults = {
            "source": str(document.get("source", path.name)),
            "last_verified": _as_date(document.get("last_verified")),
        }
        for org in document["organizations"]:
            self._add_organization(path, org, defaults)
        self.report.files += 1

    def _add_organization(self, path: Path, org: dict[str, Any], defaults: dict) -> None:
        org_id = org["id"]
        if org_id in self.organization_ids:
            raise DirectoryError(f"{path.name}: organization id {org_id!r} is used twice")
        self.organization_ids.add(org_id)
        sample = bool(org.get("sample", False))
        self.session.add(
            Organization(
                id=org_id,
                name=org["name"],
                description=org.get("description", ""),
                email=org.get("email"),
                website=org.get("website"),
                sample=sample,
                source=org.get("source", defaults["source"]),
                last_verified=_as_date(org.get("last_verified")) or defaults["last_verified"],
            )
        )
        self.report.organizations += 1
        for service in org.get("services", []):
            self._add_service(path, org_id, sample, service, defaults)

    def _add_service(
        self, path: Path, org_id: str, org_sample: bool, svc: dict[str, Any], defaults: dict
    ) -> None:
        service_id = svc["id"]
        where = f"{path.name}: service {service_id!r}"
        if service_id in self.service_ids:
            raise DirectoryError(f"{where} is used twice")
        self.service_ids.add(service_id)
        categories = svc.get("categories") or []
        unknown = sorted(set(categories) - set(NEED_IDS))
        if not categories or unknown:
            raise DirectoryError(f"{where}: categories {categories!r} (unknown: {unknown})")
        national = bool(svc.get("national", False))
        if not national and not svc.get("locations") and not svc.get("service_area"):
            raise DirectoryError(f"{where}: a local service needs locations or a service_area")
        verification = svc.get("verification_status")
        self.session.add(
            Service(
                id=service_id,
                organization_id=org_id,
                name=svc["name"],
                description=svc.get("description", ""),
                url=svc.get("url"),
                email=svc.get("email"),
                minimum_age=svc.get("minimum_age"),
                maximum_age=svc.get("maximum_age"),
                eligibility_description=svc.get("eligibility"),
                kind=svc.get("kind", "service"),
                national=national,
                always_open=bool(svc.get("always_open", False)),
                open_on_bank_holidays=bool(svc.get("open_on_bank_holidays", False)),
                hours_text=svc.get("hours"),
                text_contact=svc.get("text"),
                sample=bool(svc.get("sample", org_sample)),
                source=svc.get("source", defaults["source"]),
                source_url=svc.get("source_url"),
                source_date=str(svc["source_date"]) if svc.get("source_date") else None,
                verified=bool(svc.get("verified", verification is None)),
                verification_status=verification,
                last_verified=_as_date(svc.get("last_verified")) or defaults["last_verified"],
            )
        )
        self.report.services += 1
        for need in categories:
            self.session.add(
                Attribute(
                    id=f"{service_id}:{need}",
                    link_id=service_id,
                    link_type="service",
                    taxonomy_term_id=f"need-{need}",
                )
            )
            self.report.by_category[need] = self.report.by_category.get(need, 0) + 1
        self._add_contacts(service_id, svc.get("phones") or [])
        if svc.get("cost"):
            self.session.add(
                CostOption(id=f"{service_id}:cost", service_id=service_id, option=str(svc["cost"]))
            )
        if svc.get("service_area"):
            self.session.add(
                ServiceArea(
                    id=f"{service_id}:area",
                    service_id=service_id,
                    name=str(svc["service_area"]),
                    extent_type="text",
                )
            )
        self._add_schedules(service_id, None, svc.get("schedules") or [])
        for loc in svc.get("locations") or []:
            self._add_service_location(where, service_id, loc)

    def _add_contacts(self, service_id: str, phones: Iterable[dict[str, Any]]) -> None:
        phones = list(phones)
        if not phones:
            return
        contact_id = f"{service_id}:contact"
        self.session.add(Contact(id=contact_id, service_id=service_id))
        for index, phone in enumerate(phones):
            self.session.add(
                Phone(
                    id=f"{contact_id}:{index}",
                    contact_id=contact_id,
                    number=str(phone["number"]),
                    description=phone.get("description"),
                )
            )

    def _add_schedules(
        self, service_id: str | None, sal_id: str | None, schedules: Iterable[dict[str, Any]]
    ) -> None:
        owner = sal_id or service_id
        for index, row in enumerate(schedules):
            self.session.add(
                Schedule(
                    id=f"{owner}:sched:{index}",
                    service_id=service_id,
                    service_at_location_id=sal_id,
                    freq=row.get("freq", "WEEKLY"),
                    byday=row["byday"],
                    opens_at=str(row["opens_at"]),
                    closes_at=str(row["closes_at"]),
                    valid_from=_as_date(row.get("valid_from")),
                    valid_to=_as_date(row.get("valid_to")),
                    description=row.get("description"),
                )
            )

    def _add_service_location(self, where: str, service_id: str, loc: dict[str, Any]) -> None:
        location_id = loc["id"]
        if location_id not in self.locations:
            self.locations[location_id] = self._add_location(where, loc)
        sal_id = f"{service_id}@{location_id}"
        self.session.add(
            ServiceAtLocation(id=sal_id, service_id=service_id, location_id=location_id)
        )
        self._add_schedules(service_id, sal_id, loc.get("schedules") or [])

    def _add_location(self, where: str, loc: dict[str, Any]) -> Location:
        postcode = str(loc.get("postcode", "")).strip()
        outcode = _outcode_of(postcode) if postcode else ""
        latitude, longitude = loc.get("latitude"), loc.get("longitude")
        if latitude is None or longitude is None:
            centroid = self.gazetteer.centroid(outcode) if outcode else None
            if centroid is None:
                raise DirectoryError(
                    f"{where}: location {loc['id']!r} has no coordinates and no known postcode"
                )
            latitude, longitude = centroid
        location = Location(
            id=loc["id"],
            name=loc.get("name", ""),
            description=loc.get("description"),
            latitude=float(latitude),
            longitude=float(longitude),
            outcode=outcode,
        )
        self.session.add(location)
        if loc.get("address"):
            self.session.add(
                Address(
                    id=f"{loc['id']}:address",
                    location_id=loc["id"],
                    address_1=str(loc["address"]),
                    city=str(loc.get("city", "")),
                    postal_code=normalise_postcode(postcode) or postcode,
                )
            )
        if loc.get("accessibility"):
            self.session.add(
                Accessibility(
                    id=f"{loc['id']}:access",
                    location_id=loc["id"],
                    description=str(loc["accessibility"]),
                )
            )
        self.report.locations += 1
        return location


def load_directory(
    engine: Engine,
    directory: Path,
    gazetteer: Gazetteer,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Replace the directory tables with the contents of `directory`'s YAML files."""
    documents = read_directory_files(directory)
    create_schema(engine)
    with session_scope(engine) as session:
        for table in _TABLES_IN_DELETE_ORDER:
            session.execute(delete(table))
        builder = _Builder(session, gazetteer)
        builder.add_taxonomy()
        for path, document in documents:
            builder.add_document(path, document)
            session.flush()
            if progress:
                progress(path.name)
        rebuild_search_index(session)
    return builder.report
