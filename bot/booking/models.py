"""Advisors, their hours, and bookings.

Times are stored in UTC (timezone-aware); working hours are London wall-clock times.
A partial unique index makes it impossible for two confirmed bookings to hold the same
advisor at the same start time, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import relationship

from bot.models import Base, UTCDateTime

MODES = ("phone", "in_person", "video")


class Hub(Base):
    """A place advisors meet people (its id is the directory location id)."""

    __tablename__ = "hub"

    id = Column(String(100), primary_key=True)
    name = Column(String(255), nullable=False)
    address = Column(String(255), nullable=False, default="")


class Advisor(Base):
    __tablename__ = "advisor"

    id = Column(Integer, primary_key=True, autoincrement=True)
    display_name = Column(String(100), nullable=False)
    modes = Column(String(50), nullable=False)  # comma-separated MODES
    active = Column(Boolean, nullable=False, default=True)

    hours = relationship("WorkingHours", back_populates="advisor", cascade="all, delete-orphan")
    exceptions = relationship(
        "AvailabilityException", back_populates="advisor", cascade="all, delete-orphan"
    )

    @property
    def mode_list(self) -> list[str]:
        return [m for m in self.modes.split(",") if m]


class WorkingHours(Base):
    """A weekly window an advisor works, at one hub (in-person) — phone and video anywhere."""

    __tablename__ = "working_hours"

    id = Column(Integer, primary_key=True, autoincrement=True)
    advisor_id = Column(ForeignKey("advisor.id", ondelete="CASCADE"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)  # 0 = Monday
    starts = Column(String(5), nullable=False)  # "09:30", London wall-clock
    ends = Column(String(5), nullable=False)
    hub_id = Column(ForeignKey("hub.id"), nullable=True)

    advisor = relationship("Advisor", back_populates="hours")
    hub = relationship("Hub")


class AvailabilityException(Base):
    """Leave, training, sickness: no appointments between these times."""

    __tablename__ = "availability_exception"

    id = Column(Integer, primary_key=True, autoincrement=True)
    advisor_id = Column(ForeignKey("advisor.id", ondelete="CASCADE"), nullable=False, index=True)
    starts_at = Column(UTCDateTime, nullable=False)
    ends_at = Column(UTCDateTime, nullable=False)
    reason = Column(String(255), nullable=False, default="")

    advisor = relationship("Advisor", back_populates="exceptions")


class Booking(Base):
    __tablename__ = "booking"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(10), nullable=False, unique=True)
    advisor_id = Column(ForeignKey("advisor.id"), nullable=False)
    starts_at = Column(UTCDateTime, nullable=False)
    ends_at = Column(UTCDateTime, nullable=False)
    mode = Column(String(20), nullable=False)
    hub_id = Column(ForeignKey("hub.id"), nullable=True)
    need = Column(String(50))
    note = Column(Text)
    # After a disclosure of abuse: whether the advisor may leave a message (CALL_SAFETY).
    call_safety = Column(String(20))
    # Personal data lives here only (never in conversations), with the consent given.
    name = Column(String(60))
    phone = Column(String(20))
    conversation_id = Column(String(80), index=True)
    consent_at = Column(UTCDateTime)
    consent_version = Column(String(20))
    status = Column(String(20), nullable=False, default="confirmed")
    created_at = Column(UTCDateTime, nullable=False)
    cancelled_at = Column(UTCDateTime)
    cancel_reason = Column(String(255))

    advisor = relationship("Advisor")
    hub = relationship("Hub")

    __table_args__ = (
        # The double-booking guard: one confirmed booking per advisor per start time.
        Index(
            "uq_booking_advisor_start_confirmed",
            "advisor_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
        Index("ix_booking_phone_status", "phone", "status"),
    )


class CallbackRequest(Base):
    """Someone who wants a call when nothing could be booked."""

    __tablename__ = "callback_request"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(60), nullable=False)
    phone = Column(String(20), nullable=False)
    need = Column(String(50))
    mode = Column(String(20))
    conversation_id = Column(String(80), index=True)
    consent_at = Column(UTCDateTime, nullable=False)
    consent_version = Column(String(20), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    status = Column(String(20), nullable=False, default="waiting")


class BookingDraft(Base):
    """What someone has told us so far in an unfinished booking, kept out of the tracker.

    Deleted when the booking is made or abandoned, and by the retention job after a day.
    """

    __tablename__ = "booking_draft"

    conversation_id = Column(String(80), primary_key=True)
    name = Column(String(60))
    phone = Column(String(20))
    note = Column(Text)
    updated_at = Column(UTCDateTime, nullable=False)
