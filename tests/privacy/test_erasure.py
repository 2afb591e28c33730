"""Erasure and export of one person, on SQLite and PostgreSQL: bookings, drafts, call-backs,
channel state and conversations; then a scan of every table finds nothing of them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.booking.drafts import save_draft
from bot.booking.models import Booking, BookingDraft, CallbackRequest
from bot.booking.service import join_callback_list
from bot.channels.sms.store import save_opted_out
from bot.channels.telegram.store import remember_chat
from bot.db import session_scope
from bot.events import NeedEvent, record_need_event
from bot.privacy.erasure import CANCEL_REASON, erase_person, export_person, find_conversations
from bot.privacy.pseudonyms import pseudonymise
from bot.privacy.scan import phone_variants, scan_database
from tests.privacy.conftest import UTC, add_event, make_booking

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PHONE = "0151 496 0001"  # as the person says it on the phone
E164 = "+441514960001"
NAME = "Zephyrine"


def _person(project: Engine, tracker: Engine) -> dict[str, str]:
    """One person with a bit of everything, and someone else who must be left alone."""
    web, sms = "web-aaaaaaaaaaaaaaaa", pseudonymise("sms", E164)
    future = make_booking(project, NOW + timedelta(days=3), web, E164, NAME, now=NOW)
    past = make_booking(
        project, NOW - timedelta(days=10), web, E164, NAME, now=NOW - timedelta(days=11)
    )
    save_draft(project, sms, name=NAME, phone=E164, note="second thoughts")
    join_callback_list(project, NAME, E164, "money", "phone", sms, NOW)
    save_opted_out(project, sms, True)
    telegram = pseudonymise("telegram", "424242")
    remember_chat(project, telegram, 424242)
    for sender in (web, sms, telegram):
        add_event(project, sender, "user", NOW, {"text": "hello"})
    record_need_event(project, "money", "L9", 3, at=NOW)

    other = "web-bbbbbbbbbbbbbbbb"
    kept = make_booking(project, NOW + timedelta(days=4), other, "+441514960002", "Quill", now=NOW)
    add_event(project, other, "user", NOW, {"text": "hi"})
    save_opted_out(project, pseudonymise("sms", "+441514960002"), True)
    return {"web": web, "sms": sms, "telegram": telegram, "future": future, "past": past,
            "other": other, "kept": kept}  # fmt: skip


def _bookings(project: Engine) -> dict[str, Booking]:
    with session_scope(project) as session:
        return {b.reference: b for b in session.execute(select(Booking)).scalars()}


def test_finding_a_person_by_phone_reaches_every_conversation(
    project: Engine, tracker: Engine
) -> None:
    who = _person(project, tracker)
    ids, phone = find_conversations(project, phone=PHONE, telegram_id="424242")
    assert phone == E164
    assert set(ids) == {who["web"], who["sms"], who["telegram"]}


def test_erasure_by_phone_leaves_nothing_of_the_person(project: Engine, tracker: Engine) -> None:
    who = _person(project, tracker)
    report = erase_person(project, [who["telegram"]], PHONE, tracker, now=NOW)

    assert [c.reference for c in report.cancelled] == [who["future"]]
    assert report.cancelled[0].advisor == "Robin"
    assert report.bookings_anonymised == 2 and report.drafts == 1
    assert report.callback_requests == 1
    assert report.channel_rows == {"sms_numbers": 1, "telegram_chats": 1}
    assert report.tracker_events == 3

    bookings = _bookings(project)
    future, past = bookings[who["future"]], bookings[who["past"]]
    assert (future.status, future.cancel_reason) == ("cancelled", CANCEL_REASON)
    assert past.status == "confirmed"  # a past appointment stays in the advisors' record...
    for booking in (future, past):  # ...with nothing that says who it was
        assert booking.name is booking.phone is booking.note is booking.conversation_id is None
        assert booking.consent_at is None and booking.consent_version is None
    with session_scope(project) as session:
        assert session.execute(select(BookingDraft)).first() is None
        assert session.execute(select(CallbackRequest)).first() is None
        assert session.query(NeedEvent).count() == 1  # anonymous, kept

    needles = [NAME, *phone_variants(PHONE), who["web"], who["sms"], who["telegram"], "424242"]
    assert scan_database(project, needles) == []

    # Someone else is untouched.
    other = bookings[who["kept"]]
    assert (other.status, other.name) == ("confirmed", "Quill")
    assert scan_database(project, [who["other"]]) != []


def test_erasure_is_safe_to_repeat(project: Engine, tracker: Engine) -> None:
    who = _person(project, tracker)
    erase_person(project, [who["web"]], PHONE, tracker, now=NOW)
    again = erase_person(project, [who["web"]], PHONE, tracker, now=NOW)
    assert not again.found_anything


def test_a_conversation_erasing_itself_leaves_the_tracker_to_the_store(
    project: Engine, tracker: Engine
) -> None:
    """From the conversation: only that conversation, its bookings and state; not by phone."""
    who = _person(project, tracker)
    report = erase_person(project, [who["sms"]], None, None, now=NOW)
    assert report.tracker_events is None
    assert (report.drafts, report.callback_requests) == (1, 1)
    assert report.channel_rows["sms_numbers"] == 1
    assert report.bookings_anonymised == 0  # the bookings were made on the web
    assert _bookings(project)[who["future"]].status == "confirmed"


def test_export_holds_everything_about_the_person_and_nobody_else(
    project: Engine, tracker: Engine
) -> None:
    who = _person(project, tracker)
    data = export_person(project, [], PHONE, tracker, now=NOW)
    text = json.dumps(data)  # JSON-ready throughout
    assert {b["reference"] for b in data["bookings"]} == {who["future"], who["past"]}
    assert all(b["name"] == NAME and b["advisor"] == "Robin" for b in data["bookings"])
    assert data["callback_requests"][0]["phone"] == E164
    assert data["booking_drafts"][0]["note"] == "second thoughts"
    assert data["channels"]["sms_numbers"][0]["opted_out"] in (True, 1)
    assert set(data["conversations"]) == {who["web"], who["sms"]}
    assert data["conversations"][who["web"]][0]["text"] == "hello"
    assert "Quill" not in text and who["other"] not in text
