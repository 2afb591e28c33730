"""Directory tables shaped on the Open Referral UK profile of HSDS 3.0.

Table and column names follow the standard's core tables (organization, service, location,
address, service_at_location, schedule, contact, phone, taxonomy_term, attribute,
cost_option, service_area, accessibility) so a council's ORUK feed maps onto them directly.
Our own additions are marked: `sample`, `source`, `last_verified`, verification fields,
`national`, `always_open`, `open_on_bank_holidays`, `kind` and the location's `outcode`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import relationship

from bot.models import Base

# The taxonomy our need categories live in (taxonomy_term.taxonomy).
NEEDS_TAXONOMY = "signpost-needs"


class Organization(Base):
    __tablename__ = "organization"

    id = Column(String(100), primary_key=True)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    email = Column(String(255))
    website = Column(String(500))
    # ours
    sample = Column(Boolean, nullable=False, default=False)
    source = Column(String(500), nullable=False, default="")
    last_verified = Column(Date)

    services = relationship("Service", back_populates="organization")


class Service(Base):
    __tablename__ = "service"

    id = Column(String(100), primary_key=True)
    organization_id = Column(ForeignKey("organization.id", ondelete="CASCADE"), nullable=False)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    url = Column(String(500))
    email = Column(String(255))
    status = Column(String(20), nullable=False, default="active")
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    eligibility_description = Column(Text)
    # ours
    kind = Column(String(20), nullable=False, default="service")  # service|group|course|helpline
    national = Column(Boolean, nullable=False, default=False)
    always_open = Column(Boolean, nullable=False, default=False)
    open_on_bank_holidays = Column(Boolean, nullable=False, default=False)
    hours_text = Column(String(255))  # free-text hours where no schedule rows exist
    text_contact = Column(String(255))  # e.g. "text SHOUT to 85258"
    sample = Column(Boolean, nullable=False, default=False)
    source = Column(String(500), nullable=False, default="")
    source_url = Column(String(1000))
    source_date = Column(String(100))
    verified = Column(Boolean, nullable=False, default=True)
    verification_status = Column(Text)
    last_verified = Column(Date)

    organization = relationship("Organization", back_populates="services")
    service_at_locations = relationship("ServiceAtLocation", back_populates="service")
    schedules = relationship(
        "Schedule",
        primaryjoin="and_(Schedule.service_id == Service.id, "
        "Schedule.service_at_location_id.is_(None))",
        viewonly=True,
    )
    contacts = relationship("Contact", back_populates="service")
    cost_options = relationship("CostOption", back_populates="service")
    service_areas = relationship("ServiceArea", back_populates="service")


class Location(Base):
    __tablename__ = "location"

    id = Column(String(100), primary_key=True)
    location_type = Column(String(20), nullable=False, default="physical")
    name = Column(String(255), nullable=False)
    description = Column(Text)
    latitude = Column(Float, nullable=False)
    longitude = Column(Float, nullable=False)
    # ours: the outward code, for anonymous reporting and quick filtering
    outcode = Column(String(8), nullable=False)

    addresses = relationship("Address", back_populates="location")
    accessibility = relationship("Accessibility", back_populates="location")

    # The search's box query reads only this index: latitude range, then longitude and id.
    __table_args__ = (Index("ix_location_box", "latitude", "longitude", "id"),)


class Address(Base):
    __tablename__ = "address"

    id = Column(String(120), primary_key=True)
    location_id = Column(ForeignKey("location.id", ondelete="CASCADE"), nullable=False, index=True)
    address_1 = Column(String(255), nullable=False)
    city = Column(String(100), nullable=False)
    region = Column(String(100))
    state_province = Column(String(100))
    postal_code = Column(String(10), nullable=False)
    country = Column(String(2), nullable=False, default="GB")
    address_type = Column(String(20), nullable=False, default="physical")

    location = relationship("Location", back_populates="addresses")


class Accessibility(Base):
    __tablename__ = "accessibility"

    id = Column(String(120), primary_key=True)
    location_id = Column(ForeignKey("location.id", ondelete="CASCADE"), nullable=False, index=True)
    description = Column(Text, nullable=False)

    location = relationship("Location", back_populates="accessibility")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id = Column(String(220), primary_key=True)
    service_id = Column(ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id = Column(ForeignKey("location.id", ondelete="CASCADE"), nullable=False)

    service = relationship("Service", back_populates="service_at_locations")
    location = relationship("Location")
    schedules = relationship("Schedule", back_populates="service_at_location")

    # From a venue to its services without reading the table (the search's second step).
    __table_args__ = (
        Index("ix_service_at_location_location_service", "location_id", "service_id"),
    )


class Schedule(Base):
    __tablename__ = "schedule"

    id = Column(String(240), primary_key=True)
    service_id = Column(ForeignKey("service.id", ondelete="CASCADE"))
    service_at_location_id = Column(ForeignKey("service_at_location.id", ondelete="CASCADE"))
    freq = Column(String(10), nullable=False, default="WEEKLY")
    byday = Column(String(30), nullable=False)
    opens_at = Column(String(5), nullable=False)  # local wall-clock "HH:MM", Europe/London
    closes_at = Column(String(5), nullable=False)
    valid_from = Column(Date)
    valid_to = Column(Date)
    description = Column(Text)

    # (Many-to-one links also tell the unit of work to insert parents first.)
    service = relationship("Service", foreign_keys=[service_id])
    service_at_location = relationship("ServiceAtLocation", back_populates="schedules")

    # A service's own hours are its rows with no venue: both in one index, or PostgreSQL
    # without statistics intersects this with every service's venue-less rows (8 ms a card).
    # A venue's hours: only rows that have a venue are indexed, because most rows have none
    # and SQLite, once analysed, judged an index of mostly NULLs not worth using (6 ms).
    __table_args__ = (
        Index("ix_schedule_service_place", "service_id", "service_at_location_id"),
        Index(
            "ix_schedule_venue",
            "service_at_location_id",
            sqlite_where=text("service_at_location_id IS NOT NULL"),
            postgresql_where=text("service_at_location_id IS NOT NULL"),
        ),
    )


class Contact(Base):
    __tablename__ = "contact"

    id = Column(String(120), primary_key=True)
    service_id = Column(ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(255))
    title = Column(String(255))

    service = relationship("Service", back_populates="contacts")
    phones = relationship("Phone", back_populates="contact", order_by="Phone.id")


class Phone(Base):
    __tablename__ = "phone"

    id = Column(String(140), primary_key=True)
    contact_id = Column(ForeignKey("contact.id", ondelete="CASCADE"), nullable=False, index=True)
    number = Column(String(50), nullable=False)
    description = Column(String(255))

    contact = relationship("Contact", back_populates="phones")


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id = Column(String(100), primary_key=True)
    code = Column(String(50), nullable=False, unique=True)  # our need category id
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    taxonomy = Column(String(100), nullable=False, default=NEEDS_TAXONOMY)


class Attribute(Base):
    __tablename__ = "attribute"

    id = Column(String(220), primary_key=True)
    link_id = Column(String(100), nullable=False)
    link_type = Column(String(50), nullable=False, default="service")
    taxonomy_term_id = Column(ForeignKey("taxonomy_term.id", ondelete="CASCADE"), nullable=False)

    taxonomy_term = relationship("TaxonomyTerm")

    __table_args__ = (Index("ix_attribute_term_link", "taxonomy_term_id", "link_type", "link_id"),)


class CostOption(Base):
    __tablename__ = "cost_option"

    id = Column(String(120), primary_key=True)
    service_id = Column(ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    option = Column(String(255), nullable=False)
    amount = Column(Float)
    amount_description = Column(String(255))

    service = relationship("Service", back_populates="cost_options")


class ServiceArea(Base):
    __tablename__ = "service_area"

    id = Column(String(120), primary_key=True)
    service_id = Column(ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(255), nullable=False)
    extent_type = Column(String(20))

    service = relationship("Service", back_populates="service_areas")


class SearchEntry(Base):
    """Ours, derived: what the search reads, rebuilt whenever the directory is loaded.

    One row per need a service meets and per way it reaches people: at each of its venues
    (`reach` "venue"), across an area with no venue ("area": phone or outreach; one row per
    area it names, or one with no area), or nationally ("national"). Only active services
    are here. See bot/directory/search_index.py.
    """

    __tablename__ = "search_entry"

    id = Column(Integer, primary_key=True, autoincrement=True)
    need = Column(String(50), nullable=False)  # taxonomy_term.code
    reach = Column(String(10), nullable=False)
    service_id = Column(ForeignKey("service.id", ondelete="CASCADE"), nullable=False)
    location_id = Column(ForeignKey("location.id", ondelete="CASCADE"))
    name = Column(String(255), nullable=False)  # the service's, to order results
    verified = Column(Boolean, nullable=False)
    latitude = Column(Float)  # venue rows: the venue's place
    longitude = Column(Float)
    area = Column(String(255))  # area rows: the service area's name, as written

    # Need and reach first, then latitude, so a search reads only this need's venues in the
    # strip of the map the person's box spans; the rest lets the index answer on its own.
    __table_args__ = (
        Index(
            "ix_search_entry_find",
            "need",
            "reach",
            "latitude",
            "longitude",
            "service_id",
            "location_id",
            "name",
        ),
    )
