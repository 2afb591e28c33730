"""The per-turn speed fixes (components/dialogue_states, rule_lookup, intent_features,
memo_keys, graph_runner) give exactly what Rasa's own code gives, on this project's model,
domain and dialogues.

The end-to-end tests also run every turn of the real servers with SIGNPOST_CHECK_SPEEDUPS=1,
which compares each answer with Rasa's; these tests look at the edges directly: conversations
growing event by event, reloaded from their stored form, changed in the middle.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import numpy as np
import pytest
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.training import load_data
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import REPO_ROOT
from components import dialogue_states, graph_runner, intent_features, memo_keys, rule_lookup

# Rasa's own code, taken before any test can install the fixes in this process.
RASA_STATES = Domain.states_for_tracker_history
RASA_POSSIBLE_KEYS = RulePolicy._get_possible_keys
RASA_CREATE_X = LogisticRegressionClassifier._create_X
RASA_FEATURE_KEY = MemoizationPolicy._create_feature_key
RASA_RUN = DaskGraphRunner.run

RULE_ONLY = {
    "rule_only_slots": ["booking_stage", "paused_loop"],
    "rule_only_loops": ["lookup_form"],
}
OPTIONS = [(False, False, None), (False, True, RULE_ONLY), (True, False, None)]


def test_the_originals_were_taken_before_any_fix() -> None:
    for original in (RASA_STATES, RASA_POSSIBLE_KEYS, RASA_FEATURE_KEY, RASA_RUN):
        assert not any(name.startswith("_signpost") for name in vars(original)), original


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO_ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def dialogues(domain: Domain) -> list[list[Event]]:
    trackers = []
    for folder in ("tests/stories", "data/stories", "data/rules"):
        trackers += load_data(str(REPO_ROOT / folder), domain, augmentation_factor=0)
    dialogues = [list(tracker.events) for tracker in trackers if len(tracker.events) > 3]
    assert len(dialogues) > 40
    return dialogues


def _tracker(domain: Domain, sender: str, events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, events, slots=domain.slots)


def _reloaded(domain: Domain, tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker as a tracker store gives it back: every event rebuilt from its dict."""
    events = [Event.from_parameters(event.as_dict()) for event in tracker.events]
    return _tracker(domain, tracker.sender_id, events)


def test_dialogue_states_match_rasa_as_conversations_grow_and_reload(
    domain: Domain, dialogues: list[list[Event]]
) -> None:
    dialogue_states.forget_all()
    rng = random.Random(7)
    compared = 0
    for number, events in enumerate(dialogues):
        sender = f"conversation-{number}"
        tracker = _tracker(domain, sender, [])
        for event in events:
            tracker.update(event)
            if rng.random() < 0.3:
                tracker = _reloaded(domain, tracker)  # a new turn: loaded from the store
            for options in OPTIONS:
                ours = dialogue_states.states_for_tracker_history(domain, tracker, *options)
                assert ours == RASA_STATES(domain, tracker, *options), (sender, options)
                compared += 1
    assert compared > 1000


def test_states_handed_out_are_copies_the_caller_may_change(
    domain: Domain, dialogues: list[list[Event]]
) -> None:
    dialogue_states.forget_all()
    tracker = _tracker(domain, "mutating-caller", dialogues[0])
    first = dialogue_states.states_for_tracker_history(domain, tracker)
    for state in first:  # what prediction_states does to the states it is given
        state.clear()
    assert dialogue_states.states_for_tracker_history(domain, tracker) == RASA_STATES(
        domain, tracker
    )


def test_a_conversation_changed_in_the_middle_is_replayed_from_the_start(
    domain: Domain, dialogues: list[list[Event]]
) -> None:
    dialogue_states.forget_all()
    events = max(dialogues, key=len)
    tracker = _tracker(domain, "changed", events)
    dialogue_states.states_for_tracker_history(domain, tracker)
    users = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]
    assert users
    changed = list(events)
    original = changed[users[0]]
    changed[users[0]] = UserUttered(
        "something else entirely",
        {"name": "goodbye", "confidence": 1.0},
        timestamp=original.timestamp,
    )
    other = _tracker(domain, "changed", changed)
    assert dialogue_states.states_for_tracker_history(domain, other) == RASA_STATES(domain, other)
    # ... the same holds for a conversation that was deleted and started again (same sender)
    restarted = _tracker(domain, "changed", events[: len(events) // 2])
    assert dialogue_states.states_for_tracker_history(domain, restarted) == RASA_STATES(
        domain, restarted
    )


def test_the_kept_replays_are_bounded(domain: Domain, dialogues: list[list[Event]]) -> None:
    dialogue_states.forget_all()
    for number in range(dialogue_states.MAX_KEPT + 50):
        tracker = _tracker(domain, f"many-{number}", dialogues[number % len(dialogues)][:4])
        dialogue_states.states_for_tracker_history(domain, tracker)
    assert len(dialogue_states._kept) == dialogue_states.MAX_KEPT
    dialogue_states.forget_all()


# --- the trained model's own components ------------------------------------------------------


@pytest.fixture(scope="module")
def agent() -> Any:
    from rasa.core.agent import Agent

    from bot.modelcache import ensure_model

    model, _ = ensure_model()
    return Agent.load(str(model))


def _graph_nodes(agent: Any, kind: type) -> list[Any]:
    runner = agent.processor.graph_runner
    return [
        node._component
        for node in runner._instantiated_nodes.values()
        if type(getattr(node, "_component", None)) is kind
    ]


MESSAGES = [
    "hello",
    "I'm struggling with money and can't pay my rent",
    "L9 1AA",
    "show me more",
    "i feel so alone since my wife died",
    "👍",
    "can I speak to someone about my drinking",
    "no thanks, bye",
]


def test_the_model_understands_each_message_the_same_through_the_ordered_graph(
    agent: Any,
) -> None:
    from rasa.core.channels.channel import UserMessage

    runner = agent.processor.graph_runner
    for text in MESSAGES:
        inputs = {"__message__": [UserMessage(text, message_id="m")]}
        targets = [agent.processor.model_metadata.nlu_target]
        ours = graph_runner.run(runner, dict(inputs), targets)
        rasa = RASA_RUN(runner, {"__message__": [UserMessage(text, message_id="m")]}, targets)
        assert list(ours) == list(rasa)
        (ours_message,) = next(iter(ours.values()))
        (rasa_message,) = next(iter(rasa.values()))
        assert ours_message.as_dict_nlu() == rasa_message.as_dict_nlu(), text


def test_the_intent_classifier_input_and_ranking_match_rasa(agent: Any) -> None:
    from rasa.core.channels.channel import UserMessage

    (classifier,) = _graph_nodes(agent, LogisticRegressionClassifier)
    runner = agent.processor.graph_runner
    for text in MESSAGES:
        # The messages as they reach the classifier: tokens and count features, no intent yet.
        targets = [
            name
            for name, node in runner._instantiated_nodes.items()
            if getattr(node, "_component", None) is classifier
        ]
        parents = list(runner._graph_schema.nodes[targets[0]].needs.values())
        (message,) = next(
            iter(RASA_RUN(runner, {"__message__": [UserMessage(text)]}, parents).values())
        )
        ours = intent_features.sentence_matrix([message])
        rasa = RASA_CREATE_X(classifier, [message])
        assert ours is not None and ours.shape == rasa.shape and (ours != rasa).nnz == 0, text
        # Column-major coefficients: the same probabilities, to the last bit.
        stock = classifier.clf.predict_proba(rasa)
        fast = copy.deepcopy(classifier.clf)
        fast.coef_ = np.asfortranarray(fast.coef_)
        assert (fast.predict_proba(ours) == stock).all(), text


def test_rule_lookup_matches_rasa_on_every_dialogue_state(
    agent: Any, domain: Domain, dialogues: list[list[Event]]
) -> None:
    (rules,) = _graph_nodes(agent, RulePolicy)
    model_domain = agent.domain
    compared = 0
    for number, events in enumerate(dialogues):
        tracker = _tracker(model_domain, f"rules-{number}", [])
        for event in events:
            tracker.update(event)
            states = RASA_STATES(model_domain, tracker)
            for lookup in rules.lookup.values():
                if not isinstance(lookup, dict) or not all(isinstance(k, str) for k in lookup):
                    continue
                assert rule_lookup.get_possible_keys(rules, lookup, states) == RASA_POSSIBLE_KEYS(
                    rules, lookup, states
                )
                compared += 1
    assert compared > 1000


def test_memo_keys_match_rasa(agent: Any, dialogues: list[list[Event]]) -> None:
    (memo,) = _graph_nodes(agent, MemoizationPolicy)
    for number, events in enumerate(dialogues):
        tracker = _tracker(agent.domain, f"memo-{number}", events)
        states = RASA_STATES(agent.domain, tracker)
        for end in range(1, len(states) + 1):
            window = states[max(0, end - 3) : end]
            assert memo_keys.feature_key(memo, window) == RASA_FEATURE_KEY(memo, window)
            assert memo_keys.feature_key(memo, window) == RASA_FEATURE_KEY(memo, window)  # cached
    assert memo_keys.feature_key(memo, []) is None


def test_the_server_launcher_installs_every_fix() -> None:
    import subprocess
    import sys

    script = (
        "from components import speedups; speedups.install();"
        "from rasa.shared.core.domain import Domain;"
        "from rasa.core.policies.rule_policy import RulePolicy;"
        "from rasa.core.policies.memoization import MemoizationPolicy;"
        "from rasa.engine.runner.dask import DaskGraphRunner;"
        "from rasa.nlu.classifiers.logistic_regression_classifier import "
        "LogisticRegressionClassifier as L;"
        "print(Domain.states_for_tracker_history._signpost_kept,"
        " RulePolicy._get_possible_keys._signpost_stops_early,"
        " MemoizationPolicy._create_feature_key._signpost_cached,"
        " DaskGraphRunner.run._signpost_in_order, L.process._signpost_direct,"
        " '__copy__' in vars(__import__('rasa.shared.core.slots').shared.core.slots.Slot),"
        " type(__import__('rasa.core.processor').core.processor.copy).__name__"
        " == 'SimpleNamespace')"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True"] * 7


# --- cheap copies ----------------------------------------------------------------------------


def test_a_slot_copied_directly_is_what_copy_copy_makes(domain: Domain) -> None:
    from components import cheap_copies

    for slot in domain.slots:
        slot.value = ["a", "list"] if slot.type_name == "list" else slot.initial_value
        direct = cheap_copies._copy_slot(slot)
        # What copy.copy does without a __copy__ hook (whether or not the fix is installed).
        plain = copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # type: ignore[attr-defined]
        assert type(direct) is type(plain) is type(slot)
        assert direct.__dict__ == plain.__dict__ == slot.__dict__
        assert direct.__dict__ is not slot.__dict__
        direct.value = "changed"  # a copy: the original keeps its value
        assert slot.value != "changed"


def _is_attribute(node: Any, owner: str, attribute: str | None = None) -> bool:
    """`node` is `owner.attribute` (any attribute when None)."""
    import ast

    return (
        isinstance(node, ast.Attribute)
        and (attribute is None or node.attr == attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    )


def _deepcopy_calls_outside_debug_logs(module_name: str) -> list[int]:
    """Lines where `copy.<anything>` is used other than as an argument of structlogger.debug."""
    import ast
    import importlib
    import inspect

    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_attribute(node.func, "structlogger", "debug"):
            for keyword in node.keywords:
                value = keyword.value
                if isinstance(value, ast.Call) and _is_attribute(value.func, "copy", "deepcopy"):
                    allowed.add(id(value.func))
    return [
        node.lineno
        for node in ast.walk(tree)
        if _is_attribute(node, "copy") and id(node) not in allowed
    ]


def test_every_deep_copy_skipped_only_ever_fed_a_debug_log_line() -> None:
    from components import cheap_copies

    for module_name in cheap_copies.DEBUG_COPY_MODULES:
        assert _deepcopy_calls_outside_debug_logs(module_name) == [], module_name


def test_debug_only_copies_still_copy_when_debug_logging_is_on() -> None:
    import logging

    from components import cheap_copies

    stand_in = cheap_copies._debug_only_copy("rasa.core.processor")
    value = {"events": [{"event": "slot"}]}
    logger = logging.getLogger("rasa.core.processor")
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert stand_in.deepcopy(value) is value
        logger.setLevel(logging.DEBUG)
        copied = stand_in.deepcopy(value)
        assert copied == value and copied is not value and copied["events"] is not value["events"]
    finally:
        logger.setLevel(level)
