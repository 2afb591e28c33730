"""/stop must outlive a restart: the state lives in the project database (SQLite and
PostgreSQL), keyed by pseudonym."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from bot.channels.telegram import store
from bot.db import dispose_all, get_engine, session_scope
from bot.privacy.pseudonyms import pseudonymise


@pytest.fixture(autouse=True)
def empty_table(database_url: str) -> Iterator[None]:
    """The PostgreSQL test database is shared by the session: leave it as found."""
    yield
    with session_scope(get_engine(database_url)) as session:
        session.execute(delete(store.TelegramChat))


def test_stop_and_chat_survive_a_new_engine(database_url: str) -> None:
    who = pseudonymise("telegram", "123456789")
    engine = get_engine(database_url)
    assert store.get_state(engine, who) is None
    store.remember_chat(engine, who, 123456789)
    store.set_stopped(engine, who, True)
    dispose_all()  # as after a restart: new connections, nothing cached

    engine = get_engine(database_url)
    assert store.get_state(engine, who) == store.ChatState(123456789, True)
    store.set_stopped(engine, who, False)
    assert store.get_state(engine, who) == store.ChatState(123456789, False)
    assert store.forget(engine, who) is True
    assert store.get_state(engine, who) is None
    assert store.forget(engine, who) is False


def test_async_store_never_offers_a_stopped_chat(database_url: str) -> None:
    chats = store.ChatStore(database_url)
    who = pseudonymise("telegram", "555")

    async def scenario() -> list[int | None]:
        await chats.remember_chat(who, 555)
        first = await chats.reply_chat(who)
        await chats.set_stopped(who, True)
        return [first, await chats.reply_chat(who), await chats.reply_chat("telegram-unknown")]

    assert asyncio.run(scenario()) == [555, None, None]
