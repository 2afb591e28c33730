"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import bot.booking.models
import bot.channels.sms.store
import bot.channels.telegram.store
import bot.directory.models
import bot.events  # noqa: F401
from bot.db import create_schema, get_engine
from bot.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    engine = get_engine(database_url)
    create_schema(engine)
    create_schema(engine)  # a second run is a no-op
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {"service", "location", "booking", "advisor", "need_event"} <= tables
