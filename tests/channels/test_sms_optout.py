"""STOP / START / HELP: which messages are keywords, what is said, and the per-number state,
which survives a restart and holds no phone number (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.channels.sms import keywords
from bot.channels.sms.formatting import Option, for_sms, is_gsm7, number_options, segments
from bot.channels.sms.keywords import Keyword
from bot.channels.sms.store import OPTIONS_TTL, NumberState, SmsStateStore, _now, load_state
from bot.db import dispose_all, get_engine
from bot.privacy.erasure import erase_person
from bot.privacy.pseudonyms import pseudonymise

PHONE = "+447700900123"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", Keyword.STOP),
        ("stop", Keyword.STOP),
        (" Stop. ", Keyword.STOP),
        ("STOP!", Keyword.STOP),
        ("Unsubscribe", Keyword.STOP),
        ("CANCEL", Keyword.STOP),
        ("end", Keyword.STOP),
        ("Quit", Keyword.STOP),
        ("stopall", Keyword.STOP),
        ("START", Keyword.START),
        ("unstop", Keyword.START),
        ("HELP", Keyword.HELP),
        ("help?", Keyword.HELP),
        ("info", Keyword.HELP),
        ("DELETE", Keyword.DELETE),
        ("delete", Keyword.DELETE),
        ("Delete my data", Keyword.DELETE),
        (" delete my data. ", Keyword.DELETE),
        ("DELETE!", Keyword.DELETE),
        ("please delete my appointment", None),
        ("delete the last message", None),
        ("stop texting me", None),
        ("cancel my appointment", None),
        ("CANCEL K7P2Q", None),
        ("i need help with my rent", None),
        ("start again", None),
        ("yes", None),
        ("", None),
    ],
)
def test_a_keyword_is_the_whole_message(body: str, expected: Keyword | None) -> None:
    assert keywords.keyword(body) is expected


def test_twilio_advanced_opt_out_types() -> None:
    assert keywords.twilio_keyword("STOP") is Keyword.STOP
    assert keywords.twilio_keyword("START") is Keyword.START
    assert keywords.twilio_keyword("HELP") is Keyword.HELP
    assert keywords.twilio_keyword(None) is None
    assert keywords.twilio_keyword("") is None


def test_the_replies_are_short_gsm7_texts() -> None:
    for reply in (
        keywords.STOPPED,
        keywords.RESTARTED,
        keywords.MEDIA_ONLY,
        keywords.EMPTY,
        keywords.SOMETHING_WENT_WRONG,
        keywords.DELETE_WHILE_STOPPED,
    ):
        assert is_gsm7(reply) and segments(reply) == 1
    for opted_out in (False, True):
        help_reply = keywords.help_text(opted_out=opted_out)
        assert is_gsm7(help_reply) and segments(help_reply) <= 2
        assert "automated assistant" in help_reply and "999" in help_reply
        assert "person" in help_reply
    assert "START" in keywords.help_text(opted_out=True)
    assert "STOP" in keywords.help_text(opted_out=False)
    assert "DELETE" in keywords.help_text(opted_out=False)
    assert "DELETE" not in keywords.help_text(opted_out=True)  # it needs START first
    with_contact = keywords.help_text("call the hub on 0151 496 0100 (Mon to Fri, 9am to 5pm).")
    assert "To talk to a person, call the hub on 0151 496 0100 (Mon to Fri, 9am to 5pm)." in (
        with_contact
    )


def test_nothing_to_read() -> None:
    assert keywords.nothing_to_read("", 1) == keywords.MEDIA_ONLY
    assert keywords.nothing_to_read("  ", 0) == keywords.EMPTY
    assert keywords.nothing_to_read("😊", 0) is None  # emoji are for the assistant to answer
    assert keywords.nothing_to_read("hi", 2) is None


async def test_stop_survives_a_restart_and_start_undoes_it(database_url: str) -> None:
    who = pseudonymise("sms", PHONE)
    await SmsStateStore(database_url).set_opted_out(who, True)
    dispose_all()  # as after a restart: no connection, no cache

    store = SmsStateStore(database_url)
    assert (await store.load(who)).opted_out
    assert not (await store.load(pseudonymise("sms", "+447700900456"))).opted_out
    await store.set_opted_out(who, False)
    dispose_all()
    assert not (await SmsStateStore(database_url).load(who)).opted_out


async def test_the_state_is_kept_by_pseudonym_and_holds_no_phone_number(database_url: str) -> None:
    who = pseudonymise("sms", PHONE)
    store = SmsStateStore(database_url)
    await store.set_opted_out(who, True)
    await store.set_options(who, number_options([{"title": "Housing", "payload": "/need_housing"}]))
    with get_engine(database_url).connect() as connection:
        rows = connection.execute(text("SELECT * FROM sms_numbers")).fetchall()
    assert any(row[0] == who for row in rows)
    dumped = repr(rows)
    assert "7700900123" not in dumped and "447700" not in dumped


async def test_pending_options_survive_a_restart_and_expire(database_url: str) -> None:
    who = pseudonymise("sms", PHONE)
    options = number_options(
        [
            {"title": "More about 1", "payload": '/ask_details{"result_number":"1"}'},
            {"title": "Show more", "payload": "/show_more"},
        ]
    )
    await SmsStateStore(database_url).ensure(who)  # as before every turn
    await SmsStateStore(database_url).set_options(who, options)
    dispose_all()
    loaded = await SmsStateStore(database_url).load(who)
    assert list(loaded.options) == options
    assert all(isinstance(option, Option) for option in loaded.options)

    later = _now() + OPTIONS_TTL + timedelta(minutes=1)
    assert load_state(get_engine(database_url), who, now=later).options == ()

    await SmsStateStore(database_url).set_options(who, [])
    assert (await SmsStateStore(database_url).load(who)).options == ()


@pytest.mark.parametrize(
    ("contact", "mentions_delete"),
    [
        ("", True),
        ("call the hub on 0151 496 0100, 9am to 5pm", True),
        ("call the hub\u2019s team on 0151 496 0100", True),  # curly: rewritten, still GSM-7
        # No room left in two segments for DELETE.
        ("call the wellbeing hub on 0151 496 0100, Monday to Friday 9am to 5pm", False),
    ],
)
def test_help_mentions_delete_while_it_fits_two_segments(
    contact: str, mentions_delete: bool
) -> None:
    reply = for_sms(keywords.help_text(contact))
    assert ("DELETE" in reply) is mentions_delete
    assert "STOP" in reply and is_gsm7(reply) and segments(reply) <= 2
    stopped = for_sms(keywords.help_text(contact, opted_out=True))
    assert "START" in stopped and "DELETE" not in stopped and segments(stopped) <= 2


async def test_options_are_not_saved_for_a_number_erased_meanwhile(database_url: str) -> None:
    """Erasure during a turn deletes the row; the options saved after the turn must not bring
    it back, and the number's next text starts afresh."""
    who = pseudonymise("sms", PHONE)
    store = SmsStateStore(database_url)
    options = number_options([{"title": "Yes, delete it", "payload": "/affirm"}])
    await store.ensure(who)
    assert await store.set_options(who, options)
    assert (await store.load(who)).exists

    engine = get_engine(database_url)
    report = erase_person(engine, [who])
    assert report.channel_rows["sms_numbers"] == 1

    assert not await store.set_options(who, [])  # the end of the erasing turn
    assert not await store.set_options(who, options)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT pseudonym FROM sms_numbers")).fetchall()
    assert rows == []
    assert await store.load(who) == NumberState()

    await store.ensure(who)  # the next text
    assert await store.set_options(who, options)
    assert list((await store.load(who)).options) == options
