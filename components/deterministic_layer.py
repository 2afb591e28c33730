"""A Rasa NLU component that lets deterministic checks overrule the statistical classifier.

It sits after the intent classifier and before the FallbackClassifier:

1. Safety first: if `bot.safety.assess` finds a crisis, the intent becomes `crisis` with
   confidence 1.0, whatever the model thought and however unsure it was.
2. No words (only emoji or punctuation): the intent becomes `nlu_fallback`.
3. Needs: if the phrase detector finds a need the model missed (it chose a non-need intent
   or was unsure), the intent becomes that need, so "hiya, cant pay my rent" is not taken
   as a greeting.

The assessments are kept in the parse data (`safety`, `detected_needs`) for the actions.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.needs import detect_needs, need_from_intent
from bot.safety import assess
from bot.text import has_words

CRISIS_INTENT = "crisis"
FALLBACK_INTENT = "nlu_fallback"

# Intents the phrase detector may overrule: a need in the same message matters more.
# ("more about the food bank" stays a request for details, so those intents are not here.)
_OVERRULABLE = {
    "greet",
    "thank",
    "goodbye",
    "affirm",
    "deny",
    "what_can_you_do",
    "out_of_scope",
    "bot_challenge",
    "inform_location",
    "nlu_fallback",
}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DeterministicLayer(GraphComponent, IntentClassifier):
    """Overrules the classifier with the safety check and the need phrase detector."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # need_confidence: below it the model's need is not trusted over a different need the
        #   detector found (the detector is the more precise of the two: docs/nlu-evaluation.md).
        # intent_confidence: below it a non-need intent (a request for details, "stop", a
        #   person...) yields to a need the detector found.
        # model_crisis_confidence: a crisis heard by the model alone counts from here up.
        return {"need_confidence": 0.8, "intent_confidence": 0.5, "model_crisis_confidence": 0.95}

    def __init__(self, config: dict[str, Any]) -> None:
        self.need_confidence = float(config.get("need_confidence", 0.8))
        self.intent_confidence = float(config.get("intent_confidence", 0.5))
        self.model_crisis = float(config.get("model_crisis_confidence", 0.95))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DeterministicLayer:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        safety = assess(text)
        needs = detect_needs(text)
        message.set(
            "safety",
            {"kind": safety.kind.value if safety.kind else None, "reasons": list(safety.reasons)},
            add_to_output=True,
        )
        message.set("detected_needs", needs, add_to_output=True)
        intent = message.get(INTENT) or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if not safety.is_crisis and name == CRISIS_INTENT and confidence < self.model_crisis:
            # Only the model heard a crisis, and not surely: the safety check's phrases found
            # nothing. Measured on hard negatives ("end my tenancy", "taken my tablets for
            # today"), trusting the model below this bar alarms far too often (docs/safety).
            name, confidence = self._demote(message)
        if safety.is_crisis:
            self._override(message, CRISIS_INTENT)
        elif not has_words(text):
            # Emoji, punctuation or nothing at all: we can't tell what was meant, so the
            # clarifying question (which says we read words) is the kind answer.
            self._override(message, FALLBACK_INTENT)
        elif needs and name != CRISIS_INTENT and self._detector_wins(name, confidence, needs):
            self._override(message, f"need_{needs[0]}")

    def _detector_wins(self, name: str | None, confidence: float, needs: list[str]) -> bool:
        """Whether the phrase detector's need should replace the model's intent."""
        model_need = need_from_intent(name)
        if model_need is None:  # the model heard no need, or was unsure what it heard
            return name in _OVERRULABLE or confidence < self.intent_confidence
        # The model heard a need, but not surely, and not one the detector found.
        return confidence < self.need_confidence and model_need not in needs

    @staticmethod
    def _demote(message: Message) -> tuple[str | None, float]:
        """Drop `crisis` from the top; the model's next guess becomes the intent."""
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT
        ]
        top = ranking[0] if ranking else {"name": FALLBACK_INTENT, "confidence": 1.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return top.get("name"), float(top.get("confidence") or 0.0)

    @staticmethod
    def _override(message: Message, intent_name: str) -> None:
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent_name]
        top = {"name": intent_name, "confidence": 1.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
