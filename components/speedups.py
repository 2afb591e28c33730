"""Speed fixes for the Rasa server that do not change what it does (see docs/performance.md).

Each one removes work the profile of the Rasa server under load showed being repeated for
nothing (bench/profile_server.py):

1. Rasa 3.6 checks every action server response with `jsonschema.validate(result, schema)`,
   which first checks the *schema itself* against the JSON Schema 2020-12 meta-schema: 30-70
   ms of CPU for Rasa's large events schema, on every custom action call (a turn makes one
   to three). It was two thirds of the time spent handling messages. Here the schema is
   checked once, and each event is checked against the one event type it names rather than
   all 23 (see `_per_event_type_validators` for why that is the same check); a response
   that fails goes through Rasa's full validation, so the same responses pass and the same
   ones fail, with the same error.
2. Turning stored events back into objects (every turn, for the whole conversation, and for
   every action's events) looks up each event's class by walking all Event subclasses with
   `inspect.isabstract` on each: 7% of the time. Here the name -> class table is built once;
   names it does not know still go through Rasa's own lookup.

Six more live in their own modules: `dialogue_states` (the conversation replayed once per
event, not per policy and prediction), `rule_lookup` (the rule search stops when nothing more
can change), `intent_features` (the intent classifier's input built directly), `memo_keys`
(each memoization key compressed once), `graph_runner` (the model's graph run in a fixed
order, without dask) and `cheap_copies` (slots copied directly; no deep copies for debug
lines that are not logged). With `SIGNPOST_CHECK_SPEEDUPS=1` the first four also work each answer
out Rasa's way and raise if the two differ; the end-to-end tests and the test command's
dialogue check run the server so (tests/test_speed_fixes_equivalence.py compares all six
with Rasa's directly).

`install()` is idempotent; `components.rasa_server` calls it before starting Rasa.
"""

from __future__ import annotations

import functools
import os
from typing import Any

# Set to 1 to have each answer of the speed fixes compared with Rasa's own (tests do).
CHECK_VARIABLE = "SIGNPOST_CHECK_SPEEDUPS"

_installed = False


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # what jsonschema.validate does on every call
    return validator_class(schema)


@functools.lru_cache(maxsize=1)
def _per_event_type_validators() -> tuple[dict[str, Any], Any] | None:
    """A validator per event type, and one for the rest of the response; None if the
    schema is not shaped as expected (then only the full validator is used).

    Each event must match exactly one of the schema's 23 event branches (`oneOf`), and each
    branch requires its own `event` value (`const`). So an event whose `event` names a
    branch is valid exactly when it is valid against that branch (and the shared part):
    the other 22 cannot match. The full check tries all 23 branches for every event.
    """
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    item = spec.get("properties", {}).get("events", {}).get("items", {})
    branches = item.get("oneOf") or []
    names = [branch.get("properties", {}).get("event", {}).get("const") for branch in branches]
    if (
        not branches
        or not all(isinstance(name, str) for name in names)
        or len(set(names)) != len(names)
        or "event" not in item.get("required", [])
        or spec.get("properties", {}).get("events", {}).get("type") != "array"
    ):
        return None
    validator_class = validator_for(spec)
    shared = {key: value for key, value in item.items() if key != "oneOf"}
    per_type = {
        name: validator_class({"allOf": [shared, branch]})
        for name, branch in zip(names, branches, strict=True)
    }
    rest = {key: value for key, value in spec.items() if key != "properties"}
    rest["properties"] = {k: v for k, v in spec["properties"].items() if k != "events"}
    return per_type, validator_class(rest)


def _quickly_valid(result: Any) -> bool:
    """True only if the full validation would pass (False: ask the full validator)."""
    validators = _per_event_type_validators()
    if validators is None:
        return False
    per_type, rest = validators
    if not rest.is_valid(result):
        return False
    if "events" not in result:
        return True
    events = result["events"]
    if not isinstance(events, list):
        return False
    for event in events:
        name = event.get("event") if isinstance(event, dict) else None
        validator = per_type.get(name) if isinstance(name, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the schema checked once, not per call,
    and each event checked against its own type's schema; anything that fails that goes
    through the full validator, which raises Rasa's own error."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if _quickly_valid(result):
        return True
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    if not isinstance(error, ValidationError):  # pragma: no cover - best_match's contract
        raise error
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _event_classes_by_name() -> dict[str, type]:
    """Event type name -> class, the first match in Rasa's own search order."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    table: dict[str, type] = {}
    for event_class in all_subclasses(Event):
        table.setdefault(event_class.type_name, event_class)
    return table


def _cached_resolve_by_type(original: Any) -> Any:
    table: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        if not table:
            table.update(_event_classes_by_name())
        found = table.get(type_name)
        return found if found is not None else original(type_name, default)

    return resolve_by_type


def install() -> None:
    """Apply the speed fixes to this process's Rasa (once)."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    from components import (
        cheap_copies,
        dialogue_states,
        graph_runner,
        intent_features,
        memo_keys,
        rule_lookup,
    )

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_cached_resolve_by_type(Event.resolve_by_type))  # type: ignore[method-assign]
    check = os.environ.get(CHECK_VARIABLE, "") == "1"
    dialogue_states.install(check=check)
    rule_lookup.install(check=check)
    intent_features.install(check=check)
    memo_keys.install(check=check)
    graph_runner.install()
    cheap_copies.install()
    _installed = True
