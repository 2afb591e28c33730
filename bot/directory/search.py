"""Finding services for a need near a place, and reading one service's details.

Search is two steps so a page costs little however big the directory is: `search` returns
light keys sorted by distance (a bounding-box query on indexed coordinates, then exact
distances), and `cards` / `details` load what is shown for just those keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from bot.db import session_scope
from bot.directory.models import (
    Attribute,
    Contact,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from bot.geography import haversine_miles
from bot.schedule import Timetable, WeeklySession

MILES_PER_DEGREE_LATITUDE = 69.0


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


class Directory:
    """Read access to the service directory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def search(self, need: str, latitude: float, longitude: float, radius: float) -> list[Match]:
        """Local services for `need` within `radius` miles, nearest first."""
        south, north, west, east = _bounding_box(latitude, longitude, radius)
        query = (
            select(
                ServiceAtLocation.service_id,
                ServiceAtLocation.location_id,
                Location.latitude,
                Location.longitude,
                Service.name,
            )
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .join(Service, Service.id == ServiceAtLocation.service_id)
            .join(
                Attribute, and_(Attribute.link_id == Service.id, Attribute.link_type == "service")
            )
            .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
            .where(
                TaxonomyTerm.code == need,
                Service.status == "active",
                Service.national.is_(False),
                Location.latitude.between(south, north),
                Location.longitude.between(west, east),
            )
        )
        with session_scope(self.engine) as session:
            rows = session.execute(query).all()
        matches = []
        for service_id, location_id, lat, lon, name in rows:
            distance = haversine_miles(latitude, longitude, lat, lon)
            if distance <= radius:
                matches.append((distance, name, Match(service_id, location_id, distance)))
        matches.sort(key=lambda item: (item[0], item[1]))
        # A service offered at several places (say, every hub) is shown once: the nearest.
        seen: set[str] = set()
        nearest = []
        for _, _, match in matches:
            if match.service_id not in seen:
                seen.add(match.service_id)
                nearest.append(match)
        return nearest

    def area_wide(self, need: str) -> list[tuple[Match, str | None]]:
        """Local services for `need` with no venue (phone or outreach), with their area."""
        query = (
            select(Service.id, ServiceArea.name)
            .outerjoin(ServiceArea, ServiceArea.service_id == Service.id)
            .join(
                Attribute, and_(Attribute.link_id == Service.id, Attribute.link_type == "service")
            )
            .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
            .where(
                TaxonomyTerm.code == need,
                Service.status == "active",
                Service.national.is_(False),
                ~Service.service_at_locations.any(),
            )
            .order_by(Service.name)
        )
        with session_scope(self.engine) as session:
            return [(Match(sid, None, None), area) for sid, area in session.execute(query)]

    def national(self, need: str) -> list[Match]:
        """National helplines for `need`, checked numbers first."""
        query = (
            select(Service.id)
            .join(
                Attribute, and_(Attribute.link_id == Service.id, Attribute.link_type == "service")
            )
            .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
            .where(
                TaxonomyTerm.code == need, Service.status == "active", Service.national.is_(True)
            )
            .order_by(Service.verified.desc(), Service.name)
        )
        with session_scope(self.engine) as session:
            return [Match(sid, None, None) for sid in session.execute(query).scalars()]

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
            return [d for d in (self._details(session, key, now, origin) for key in keys) if d]

    def details(
        self, key: str, now: datetime, origin: tuple[float, float] | None = None
    ) -> Details | None:
        with session_scope(self.engine) as session:
            return self._details(session, key, now, origin)

    def _details(
        self, session: Session, key: str, now: datetime, origin: tuple[float, float] | None
    ) -> Details | None:
        service_id, location_id = parse_key(key)
        service = session.execute(
            select(Service)
            .options(
                selectinload(Service.organization),
                selectinload(Service.contacts).selectinload(Contact.phones),
                selectinload(Service.cost_options),
                selectinload(Service.service_areas),
                selectinload(Service.schedules),
            )
            .where(Service.id == service_id)
        ).scalar_one_or_none()
        if service is None:
            return None
        location = None
        schedules = list(service.schedules)
        if location_id:
            sal = session.execute(
                select(ServiceAtLocation)
                .options(
                    selectinload(ServiceAtLocation.location).selectinload(Location.addresses),
                    selectinload(ServiceAtLocation.location).selectinload(Location.accessibility),
                    selectinload(ServiceAtLocation.schedules),
                )
                .where(
                    ServiceAtLocation.service_id == service_id,
                    ServiceAtLocation.location_id == location_id,
                )
            ).scalar_one_or_none()
            if sal is None:
                return None
            location = sal.location
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
