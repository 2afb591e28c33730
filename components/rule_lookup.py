"""Rule lookup that stops once no rule can be ruled out.

To find the rules that fit a conversation, Rasa 3.6's RulePolicy walks back through *every*
past state of it and, for each, filters all remaining rules again, reversing each rule's
states each time (`_get_possible_keys`). But a rule with k states is only ever tested against
the last k states of the conversation: further back, Rasa's own test (`_is_rule_applicable`)
says "applicable" without looking. So once the walk is further back than the longest rule
still in play, nothing more can change, and the walk can stop. And at the last state, a rule can
only fit if the action it names is the one just taken (and the intent it names, the one
just heard), so rules are grouped by those and only the right groups (and the rules naming
neither) are tested there. That, and reversing each rule once, is all this changes; the
test of a rule against a state is Rasa's.

The walk grew with the conversation: 6% of the Rasa server's time under the benchmark load.
`SIGNPOST_CHECK_SPEEDUPS=1` compares every answer with Rasa's own and raises if they differ.
"""

from __future__ import annotations

import functools
import json
from typing import Any


@functools.lru_cache(maxsize=20_000)
def _reversed_rule_states(rule_key: str) -> tuple[dict[str, Any], ...]:
    return tuple(reversed(json.loads(rule_key)))


def _is_applicable(
    policy: Any, reversed_rule: tuple[dict[str, Any], ...], turn_index: int, state: dict[str, Any]
) -> bool:
    """RulePolicy._is_rule_applicable, given the rule's states already reversed."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    if turn_index >= len(reversed_rule):
        return True
    current_previous_action = state.get(PREVIOUS_ACTION)
    rule_previous_action = reversed_rule[turn_index].get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return policy._does_rule_match_state(reversed_rule[turn_index], state)


class _ByLastAction:
    """A lookup's rules grouped by what their last state names, for the first step.

    In the last state, a rule whose previous action is exactly {action_name: A} (A a real
    name) can only fit a conversation whose previous action has action_name A: Rasa's test
    rejects it when the conversation has no previous action or a different (or no) name.
    Likewise a rule whose last user sub-state names intent I only fits a conversation whose
    last user intent is I. Every other rule is tried always."""

    def __init__(self, lookup: dict[str, str]) -> None:
        from rasa.shared.core.constants import PREVIOUS_ACTION, USER

        self.lookup = lookup
        self.size = len(lookup)
        Rules = dict[str, tuple[dict[str, Any], ...]]
        self.by_action: dict[str, Rules] = {}  # any intent
        self.by_action_and_intent: dict[tuple[str, str], Rules] = {}
        self.always: Rules = {}
        for key in lookup:
            rule = _reversed_rule_states(key)
            last = rule[0] if rule else {}
            previous = last.get(PREVIOUS_ACTION)
            action = _only_name(previous)
            if action is None:
                self.always[key] = rule
                continue
            user = last.get(USER)
            intent = _named(user, "intent") if isinstance(user, dict) else None
            if intent is None:
                self.by_action.setdefault(action, {})[key] = rule
            else:
                self.by_action_and_intent.setdefault((action, intent), {})[key] = rule

    def candidates(self, state: dict[str, Any]) -> dict[str, tuple[dict[str, Any], ...]]:
        from rasa.shared.core.constants import PREVIOUS_ACTION, USER
        from rasa.shared.nlu.constants import ACTION_NAME, INTENT

        previous = state.get(PREVIOUS_ACTION)
        action = previous.get(ACTION_NAME) if isinstance(previous, dict) else None
        if not isinstance(action, str):
            return dict(self.always)
        user = state.get(USER)
        intent = user.get(INTENT) if isinstance(user, dict) else None
        return {
            **self.always,
            **self.by_action.get(action, {}),
            **(
                self.by_action_and_intent.get((action, intent), {})
                if isinstance(intent, str)
                else {}
            ),
        }


def _named(sub_state: dict[str, Any], key: str) -> str | None:
    """The sub-state's value for `key` if it is a real name (a rule requiring it)."""
    from rasa.shared.core.constants import SHOULD_NOT_BE_SET

    value = sub_state.get(key)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


def _only_name(previous: Any) -> str | None:
    """A rule's previous action if it is exactly {action_name: a real name}, else None."""
    from rasa.shared.nlu.constants import ACTION_NAME

    if not isinstance(previous, dict) or list(previous) != [ACTION_NAME]:
        return None
    return _named(previous, ACTION_NAME)


_grouped: dict[int, _ByLastAction] = {}


def _group(lookup: dict[str, str]) -> _ByLastAction:
    grouped = _grouped.get(id(lookup))
    if grouped is None or grouped.lookup is not lookup or grouped.size != len(lookup):
        grouped = _grouped[id(lookup)] = _ByLastAction(lookup)
    return grouped


def get_possible_keys(
    policy: Any, lookup: dict[str, str], states: list[dict[str, Any]]
) -> set[str]:
    """RulePolicy._get_possible_keys, testing at the last state only the rules that can fit
    it, and stopping when every remaining rule is shorter than the distance walked back
    (from then on Rasa keeps every key)."""
    if not states:
        return set(lookup)
    possible = _group(lookup).candidates(states[-1])
    longest = max((len(rule) for rule in possible.values()), default=0)
    for turn_index, state in enumerate(reversed(states)):
        if turn_index >= longest:
            break
        possible = {
            key: rule
            for key, rule in possible.items()
            if _is_applicable(policy, rule, turn_index, state)
        }
        longest = max((len(rule) for rule in possible.values()), default=0)
    return set(possible)


def install(check: bool = False) -> None:
    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._get_possible_keys
    if getattr(original, "_signpost_stops_early", False):
        return

    def patched(self: Any, lookup: dict[str, str], states: list[dict[str, Any]]) -> set[str]:
        keys = get_possible_keys(self, lookup, states)
        if check:
            expected = original(self, lookup, states)
            if keys != expected:
                raise AssertionError(f"rule lookup differs from Rasa's: {keys!r} != {expected!r}")
        return keys

    patched._signpost_stops_early = True  # type: ignore[attr-defined]
    RulePolicy._get_possible_keys = patched  # type: ignore[method-assign]
