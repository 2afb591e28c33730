"""Telegram formatting: escaping, bold names, tappable numbers and links, splitting under the
limit, and buttons as an inline keyboard."""

from __future__ import annotations

import json

from telegram import InlineKeyboardMarkup

from bot.channels.telegram import formatting
from bot.signposting import SAMPLE_NOTE

RESULTS = (
    "Here are some places near L9 that help with housing:\n\n"
    "1. Talk things through with an advisor (Liverpool & Sefton Wellbeing Hubs)\n"
    "   0.3 miles away, at Walton Wellbeing Hub. Open now until 5pm.\n"
    "   Call 0151 496 0100\n\n"
    "2. Young people's housing drop-in (Bluebell <Youth> Housing)\n"
    "   1.6 miles away. Opens tomorrow, 1pm to 5pm.\n\n" + SAMPLE_NOTE
)


def test_names_are_bold_and_everything_else_is_escaped() -> None:
    html = formatting.render(RESULTS)
    assert "1. <b>Talk things through with an advisor</b> (Liverpool &amp; Sefton" in html
    assert "(Bluebell &lt;Youth&gt; Housing)" in html
    # The words the person sees are exactly the assistant's, plus the tappable numbers.
    assert formatting.visible_text(html).replace(" (+44 151 496 0100)", "") == RESULTS


def test_service_numbers_get_a_tappable_international_form() -> None:
    html = formatting.render("Call 0151 496 0100, or Samaritans on 116 123, or 999.")
    assert "0151 496 0100 (+44 151 496 0100)" in html
    assert "116 123," in html and "(+44 16 123)" not in html
    assert formatting.render("• Refuge: 0808 2000 247") == (
        "• <b>Refuge</b>: 0808 2000 247 (+44 808 2000 247)"
    )
    details = formatting.render("2. Drop-in (Hub)\nPhone: 0151 496 0116 (main line)")
    assert "Phone: 0151 496 0116 (+44 151 496 0116) (main line)" in details
    # Already international: nothing added twice.
    assert formatting.render("Call 0151 496 0100 (+44 151 496 0100)").count("+44") == 1


def test_numbers_that_are_not_a_service_to_call_are_left_alone() -> None:
    summary = "Here's what I've got:\nName: Jo\nPhone: 07123 456789\n\nShall I book it?"
    assert formatting.render(summary) == summary
    example = "A mobile looks like 07123 456789."
    assert formatting.render(example) == example


def test_websites_and_urls_become_links_with_escaped_addresses() -> None:
    html = formatting.render("Website: example.org/help?a=1&b=2\nSee https://x.org/y.")
    assert (
        'Website: <a href="https://example.org/help?a=1&amp;b=2">example.org/help?a=1&amp;b=2</a>'
        in html
    )
    assert '<a href="https://x.org/y">https://x.org/y</a>.' in html
    # Only web links: anything else is made an https:// address, never a script.
    assert 'href="https://javascript:alert(1)"' in formatting.render("Website: javascript:alert(1)")


def test_helpline_bullets_have_bold_names() -> None:
    html = formatting.render("• Samaritans: 116 123 (any time)")
    assert html == "• <b>Samaritans</b>: 116 123 (any time)"
    assert formatting.render("- Shout: text SHOUT to 85258") == (
        "- <b>Shout</b>: text SHOUT to 85258"
    )
    assert formatting.render("- a line with no name") == "- a line with no name"


def test_long_replies_split_between_paragraphs_under_the_limit() -> None:
    cards = "\n\n".join(f"{n}. Service {n}\n   Call 0151 496 {n:04d}" for n in range(1, 400))
    parts = formatting.split_text(cards)
    assert len(parts) > 1
    for part in parts:
        rendered = formatting.render(part)
        assert formatting.utf16_length(formatting.visible_text(rendered)) <= 4096
        assert part.startswith(tuple(f"{n}. " for n in range(1, 400)))  # cards kept whole
    assert "\n\n".join(parts) == cards


def test_emoji_count_double_and_one_huge_word_is_still_cut() -> None:
    text = "😊" * 3000  # 6000 UTF-16 units
    parts = formatting.split_text(text)
    assert len(parts) == 2
    assert all(formatting.utf16_length(p) <= formatting.TEXT_LIMIT for p in parts)
    assert "".join(parts) == text
    words = formatting.split_text("help " * 2000)
    assert all(formatting.utf16_length(p) <= formatting.TEXT_LIMIT for p in words)
    assert " ".join(words).split() == ["help"] * 2000


def test_buttons_become_an_inline_keyboard_in_readable_rows() -> None:
    buttons = [
        {"title": "More about 1", "payload": '/ask_details{"result_number":"1"}'},
        {"title": "More about 2", "payload": '/ask_details{"result_number":"2"}'},
        {"title": "More about 3", "payload": '/ask_details{"result_number":"3"}'},
        {"title": "Show more", "payload": "/show_more"},
        {"title": "Look somewhere else", "payload": "/change_location"},
    ]
    board = formatting.keyboard(buttons)
    assert isinstance(board.markup, InlineKeyboardMarkup)
    rows = [[(b.text, b.callback_data) for b in row] for row in board.markup.inline_keyboard]
    assert rows[0] == [
        ("More about 1", '/ask_details{"result_number":"1"}'),
        ("More about 2", '/ask_details{"result_number":"2"}'),
    ]
    flat = [b for row in rows for b in row]
    assert [t for t, _ in flat] == [b["title"] for b in buttons]
    assert all(len(row) <= 3 and sum(len(t) for t, _ in row) <= 30 for row in rows)
    json.dumps(board.markup.to_dict())  # serialisable as sent to Telegram


def test_payloads_over_64_bytes_travel_as_a_key() -> None:
    payload = '/book_slot{"slot":"2026-03-03T10:30:00+00:00","advisor":"sam-from-walton-hub"}'
    board = formatting.keyboard([{"title": "Tue 3 Mar 10:30am", "payload": payload}])
    data = board.markup.inline_keyboard[0][0].callback_data
    assert len(data.encode()) <= 64 and data.startswith(formatting.LONG_PAYLOAD_PREFIX)
    assert board.long_payloads == {data: payload}
    assert formatting.callback_data_for(payload) == data  # stable


def test_no_buttons_no_keyboard_and_url_buttons_open_links() -> None:
    assert formatting.keyboard(None).markup is None
    board = formatting.keyboard([{"title": "Website", "url": "https://example.org"}])
    assert board.markup.inline_keyboard[0][0].url == "https://example.org"
