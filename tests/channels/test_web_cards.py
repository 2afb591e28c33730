"""Replies become cards: rendered by the real bot/signposting.py, parsed back by the channel."""

from __future__ import annotations

from dataclasses import replace

from bot.channels.web.cards import safe_url, tel, to_blocks
from bot.directory.search import Card, Details
from bot.signposting import SAMPLE_NOTE, render_details, render_national, render_page

CARD = Card(
    key="k1",
    name="Talk things through with an advisor",
    organization="Liverpool & Sefton Wellbeing Hubs",
    kind="venue",
    distance_miles=0.3,
    place_name="Walton Wellbeing Hub",
    phone="0151 496 0100",
    text_contact=None,
    status="Open now until 5pm",
    sample=True,
    national=False,
    verified=True,
    area=None,
)


def test_a_results_page_becomes_intro_cards_and_note() -> None:
    cards = [
        CARD,
        replace(
            CARD,
            key="k2",
            name="Young people's housing drop-in",
            organization="Bluebell Youth Housing Project",
            distance_miles=1.6,
            place_name="Bluebell Youth Housing Project. Unit 2",
            phone=None,
            status="Opens tomorrow, 1pm to 5pm",
        ),
        replace(
            CARD,
            key="k3",
            name="Sefton Carers Line",
            distance_miles=None,
            place_name=None,
            area="Sefton",
            status="Opening times not listed",
        ),
    ]
    text = render_page("Here are some places near L9 that help with housing:", cards, 1)
    blocks = to_blocks(text)
    assert [b["kind"] for b in blocks] == ["text", "card", "card", "card", "text"]
    assert blocks[0]["text"].startswith("Here are some places near L9")
    assert blocks[-1]["text"] == SAMPLE_NOTE

    first = blocks[1]
    assert first["number"] == 1
    assert first["name"] == "Talk things through with an advisor"
    assert first["organisation"] == "Liverpool & Sefton Wellbeing Hubs"
    assert first["distance"] == "0.3 miles away"
    assert first["place"] == "Walton Wellbeing Hub"
    assert first["status"] == "Open now until 5pm"
    assert first["phones"] == [{"number": "0151 496 0100", "tel": "01514960100", "note": None}]

    second = blocks[2]
    assert second["number"] == 2
    assert second["distance"] == "1.6 miles away"
    assert second["place"] == "Bluebell Youth Housing Project. Unit 2"  # a full stop inside
    assert second["status"] == "Opens tomorrow, 1pm to 5pm"
    assert second["phones"] == []

    third = blocks[3]
    assert third["area"] == "Sefton" and third["distance"] is None
    assert third["status"] == "Opening times not listed"


def test_service_details_become_one_full_card() -> None:
    details = Details(
        **{**CARD.__dict__, "distance_miles": 1.0},
        description="A friendly chat with someone who can help you sort things out.",
        address="12 Rice Lane, Liverpool L9 1AD",
        website="https://example.org/advisor",
        email="hello@example.org",
        hours="Monday to Friday, 9am to 5pm",
        cost="Free",
        eligibility="Adults in Liverpool",
        accessibility="Step-free access",
        phones=(("0151 496 0100", "main line"), ("0808 157 0000", None)),
        source="sample",
        source_url=None,
        verification_status=None,
        last_verified=None,
    )
    text = render_details(2, details) + "\n\nWould you like to know about another one?"
    blocks = to_blocks(text)
    assert [b["kind"] for b in blocks] == ["card", "text"]
    card = blocks[0]
    assert card["number"] == 2
    assert card["name"] == "Talk things through with an advisor"
    assert card["description"].startswith("A friendly chat")
    assert card["address"] == "Walton Wellbeing Hub, 12 Rice Lane, Liverpool L9 1AD"
    assert card["distance"] == "1 mile away"
    assert card["hours"] == "Monday to Friday, 9am to 5pm"
    assert card["status"] == "Open now until 5pm"
    assert card["phones"] == [
        {"number": "0151 496 0100", "tel": "01514960100", "note": "main line"},
        {"number": "0808 157 0000", "tel": "08081570000", "note": None},
    ]
    assert card["website"] == "https://example.org/advisor"
    assert card["email"] == "hello@example.org"
    assert {"label": "Cost", "value": "Free"} in card["facts"]
    assert {"label": "Who it's for", "value": "Adults in Liverpool"} in card["facts"]
    assert card["notes"] == ["This is a made-up example service for the demo."]


def test_national_helplines_become_a_list() -> None:
    helpline = replace(
        CARD, name="Shelter", distance_miles=None, phone="0808 800 4444", status="", sample=False
    )
    text = render_national([helpline], "ZZ1", "housing", in_area=False)
    blocks = to_blocks(text)
    assert blocks[0]["kind"] == "text"
    assert blocks[1] == {"kind": "list", "items": ["Shelter: 0808 800 4444"]}


def test_plain_replies_stay_text() -> None:
    text = "Hello.\n\nWhat's on your mind? You can tell me in your own words."
    assert to_blocks(text) == [
        {"kind": "text", "text": "Hello."},
        {"kind": "text", "text": "What's on your mind? You can tell me in your own words."},
    ]
    assert to_blocks("") == []
    assert to_blocks(None) == []


def test_structured_cards_are_used_when_the_reply_carries_them() -> None:
    custom = {
        "cards": [
            {
                "number": 1,
                "name": "Food bank",
                "organisation": "Trussell",
                "distance_miles": 0.42,
                "place": "St Mary's",
                "status": "Open now until 4pm",
                "phones": ["0151 496 0999"],
                "website": "www.example.org",
            }
        ]
    }
    blocks = to_blocks("Here's what I found:", custom)
    assert blocks[0] == {"kind": "text", "text": "Here's what I found:"}
    card = blocks[1]
    assert card["distance"] == "0.4 miles away"
    assert card["phones"][0]["tel"] == "01514960999"
    assert card["website"] == "https://www.example.org"


def test_links_are_only_ever_web_or_phone() -> None:
    assert tel("0151 496 0100") == "01514960100"
    assert tel("+44 151 496 0100") == "+441514960100"
    assert tel("call us") is None
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_url("example.org") == "https://example.org"
    assert safe_url("data:text/html,hi") is None


def test_crisis_numbers_become_a_list_between_their_sentences() -> None:
    from bot.crisis import crisis_reply

    blocks = to_blocks(crisis_reply("suicide_self_harm"))
    crisis = blocks[0]
    assert crisis["kind"] == "list"
    assert crisis["intro"].endswith("Please talk to someone now:")
    assert any("116 123" in item for item in crisis["items"])
    assert "999" in crisis["outro"]


def test_numbered_choices_one_a_line_are_a_list_not_a_card() -> None:
    text = (
        "Here are the next free times:\n\n"
        "1. Thursday 26 November at 4:30pm\n2. Thursday 26 November at 5pm\n"
        "3. Friday 27 November at 10am\n\nWhich would suit you?"
    )
    blocks = to_blocks(text)
    assert [b["kind"] for b in blocks] == ["text", "list", "text"]
    assert blocks[1] == {
        "kind": "list",
        "ordered": True,
        "start": 1,
        "items": [
            "Thursday 26 November at 4:30pm",
            "Thursday 26 November at 5pm",
            "Friday 27 November at 10am",
        ],
    }
