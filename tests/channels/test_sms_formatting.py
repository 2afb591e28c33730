"""The SMS formatter: GSM-7 rewriting, segment counting (GSM-7 and UCS-2), splitting a long
turn, numbered options and what a reply selects. Pure functions, no Rasa."""

from __future__ import annotations

import re

import pytest

from bot.channels.sms.formatting import (
    GSM7,
    UCS2,
    SmsLength,
    choose,
    compose_turn,
    describe_options,
    for_sms,
    is_gsm7,
    measure,
    number_options,
    segments,
    split_message,
    tappable,
    to_gsm7,
)

RESULT_BUTTONS = [
    {"title": "More about 1", "payload": '/ask_details{"result_number":"1"}'},
    {"title": "More about 2", "payload": '/ask_details{"result_number":"2"}'},
    {"title": "More about 3", "payload": '/ask_details{"result_number":"3"}'},
    {"title": "Show more", "payload": "/show_more"},
    {"title": "Look somewhere else", "payload": "/change_location"},
]
CATEGORY_BUTTONS = [
    {"title": "Money and debt", "payload": "/need_money"},
    {"title": "Housing", "payload": "/need_housing"},
    {"title": "Food", "payload": "/need_food"},
    {"title": "Feeling alone", "payload": "/need_loneliness"},
]


# --- GSM-7 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It\u2019s \u201cfree\u201d", 'It\'s "free"'),
        ("9am \u2013 5pm \u2014 every day", "9am - 5pm - every day"),
        ("Wait\u2026", "Wait..."),
        ("\u2022 Samaritans", "- Samaritans"),
        ("0151\u00a0496\u202f0100", "0151 496 0100"),
        ("Great news \U0001f60a\U0001f44d!", "Great news!"),
        ("Thanks \u2764\ufe0f", "Thanks"),
        ("Caf\u00e9 na\u00efve fa\u00e7ade", "Caf\u00e9 naive facade"),
        ("\u00a35 or \u20ac5", "\u00a35 or \u20ac5"),
    ],
)
def test_text_is_rewritten_to_gsm7(text: str, expected: str) -> None:
    assert to_gsm7(text) == expected
    assert is_gsm7(to_gsm7(text))


def test_other_alphabets_are_kept_not_mangled() -> None:
    text = "\u0414\u043e\u043f\u043e\u043c\u043e\u0433\u0430 \u2014 help"
    assert to_gsm7(text) == "\u0414\u043e\u043f\u043e\u043c\u043e\u0433\u0430 - help"
    assert measure(to_gsm7(text)).encoding == UCS2


def test_one_smart_quote_would_triple_the_cost_and_is_rewritten() -> None:
    text = "I\u2019m " + "a" * 300
    assert measure(text).segments == 5  # UCS-2: 67 a segment
    assert measure(to_gsm7(text)).segments == 2  # GSM-7: 153 a segment


# --- segments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "units", "count"),
    [
        ("", GSM7, 0, 0),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        ("a" * 459, GSM7, 459, 3),
        ("a" * 460, GSM7, 460, 4),
        ("\u20ac" * 80, GSM7, 160, 1),  # the euro sign is an escape pair: two septets
        ("\u20ac" * 81, GSM7, 162, 2),
        ("a" * 152 + "[", GSM7, 154, 1),
        ("a" * 160 + "]", GSM7, 162, 2),
        ("\u0436" * 70, UCS2, 70, 1),
        ("\u0436" * 71, UCS2, 71, 2),
        ("\u0436" * 134, UCS2, 134, 2),
        ("\u0436" * 135, UCS2, 135, 3),
        ("\U0001f60a" * 35, UCS2, 70, 1),  # an emoji is two UTF-16 units
        ("\U0001f60a" * 36, UCS2, 72, 2),
    ],
)
def test_segments_are_counted_like_the_network(
    text: str, encoding: str, units: int, count: int
) -> None:
    assert measure(text) == SmsLength(encoding, units, count)


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # 152 plain septets then a two-septet "€" would straddle the 153 boundary: it moves on.
    text = "a" * 152 + "\u20ac" + "a" * 152
    assert measure(text).units == 306
    assert measure(text).segments == 3


def test_a_surrogate_pair_is_never_split_across_segments() -> None:
    text = "\u0436" * 66 + "\U0001f60a" + "\u0436" * 66
    assert measure(text).units == 134
    assert measure(text).segments == 3


# --- splitting ----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def test_short_text_is_one_message_unchanged() -> None:
    assert split_message("Hello.\n\nWhat's on your mind?") == ["Hello.\n\nWhat's on your mind?"]


def test_blank_lines_go_before_an_extra_segment_does() -> None:
    text = "a" * 150 + "\n\n" + "b" * 150 + "\n\n" + "c" * 156  # 460 with blank lines
    (single,) = split_message(text, 3)
    assert single == "a" * 150 + "\n" + "b" * 150 + "\n" + "c" * 156
    assert segments(single) == 3


def test_a_long_text_is_split_on_sentences_into_messages_of_three_segments() -> None:
    sentences = [f"Sentence number {n} says something useful about the hub." for n in range(40)]
    text = " ".join(sentences)
    parts = split_message(text, 3)
    assert len(parts) > 1
    for part in parts:
        assert segments(part) <= 3
        assert part.endswith(".")  # each ends where a sentence ends
    assert _words(" ".join(parts)) == _words(text)  # nothing lost, nothing added


def test_paragraphs_are_kept_whole_where_they_fit() -> None:
    results = [
        f"{n}. Service number {n} (An Organisation)\n0.3 miles away, at a hub. Open now "
        f"until 5pm.\nCall 0151 496 010{n}"
        for n in range(1, 6)
    ]
    parts = split_message("\n\n".join(results), 3)
    assert len(parts) == 2
    for part in parts:
        assert re.match(r"^\d\. ", part)  # a message starts at the start of a result


@pytest.mark.parametrize("max_segments", [1, 2, 3])
def test_never_splits_inside_a_word_number_postcode_or_link(max_segments: int) -> None:
    whole = ["0151 496 0100", "0808 2000 247", "https://kettle-crumb.example.org/help", "L9 1AD"]
    chunk = (
        "Call 0151 496 0100 or 0808 2000 247, or visit https://kettle-crumb.example.org/help "
        "at L9 1AD, from 10:30am on Tuesday (supercalifragilistic)."
    )
    text = " ".join([chunk] * 8)
    parts = split_message(text, max_segments)
    assert len(parts) > 1 and all(segments(p) <= max_segments for p in parts)
    assert [t for p in parts for t in p.split()] == text.split()  # no word cut in two
    for token in whole:
        assert sum(part.count(token) for part in parts) == 8  # each one whole in a message


def test_a_single_huge_word_is_cut_only_as_a_last_resort() -> None:
    parts = split_message("x" * 1000, 3)
    assert "".join(parts) == "x" * 1000
    assert all(segments(p) <= 3 for p in parts)


def test_ucs2_text_is_split_by_ucs2_limits() -> None:
    text = " ".join(["\u0414\u043e\u043f\u043e\u043c\u043e\u0433\u0430."] * 60)
    parts = split_message(text, 3)
    assert all(measure(p).encoding == UCS2 and segments(p) <= 3 for p in parts)
    assert _words(" ".join(parts)) == _words(text)


# --- numbered options ---------------------------------------------------------------------


def test_result_buttons_keep_their_numbers_and_the_rest_get_words() -> None:
    options = number_options(RESULT_BUTTONS)
    assert [(o.key, o.kind) for o in options] == [
        ("1", "result"),
        ("2", "result"),
        ("3", "result"),
        ("MORE", "word"),
        (None, "word"),
    ]
    assert describe_options(options) == (
        "Reply 1, 2 or 3 to find out more about one, MORE to see more, "
        "or send another area or postcode to look there."
    )


def test_later_results_keep_their_own_numbers() -> None:
    buttons = [
        {"title": f"More about {n}", "payload": f'/ask_details{{"result_number":"{n}"}}'}
        for n in (4, 5, 6)
    ]
    options = number_options([*buttons, RESULT_BUTTONS[-1]])
    assert describe_options(options).startswith("Reply 4, 5 or 6 to find out more about one")
    assert compose_turn(["Here are some more:"], buttons).options[0].key == "4"


def test_other_buttons_are_numbered_from_one() -> None:
    options = number_options(CATEGORY_BUTTONS)
    assert [o.key for o in options] == ["1", "2", "3", "4"]
    assert describe_options(options) == (
        "Reply 1 to 4:\n1 Money and debt\n2 Housing\n3 Food\n4 Feeling alone"
    )
    assert describe_options(number_options(CATEGORY_BUTTONS[:2])).startswith("Reply 1 or 2:")


def test_an_unknown_button_next_to_results_is_chosen_by_its_words() -> None:
    buttons = [*RESULT_BUTTONS[:2], {"title": "Talk to an advisor", "payload": "/book"}]
    options = number_options(buttons)
    assert describe_options(options) == (
        'Reply 1 or 2 to find out more about one, or "Talk to an advisor".'
    )
    assert choose("talk to an advisor", options) == "/book"


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("2", '/ask_details{"result_number":"2"}'),
        (" 2. ", '/ask_details{"result_number":"2"}'),
        ("no. 3", '/ask_details{"result_number":"3"}'),
        ("#1", '/ask_details{"result_number":"1"}'),
        ("two", '/ask_details{"result_number":"2"}'),
        ("MORE", "/show_more"),
        ("more", "/show_more"),
        ("More about 3", '/ask_details{"result_number":"3"}'),
        ("look somewhere else", "/change_location"),
        ("7", None),  # not offered: passed on for the assistant to answer
        ("tell me about the second one", None),
        ("Bootle", None),
        ("", None),
    ],
)
def test_a_reply_selects_an_option(reply: str, payload: str | None) -> None:
    assert choose(reply, number_options(RESULT_BUTTONS)) == payload


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("2", "/need_housing"),
        ("Housing", "/need_housing"),
        ("money", "/need_money"),
        ("money and debt", "/need_money"),
        ("feeling alone", "/need_loneliness"),
        ("alone", None),  # not the start of a title: the assistant understands it anyway
        ("5", None),
        ("i cant afford food", None),
    ],
)
def test_a_reply_selects_a_numbered_option_by_number_or_words(
    reply: str, payload: str | None
) -> None:
    assert choose(reply, number_options(CATEGORY_BUTTONS)) == payload


# --- whole turns --------------------------------------------------------------------------


def test_a_whole_results_turn() -> None:
    text = (
        "Here are some places near L9 that help with housing:\n\n"
        "1. Talk things through with an advisor (Liverpool & Sefton Wellbeing Hubs)\n"
        "   0.3 miles away, at Walton Wellbeing Hub. Open now until 5pm.\n"
        "   Call 0151 496 0100"
    )
    turn = compose_turn([text], RESULT_BUTTONS[:1] + RESULT_BUTTONS[3:])
    (message,) = turn.messages
    assert "\n0.3 miles away" in message  # indentation removed
    assert message.endswith(
        "Reply 1 to find out more about it, MORE to see more, "
        "or send another area or postcode to look there."
    )
    assert is_gsm7(message) and segments(message) <= 3


def test_several_messages_in_a_turn_become_one_text() -> None:
    turn = compose_turn(
        ["That sounds really worrying.", "Whereabouts are you?"], [], max_segments=3
    )
    assert turn.messages == ["That sounds really worrying.\n\nWhereabouts are you?"]
    assert turn.options == []


def test_links_get_a_scheme_so_every_phone_can_open_them() -> None:
    assert tappable("See www.example.org/help.") == "See https://www.example.org/help."
    assert tappable("See https://www.example.org") == "See https://www.example.org"
    assert for_sms("Call\u00a00151\u00a0496\u00a00100") == "Call 0151 496 0100"


def test_buttons_titled_with_a_number_keep_it_and_the_rest_follow_on() -> None:
    buttons = [{"title": str(n), "payload": f'/pick{{"n":"{n}"}}'} for n in range(1, 5)]
    buttons += [
        {"title": "Later", "payload": "/later"},
        {"title": "A different day", "payload": "/another_day"},
    ]
    options = number_options(buttons)
    assert describe_options(options) == (
        "Reply 1 to 4 to choose one, or:\n5 Later\n6 A different day"
    )
    assert choose("2", options) == '/pick{"n":"2"}'
    assert choose("5", options) == "/later"
    assert choose("a different day", options) == "/another_day"
    assert describe_options(number_options(buttons[:3])) == "Reply 1, 2 or 3 to choose one."
