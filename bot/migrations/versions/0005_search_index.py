"""search index: one narrow table the directory search reads (bot/directory/search_index.py)

Also the schedule's indexes, for reading a card's opening hours: a service's own rows (no
venue) in one index, and a venue's rows in an index of only the rows that have a venue.

Filled here from the directory already in the database, so a search after upgrading finds
what it found before; `load_directory` rebuilds it on every load after that. The filling is
written out here, not imported, so this migration keeps doing what it did when the
application code moves on.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 23:00:00
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search_entry = op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("need", sa.String(length=50), nullable=False),
        sa.Column("reach", sa.String(length=10), nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("location_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("area", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_search_entry_find",
        "search_entry",
        [
            "need",
            "reach",
            "latitude",
            "longitude",
            "service_id",
            "location_id",
            "name",
        ],
        unique=False,
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_service_id")
        batch_op.create_index(
            "ix_schedule_service_place", ["service_id", "service_at_location_id"], unique=False
        )
        batch_op.drop_index("ix_schedule_service_at_location_id")
        batch_op.create_index(
            "ix_schedule_venue",
            ["service_at_location_id"],
            unique=False,
            sqlite_where=sa.text("service_at_location_id IS NOT NULL"),
            postgresql_where=sa.text("service_at_location_id IS NOT NULL"),
        )
    _fill(op.get_bind(), search_entry)


def _fill(connection: sa.engine.Connection, search_entry: sa.Table) -> None:
    needs: dict[str, list[str]] = defaultdict(list)
    for service_id, code in connection.execute(
        sa.text(
            "SELECT a.link_id, t.code FROM attribute a"
            " JOIN taxonomy_term t ON t.id = a.taxonomy_term_id WHERE a.link_type = 'service'"
        )
    ):
        needs[service_id].append(code)
    venues: dict[str, list[tuple]] = defaultdict(list)
    for service_id, location_id, latitude, longitude in connection.execute(
        sa.text(
            "SELECT s.service_id, s.location_id, l.latitude, l.longitude"
            " FROM service_at_location s JOIN location l ON l.id = s.location_id"
        )
    ):
        venues[service_id].append((location_id, latitude, longitude))
    areas: dict[str, list[str]] = defaultdict(list)
    for service_id, area in connection.execute(
        sa.text("SELECT service_id, name FROM service_area")
    ):
        areas[service_id].append(area)
    empty = {"location_id": None, "latitude": None, "longitude": None}
    rows = []
    for service_id, name, national, verified in connection.execute(
        sa.text("SELECT id, name, national, verified FROM service WHERE status = 'active'")
    ):
        common = {**empty, "service_id": service_id, "name": name, "verified": bool(verified)}
        for need in dict.fromkeys(needs.get(service_id, ())):
            if national:
                rows.append({**common, "need": need, "reach": "national", "area": None})
            elif service_id in venues:
                for location_id, latitude, longitude in venues[service_id]:
                    rows.append(
                        {
                            **common,
                            "need": need,
                            "reach": "venue",
                            "area": None,
                            "location_id": location_id,
                            "latitude": latitude,
                            "longitude": longitude,
                        }
                    )
            else:
                for area in areas.get(service_id) or [None]:
                    rows.append({**common, "need": need, "reach": "area", "area": area})
    for start in range(0, len(rows), 5000):
        connection.execute(search_entry.insert(), rows[start : start + 5000])


def downgrade() -> None:
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_venue")
        batch_op.create_index(
            "ix_schedule_service_at_location_id", ["service_at_location_id"], unique=False
        )
        batch_op.drop_index("ix_schedule_service_place")
        batch_op.create_index("ix_schedule_service_id", ["service_id"], unique=False)
    op.drop_index("ix_search_entry_find", table_name="search_entry")
    op.drop_table("search_entry")
