"""The Rasa speed fixes (components/speedups.py) change how fast, never what Rasa does."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses

from components import speedups

VALID = {
    "events": [{"event": "slot", "timestamp": None, "name": "need", "value": "food"}],
    "responses": [{"text": "Here are some places", "buttons": [{"title": "1", "payload": "/x"}]}],
}
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "slot", "name": "need"}]},  # no value
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": 7}]},
    {"events": [{"timestamp": 1.0}]},
    {"events": ["slot"]},
    {"events": [{"event": "bot", "timestamp": "yesterday"}]},
    {"events": [{"event": "user", "parse_data": {"intent": "greet"}}]},
    {"events": [{"event": "entities"}]},
    {"events": [{"event": "action", "name": 5}]},
    {"responses": "no"},
    {"responses": ["text"]},
]


def _stock_validation(result: dict[str, Any]) -> str | None:
    """What Rasa's own check says: None when valid, else the error message."""
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    speedups.install()
    speedups.install()  # a second call changes nothing


def test_valid_action_responses_pass() -> None:
    assert _stock_validation(VALID) is None
    assert RemoteAction("action_x", None)._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_action_responses_fail_with_rasas_error(result: dict[str, Any]) -> None:
    expected = _stock_validation(result)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as raised:
        RemoteAction("action_x", None)._validate_action_result(result)
    assert raised.value.message.startswith(expected)
    assert "Failed to validate Action server response" in raised.value.message


def test_every_event_type_is_judged_as_rasa_judges_it() -> None:
    from rasa.shared.core.events import Event as RasaEvent

    for cls in all_subclasses(RasaEvent):
        for extra in ({}, {"name": "need", "value": 1}, {"entities": []}, {"text": None}):
            result = {"events": [{"event": cls.type_name, "timestamp": 1.5, **extra}]}
            expected = _stock_validation(result)
            if expected is None:
                assert RemoteAction("a", None)._validate_action_result(result) is True
            else:
                with pytest.raises(jsonschema.ValidationError):
                    RemoteAction("a", None)._validate_action_result(result)


def test_event_classes_resolve_as_before() -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    for name in names:
        expected = next(cls for cls in all_subclasses(Event) if cls.type_name == name)
        assert Event.resolve_by_type(name) is expected
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
