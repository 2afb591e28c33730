"""The transcript shown after a reload, from real Rasa events as the tracker store keeps them."""

from __future__ import annotations

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from bot.channels.web.history import transcript

BUTTONS = [
    {"title": "More about 1", "payload": '/ask_details{"result_number":"1"}'},
    {"title": "Show more", "payload": "/show_more"},
]


def _events() -> list[dict]:
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("/greet", metadata={"web_cid": "c0"}),
        BotUttered("Hello.\n\nWhat's on your mind?"),
        UserUttered("need a food bank", metadata={"web_cid": "c1"}),
        BotUttered("Whereabouts are you?"),
        UserUttered("L9", metadata={"web_cid": "c2"}),
        SlotSet("outcode", "L9"),
        BotUttered(
            "Here are some places near L9 that help with food:\n\n"
            "1. Food bank (Trussell)\n   0.3 miles away, at St Mary's. Open now until 4pm.\n"
            "   Call 0151 496 0999",
            data={"buttons": BUTTONS},
        ),
        UserUttered('/ask_details{"result_number":"1"}', metadata={"web_cid": "c3"}),
        UserUttered("/talk_to_person"),
    ]
    return [event.as_dict() for event in events]


def test_only_messages_are_kept_in_order_and_numbered() -> None:
    items = transcript(_events())
    assert [(i["n"], i["from"]) for i in items] == [
        (0, "user"),
        (1, "bot"),
        (2, "user"),
        (3, "bot"),
        (4, "user"),
        (5, "bot"),
        (6, "user"),
        (7, "user"),
    ]


def test_the_widgets_own_greeting_is_hidden_but_counted() -> None:
    first = transcript(_events())[0]
    assert first["hidden"] is True and first["cid"] == "c0"


def test_button_payloads_show_as_what_the_person_clicked() -> None:
    items = transcript(_events())
    assert items[6]["text"] == "More about 1"
    assert items[7]["text"] == "Talk to a person"
    assert items[2] == {"from": "user", "text": "need a food bank", "cid": "c1", "n": 2}


def test_bot_replies_carry_cards_and_buttons() -> None:
    results = transcript(_events())[5]
    assert results["buttons"] == BUTTONS
    assert [b["kind"] for b in results["blocks"]] == ["text", "card"]
    assert results["blocks"][1]["phones"][0]["tel"] == "01514960999"
