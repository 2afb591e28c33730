"""Dialogue states worked out once per event, not once per policy per prediction.

To predict each next action, every policy asks for the conversation's past states, and Rasa
3.6 works them out by replaying the whole conversation from its first event
(`Domain.states_for_tracker_history`). A turn makes two to four predictions with two
policies, so a 100-event conversation is replayed six or more times per message: 11% of the
Rasa server's time under the benchmark load.

Here each conversation's replay is kept (per domain, tracker and set of options) and resumed:
when the events the replay has seen are still the first events of the tracker (the same
objects within a turn; the same content after the tracker is loaded again from the store),
only the new events are replayed. Anything else is replayed from the start, as Rasa does. The
loop below mirrors Rasa's own line by line, so the states are the same; callers change the
states they get (`prediction_states` deletes keys), so each call gets its own copy, with
shared sub-states still shared as in Rasa's result.

`SIGNPOST_CHECK_SPEEDUPS=1` makes every call also work the states out Rasa's way and raise
if they differ (the end-to-end tests run so).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

# Conversations whose replay is kept (two entries each: the rule and memoization policies
# ask with different options). Least recently used go first.
MAX_KEPT = 512


@dataclass
class _Replay:
    domain: Any
    slot_names: tuple[str, ...]
    events: list[Any]  # the applied events replayed so far
    keys: list[Any]  # what of each of them the states can depend on (see _state_key)
    tracker: Any  # the replay tracker, after those events
    states: list[dict[str, Any]] = field(default_factory=list)  # states at each action so far
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


_kept: OrderedDict[tuple[Any, ...], _Replay] = OrderedDict()


def forget_all() -> None:
    _kept.clear()
    _frozen_last[:] = [None, None]
    _applied_last[:] = [None, -1, None, []]


_frozen_last: list[Any] = [None, None]  # the last rule-only data seen, and its frozen form


def _frozen(rule_only_data: dict[str, Any] | None) -> Any:
    if not rule_only_data:
        return None
    if _frozen_last[0] is rule_only_data:  # the policies pass the same dict every time
        return _frozen_last[1]
    frozen = tuple(sorted((key, tuple(value)) for key, value in rule_only_data.items()))
    _frozen_last[:] = [rule_only_data, frozen]
    return frozen


# The tracker whose applied events were last worked out, how many events it had then and
# the last of them, and the result: the two policies ask about the same tracker in a row.
_applied_last: list[Any] = [None, -1, None, []]


def _applied_events(tracker: Any) -> list[Any]:
    count = len(tracker.events)
    last = tracker.events[-1] if count else None
    kept_tracker, kept_count, kept_last, applied = _applied_last
    if kept_tracker is tracker and kept_count == count and kept_last is last:
        return applied
    applied = tracker.applied_events()
    _applied_last[:] = [tracker, count, last, applied]
    return applied


_KEY_ATTRIBUTE = "_signpost_state_key"


def _state_key(event: Any) -> Any:
    """What of an event the replay can depend on, comparable across a reload from the store.

    A reloaded user message differs from the one in memory in ways states never see (its
    parse data's tuples come back as lists), so it is compared by what the states read:
    text, intent and the entities' types, roles and groups. Every other event is compared
    by everything it holds. Worked out once per event object (events are not changed once
    logged) and kept on it, since both policies' replays compare the same reloaded events."""
    kept = event.__dict__.get(_KEY_ATTRIBUTE)
    if kept is not None:
        return kept
    key = _work_out_state_key(event)
    event.__dict__[_KEY_ATTRIBUTE] = key
    return key


def _work_out_state_key(event: Any) -> Any:
    from rasa.shared.core.events import UserUttered

    if isinstance(event, UserUttered):
        return (
            UserUttered,
            event.timestamp,
            event.text,
            event.intent_name,
            tuple(
                (entity.get("entity"), entity.get("role"), entity.get("group"))
                for entity in event.entities
            ),
        )
    return (type(event), event.as_dict())


def _step(
    domain: Any,
    replay: _Replay,
    tracker: Any,
    hide_rule_turn: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """One pass of the loop in Domain.states_for_tracker_history; None where it `continue`s."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and tracker.latest_action_name != tracker.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return None
    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if replay.states:
            domain._substitute_rule_only_user_input(state, replay.states[-1])
        if replay.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = replay.last_ml_action_sub_state
    return domain._clean_state(state)


def _copy(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each state and sub-state copied; a sub-state shared between states stays shared.

    Sub-state values are strings, numbers and tuples, so two levels are the whole depth."""
    copies: dict[int, dict[str, Any]] = {}
    result = []
    for state in states:
        new = {}
        for key, sub_state in state.items():
            copied = copies.get(id(sub_state))
            if copied is None:
                copied = copies[id(sub_state)] = (
                    dict(sub_state) if isinstance(sub_state, dict) else sub_state
                )
            new[key] = copied
        result.append(new)
    return result


def _replay_for(key: tuple[Any, ...], domain: Any, tracker: Any, events: list[Any]) -> _Replay:
    replay = _kept.get(key)
    slot_names = tuple(tracker.slots)
    if (
        replay is not None
        and replay.domain is domain
        and replay.slot_names == slot_names
        and len(replay.events) <= len(events)
        and all(
            kept is new or kept_key == _state_key(new)
            for kept, kept_key, new in zip(replay.events, replay.keys, events, strict=False)
        )
    ):
        _kept.move_to_end(key)
        # From now on the tracker's own event objects are the ones compared (by identity).
        replay.events[:] = events[: len(replay.events)]
        return replay
    replay = _Replay(
        domain=domain, slot_names=slot_names, events=[], keys=[], tracker=tracker.init_copy()
    )
    _kept[key] = replay
    while len(_kept) > MAX_KEPT:
        _kept.popitem(last=False)
    return replay


def states_for_tracker_history(
    domain: Any,
    tracker: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Domain.states_for_tracker_history, resuming the kept replay of this conversation."""
    from rasa.shared.core.events import ActionExecuted

    key = (
        id(domain),
        tracker.sender_id,
        tracker.is_rule_tracker,
        omit_unset_slots,
        ignore_rule_only_turns,
        _frozen(rule_only_data),
    )
    events = _applied_events(tracker)
    replay = _replay_for(key, domain, tracker, events)
    options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    # Rasa's generate_all_prior_trackers: the replay tracker before each action, then once
    # more after the last event.
    for event in events[len(replay.events) :]:
        if isinstance(event, ActionExecuted):
            state = _step(domain, replay, replay.tracker, event.hide_rule_turn, *options)
            if state is not None:
                replay.states.append(state)
        replay.tracker.update(event)
        replay.events.append(event)
        replay.keys.append(_state_key(event))
    # The final state belongs to this call only: the next event may change what it is.
    # (_step changes only the loop variables, so it works on a shallow copy of the replay.)
    last = _step(domain, replace(replay), replay.tracker, False, *options)
    return _copy(replay.states + ([last] if last is not None else []))


def install(check: bool = False) -> None:
    """Make Domain.states_for_tracker_history resume kept replays (and, with `check`, compare
    every answer with Rasa's own)."""
    from rasa.shared.core.domain import Domain

    original = Domain.states_for_tracker_history
    if getattr(original, "_signpost_kept", False):
        return

    def patched(
        self: Any,
        tracker: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        states = states_for_tracker_history(
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
        if check:
            expected = original(
                self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
            )
            if states != expected:
                raise AssertionError(
                    f"kept dialogue states differ from Rasa's for {tracker.sender_id!r}: "
                    f"{states!r} != {expected!r}"
                )
        return states

    patched._signpost_kept = True  # type: ignore[attr-defined]
    Domain.states_for_tracker_history = patched  # type: ignore[method-assign]
