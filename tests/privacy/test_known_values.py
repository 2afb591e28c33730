"""The personal details looked up for masking (one query over drafts, bookings and call-back
requests), on SQLite and PostgreSQL: each table's details found, other people's never."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.booking.drafts import save_draft
from bot.booking.service import join_callback_list
from bot.privacy.known import known_values
from bot.privacy.redaction import phone_key
from tests.privacy.conftest import UTC, make_booking

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_details_from_each_table_are_found_and_no_one_elses(project: Engine) -> None:
    me, other = "web-known-aaaaaaaa", "web-known-bbbbbbbb"
    save_draft(project, me, name="Aurelio", phone="+441514960101", note="ring after six")
    make_booking(project, NOW + timedelta(days=2), me, "+441514960102", "Aurelio B", now=NOW)
    join_callback_list(project, "Aurelia", "+441514960103", "money", "phone", me, NOW)
    make_booking(project, NOW + timedelta(days=3), other, "+441514960999", "Quill", now=NOW)
    save_draft(project, other, name="Quentin", phone="+441514960998", note="not mine")

    known = known_values(project, me)

    assert known.names == {"Aurelio", "Aurelio B", "Aurelia"}
    assert known.phones == {
        phone_key(p) for p in ("+441514960101", "+441514960102", "+441514960103")
    }
    assert "ring after six" in known.notes and "not mine" not in known.notes


def test_a_conversation_with_no_details_knows_nothing(project: Engine) -> None:
    known = known_values(project, "web-known-nobody")
    assert not (known.names or known.phones or known.notes)


def test_only_a_call_back_request_is_enough(project: Engine) -> None:
    join_callback_list(project, "Solenne", "+441514960104", "food", "phone", "web-known-cb", NOW)
    known = known_values(project, "web-known-cb")
    assert known.names == {"Solenne"} and known.phones == {phone_key("+441514960104")}
    assert not known.notes
