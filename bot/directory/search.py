"""Finding services for a need near a place, and reading one service's details.

Search is two steps so a page costs little however big the directory is: `search` returns
light keys sorted by distance (a bounding-box query on indexed coordinates, then exact
distances), and `cards` / `details` load what is shown for just those keys, a page in one go.

Searches read the search index (`search_entry`, bot/directory/search_index.py), not the
directory tables: one index range over this need's venues near the person's latitude, so a
search costs what is near them, not how big the directory or the category is
(docs/performance.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.db import session_scope
from bot.directory.models import (
    Contact,
    Location,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
)
from bot.geography import haversine_miles
from bot.schedule import Timetable, WeeklySession

MILES_PER_DEGREE_LATITUDE = 69.0

# With a `limit`, search circles of these fractions of the radius in turn, stopping at the
# first that holds enough services: in a city the nearest few are found in a small box.
SEARCH_STEPS = (0.3, 1.0)


@dataclass(frozen=True)
class Match:
    """One place a service is offered, with its distance from the person."""

    service_id: str
    location_id: str | None
    distance_miles: float | None

    @property
    def key(self) -> str:
        return f"{self.service_id}@{self.location_id}" if self.location_id else self.service_id


def parse_key(key: str) -> tuple[str, str | None]:
    service_id, _, location_id = key.partition("@")
    return service_id, location_id or None


@dataclass(frozen=True)
class Card:
    """What a list of results shows for one service."""

    key: str
    name: str
    organization: str
    kind: str
    distance_miles: float | None
    place_name: str | None
    phone: str | None
    text_contact: str | None
    status: str
    sample: bool
    national: bool
    verified: bool
    area: str | None


@dataclass(frozen=True)
class Details(Card):
    """Everything we know about one service at one place."""

    description: str
    address: str | None
    website: str | None
    email: str | None
    hours: str
    cost: str | None
    eligibility: str | None
    accessibility: str | None
    phones: tuple[tuple[str, str | None], ...]
    source: str
    source_url: str | None
    verification_status: str | None
    last_verified: str | None


def _bounding_box(lat: float, lon: float, radius: float) -> tuple[float, float, float, float]:
    dlat = radius / MILES_PER_DEGREE_LATITUDE
    dlon = radius / (MILES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _timetable(service: Service, schedules: list[Schedule]) -> Timetable:
    sessions = tuple(
        WeeklySession.from_rrule(
            row.byday,
            row.opens_at,
            row.closes_at,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            description=row.description,
        )
        for row in schedules
    )
    return Timetable(
        sessions=sessions,
        always_open=service.always_open,
        open_on_bank_holidays=service.open_on_bank_holidays,
    )


def _within(
    connection: Connection, need: str, latitude: float, longitude: float, radius: float
) -> list[Match]:
    """Local services for `need` within `radius` miles, nearest first, each at its nearest venue."""
    south, north, west, east = _bounding_box(latitude, longitude, radius)
    # One index range: this need's venues between the box's latitudes, longitude checked
    # in the index. (Ranges per strip of latitude were tried: no faster, see the docs.)
    query = select(
        SearchEntry.service_id,
        SearchEntry.location_id,
        SearchEntry.latitude,
        SearchEntry.longitude,
        SearchEntry.name,
    ).where(
        SearchEntry.need == need,
        SearchEntry.reach == "venue",
        SearchEntry.latitude.between(south, north),
        SearchEntry.longitude.between(west, east),
    )
    rows = connection.execute(query).all()
    matches = []
    for service_id, location_id, lat, lon, name in rows:
        distance = haversine_miles(latitude, longitude, lat, lon)
        if distance <= radius:
            matches.append((distance, name, Match(service_id, location_id, distance)))
    # Nearest first; the same distance by name, then by key, so the order never varies.
    matches.sort(key=lambda item: (item[0], item[1], item[2].key))
    # A service offered at several places (say, every hub) is shown once: the nearest.
    seen: set[str] = set()
    nearest = []
    for _, _, match in matches:
        if match.service_id not in seen:
            seen.add(match.service_id)
            nearest.append(match)
    return nearest


class Directory:
    """Read access to the service directory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def search(
        self,
        need: str,
        latitude: float,
        longitude: float,
        radius: float,
        limit: int | None = None,
    ) -> list[Match]:
        """Local services for `need` within `radius` miles, nearest first.

        With `limit`, the same as `search(...)[:limit]`, found by trying smaller circles
        first: once a circle holds `limit` services, nothing outside it can be among the
        nearest `limit` (each service is placed at its nearest venue).
        """
        # One connection for every step: each checkout and return is a round trip.
        with self.engine.connect() as connection:
            if limit is None:
                return _within(connection, need, latitude, longitude, radius)
            for step in SEARCH_STEPS:
                matches = _within(connection, need, latitude, longitude, radius * step)
                if len(matches) >= limit or step >= 1.0:
                    return matches[:limit]
        return []  # pragma: no cover - the last step is the whole radius

    def area_wide(self, need: str) -> list[tuple[Match, str | None]]:
        """Local services for `need` with no venue (phone or outreach), with their area."""
        query = (
            select(SearchEntry.service_id, SearchEntry.area)
            .where(SearchEntry.need == need, SearchEntry.reach == "area")
            .order_by(SearchEntry.name, SearchEntry.service_id)
        )
        with self.engine.connect() as connection:
            return [(Match(sid, None, None), area) for sid, area in connection.execute(query)]

    def national(self, need: str) -> list[Match]:
        """National helplines for `need`, checked numbers first."""
        query = (
            select(SearchEntry.service_id)
            .where(SearchEntry.need == need, SearchEntry.reach == "national")
            .order_by(SearchEntry.verified.desc(), SearchEntry.name, SearchEntry.service_id)
        )
        with self.engine.connect() as connection:
            return [Match(sid, None, None) for sid in connection.execute(query).scalars()]

    def covers(self, latitude: float, longitude: float, radius: float) -> bool:
        """Whether any venue in the directory is within `radius` miles (are they in our area?)."""
        south, north, west, east = _bounding_box(latitude, longitude, radius)
        query = (
            select(Location.id)
            .where(Location.latitude.between(south, north), Location.longitude.between(west, east))
            .limit(1)
        )
        with session_scope(self.engine) as session:
            return session.execute(query).first() is not None

    def cards(
        self, keys: list[str], now: datetime, origin: tuple[float, float] | None = None
    ) -> list[Card]:
        """Cards for `keys`, in the same order; unknown keys are skipped."""
        with session_scope(self.engine) as session:
            return list(self._load(session, keys, now, origin))

    def details(
        self, key: str, now: datetime, origin: tuple[float, float] | None = None
    ) -> Details | None:
        with session_scope(self.engine) as session:
            found = self._load(session, [key], now, origin)
        return found[0] if found else None

    def _load(
        self,
        session: Session,
        keys: list[str],
        now: datetime,
        origin: tuple[float, float] | None,
    ) -> list[Details]:
        """Details for `keys` (unknown ones skipped), reading all of them in a few queries."""
        parsed = [parse_key(key) for key in keys]
        service_ids = sorted({service_id for service_id, _ in parsed})
        places = sorted({(sid, lid) for sid, lid in parsed if lid})
        services = {}
        if service_ids:
            services = {
                service.id: service
                for service in session.execute(
                    select(Service)
                    .options(
                        joinedload(Service.organization),
                        selectinload(Service.contacts).selectinload(Contact.phones),
                        selectinload(Service.cost_options),
                        selectinload(Service.service_areas),
                        selectinload(Service.schedules),
                    )
                    .where(Service.id.in_(service_ids))
                ).scalars()
            }
        venues = {}
        if places:
            venues = {
                (sal.service_id, sal.location_id): sal
                for sal in session.execute(
                    select(ServiceAtLocation)
                    .options(
                        joinedload(ServiceAtLocation.location).selectinload(Location.addresses),
                        joinedload(ServiceAtLocation.location).selectinload(Location.accessibility),
                        selectinload(ServiceAtLocation.schedules),
                    )
                    .where(
                        or_(
                            *(
                                and_(
                                    ServiceAtLocation.service_id == sid,
                                    ServiceAtLocation.location_id == lid,
                                )
                                for sid, lid in places
                            )
                        )
                    )
                ).scalars()
            }
        found = []
        for key, (service_id, location_id) in zip(keys, parsed, strict=True):
            service = services.get(service_id)
            sal = venues.get((service_id, location_id)) if location_id else None
            if service is not None and (sal is not None or not location_id):
                found.append(_details(key, service, sal, now, origin))
        return found


def _details(
    key: str,
    service: Service,
    sal: ServiceAtLocation | None,
    now: datetime,
    origin: tuple[float, float] | None,
) -> Details:
    location = sal.location if sal is not None else None
    schedules = list(service.schedules)
    if sal is not None:
        schedules = list(sal.schedules) or schedules
    timetable = _timetable(service, schedules)
    distance = None
    if location is not None and origin is not None:
        distance = haversine_miles(origin[0], origin[1], location.latitude, location.longitude)
    phones = tuple((p.number, p.description) for c in service.contacts for p in c.phones)
    address = None
    if location is not None and location.addresses:
        first = location.addresses[0]
        address = ", ".join(
            part for part in (first.address_1, first.city, first.postal_code) if part
        )
    has_hours = timetable.always_open or timetable.sessions
    return Details(
        key=key,
        name=service.name,
        organization=service.organization.name,
        kind=service.kind,
        distance_miles=distance,
        place_name=location.name if location is not None else None,
        phone=phones[0][0] if phones else None,
        text_contact=service.text_contact,
        status=timetable.status(now) if has_hours else (service.hours_text or ""),
        sample=service.sample,
        national=service.national,
        verified=service.verified,
        area=service.service_areas[0].name if service.service_areas else None,
        description=service.description,
        address=address,
        website=service.url or service.organization.website,
        email=service.email or service.organization.email,
        hours=timetable.describe() if has_hours else (service.hours_text or ""),
        cost=service.cost_options[0].option if service.cost_options else None,
        eligibility=service.eligibility_description,
        accessibility=(
            location.accessibility[0].description
            if location is not None and location.accessibility
            else None
        ),
        phones=phones,
        source=service.source,
        source_url=service.source_url,
        verification_status=service.verification_status,
        last_verified=service.last_verified.isoformat() if service.last_verified else None,
    )
