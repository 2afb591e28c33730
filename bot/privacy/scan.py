"""Search a whole database for pieces of text: every text column of every table.

Used to check an erasure (`signpost privacy find`) and by the tests that prove nothing
personal is left in the stores. Says where a value is, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import MetaData, String, Text, func, or_, select
from sqlalchemy.engine import Engine


def phone_variants(text: str) -> list[str]:
    """The ways a phone number may be stored or written: E.164, national, spaced."""
    from bot.booking.phones import normalise_phone, spoken_phone

    e164 = normalise_phone(text)
    if not e164:
        return [text]
    spoken = spoken_phone(e164)
    national = "".join(ch for ch in spoken if ch.isdigit())
    return list(dict.fromkeys([text, e164, spoken, national, e164.lstrip("+")]))


def scan_database(engine: Engine, needles: Iterable[str]) -> list[str]:
    """ "table.column: N rows" for every text column holding any needle (case-insensitive)."""
    wanted = [n.lower() for n in needles if n and n.strip()]
    if not wanted:
        return []
    metadata = MetaData()
    hits: list[str] = []
    with engine.connect() as connection:
        metadata.reflect(bind=connection)
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for column in columns:
                condition = or_(*(func.lower(column).contains(n, autoescape=True) for n in wanted))
                count = connection.execute(
                    select(func.count()).select_from(table).where(condition)
                ).scalar_one()
                if count:
                    hits.append(f"{table.name}.{column.name}: {count} row(s)")
    return hits
