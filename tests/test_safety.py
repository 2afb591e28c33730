"""The deterministic crisis safety net (bot/safety.py).

Figures are measured on tests/data/safety_eval.yml (written for this project; separate from the
NLU training data). The shared self-harm set (../shared/data/safety/selfharm_eval) is measured by
scripts/eval_safety.py only, never used here.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
import yaml

from bot.safety import RULES, CrisisKind, SafetyAssessment, assess

EVAL = Path(__file__).parent / "data" / "safety_eval.yml"
IMMEDIATE = CrisisKind.IMMEDIATE_DANGER
SUICIDE = CrisisKind.SUICIDE_SELF_HARM
OTHER = CrisisKind.SOMEONE_ELSE


@pytest.fixture(scope="module")
def eval_set() -> dict:
    return yaml.safe_load(EVAL.read_text(encoding="utf-8"))


# --- figures on the labelled set -------------------------------------------------------------


def test_eval_set_is_big_enough_and_well_formed(eval_set: dict) -> None:
    crisis, negatives = eval_set["crisis"], eval_set["not_crisis"]
    assert len(crisis) >= 150 and len(negatives) >= 150
    assert {item["kind"] for item in crisis} == {k.value for k in CrisisKind}
    assert all(isinstance(text, str) and text.strip() for text in negatives)
    texts = [item["text"] for item in crisis] + negatives
    assert len(texts) == len(set(texts)), "duplicate messages in the evaluation set"


def test_recall_on_crisis_messages(eval_set: dict) -> None:
    crisis = eval_set["crisis"]
    missed = [item["text"] for item in crisis if not assess(item["text"]).is_crisis]
    recall = 1 - len(missed) / len(crisis)
    assert recall >= 0.98, f"recall {recall:.3f}; missed: {missed}"


def test_false_positive_rate_on_hard_negatives(eval_set: dict) -> None:
    negatives = eval_set["not_crisis"]
    flagged = [text for text in negatives if assess(text).is_crisis]
    fpr = len(flagged) / len(negatives)
    assert fpr <= 0.05, f"false-positive rate {fpr:.3f}; flagged: {flagged}"


def test_kind_matches_the_label_for_almost_all(eval_set: dict) -> None:
    crisis = eval_set["crisis"]
    wrong = [
        (item["text"], item["kind"], assess(item["text"]).kind)
        for item in crisis
        if assess(item["text"]).kind != CrisisKind(item["kind"])
    ]
    agreement = 1 - len(wrong) / len(crisis)
    assert agreement >= 0.95, f"kind agreement {agreement:.3f}; wrong: {wrong}"


# --- idioms, bereavement, negation: not a crisis ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "this debt is killing me",
        "I'm dying to know what they said",
        "my phone died",
        "I could kill for a brew",
        "just killing time till my appointment",
        "dead tired today",
        "I'm dead bored",
        "my feet are killing me",
        "she looked drop dead gorgeous",
        "the deadline is Friday",
        "I killed it at the interview",
        "I nearly killed myself laughing",
        "my mum will kill me if she finds out",
        "I cut myself shaving",
        "I'm going to top myself up on the gas meter",
        "I want to end things with my boyfriend",
        "I can't go on holiday this year",
        "there's no point ringing them, they never answer",
        "I'd rather die than go back to the jobcentre",
    ],
)
def test_idioms_are_not_a_crisis(text: str) -> None:
    assert assess(text).kind is None


@pytest.mark.parametrize(
    "text",
    [
        "my brother took his own life last year",
        "my dad killed himself when I was 10 and I still think about him",
        "I lost my son to suicide",
        "my husband committed suicide and the mortgage is in his name",
        "is there a group for people bereaved by suicide",
    ],
)
def test_bereavement_by_suicide_is_not_a_current_crisis(text: str) -> None:
    assert assess(text).kind is None


def test_bereavement_then_wanting_to_follow_is_a_crisis() -> None:
    assert assess("my dad took his own life and I want to be with him").kind is SUICIDE
    assert assess("my brother killed himself and now I want to die too").kind is SUICIDE


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just skint",
        "I'm not going to hurt myself but I feel awful",
        "I would never kill myself, I've got the kids",
        "no thoughts of suicide, just stressed about rent",
        "I'm not in danger, I just need a food bank",
        "he's not going to hurt me, he's just loud",
    ],
)
def test_negations_are_not_a_crisis(text: str) -> None:
    assert assess(text).kind is None


def test_a_denial_that_is_not_one() -> None:
    assert assess("the only reason I haven't killed myself is my kids").kind is SUICIDE


# --- the phrases the brief names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("i want to kil myself", SUICIDE),
        ("kms", SUICIDE),
        ("i want to unalive myself", SUICIDE),
        ("i want to end it all", SUICIDE),
        ("dont want to be here anymore", SUICIDE),
        ("i cant go on", SUICIDE),
        ("everyone would be better off without me", SUICIDE),
        ("im going to od", SUICIDE),
        ("thinking about an overdose", SUICIDE),
        ("i cut myself again", SUICIDE),
        ("i want to hurt myself", SUICIDE),
        ("i self harm", SUICIDE),
        ("i want to die", SUICIDE),
        ("im suicidal", SUICIDE),
        ("no point living", SUICIDE),
        ("i want to take my own life", SUICIDE),
        ("I don't see the point anymore", SUICIDE),
        ("I don\u2019t want to be here any more", SUICIDE),  # curly apostrophe
        ("my friend says she wants to kill herself", OTHER),
        ("my son is suicidal", OTHER),
        ("he's going to kill me", IMMEDIATE),
        ("someone is trying to get in", IMMEDIATE),
        ("I'm not safe", IMMEDIATE),
        ("he has a knife", IMMEDIATE),
        ("he's outside with a knife", IMMEDIATE),
        ("I've taken 30 pills", IMMEDIATE),
        ("ive od'd", IMMEDIATE),
        ("my mum has taken an overdose", IMMEDIATE),
        ("I'm going to kill myself tonight", IMMEDIATE),
    ],
)
def test_named_phrases(text: str, kind: CrisisKind) -> None:
    assert assess(text).kind is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Documented choices where people disagree (left out of the evaluation set).
        ("I've lost the will to live", SUICIDE),  # leans towards help
        ("I hate my life", None),  # too common as a complaint; the model can still say crisis
        ("this is goodbye", None),  # alone, no; with a crisis phrase it is immediate
        ("this is goodbye. I want to die", IMMEDIATE),
        ("I used to self harm when I was at school", SUICIDE),  # a history still gets the numbers
    ],
)
def test_documented_borderline_choices(text: str, kind: CrisisKind | None) -> None:
    assert assess(text).kind is kind


# --- long messages ---------------------------------------------------------------------------

DEBT = (
    "I'm behind on the council tax and the rent, the letters keep coming and the stress is "
    "killing me. My phone died so I missed the call back from the advice place again. "
)


def test_crisis_in_the_third_paragraph_is_found() -> None:
    text = "\n\n".join(
        [
            DEBT * 3,
            "We've got no food in till Friday and the kids are asking why. " * 3,
            "Honestly some nights I think everyone would be better off without me.",
            "Anyway can you find me a food bank in Bootle?",
        ]
    )
    assert assess(text).kind is SUICIDE


def test_crisis_at_the_end_of_10000_characters_is_found() -> None:
    text = (DEBT * 100)[:9_900] + " I've taken a load of my tablets."
    assert len(text) > 9_900
    assert assess(text).kind is IMMEDIATE


def test_long_run_on_text_without_full_stops_is_checked_whole() -> None:
    text = (
        (DEBT.replace(".", " ").replace(",", " ") * 60)
        + " i want to kill myself "
        + (DEBT.replace(".", " ") * 10)
    )
    assert assess(text).kind is SUICIDE


def test_long_everyday_message_is_not_a_crisis() -> None:
    assert assess(DEBT * 70).kind is None


def test_10000_characters_well_under_10_ms() -> None:
    text = (DEBT * 100)[:10_000]
    assess(text)  # warm up
    times = []
    for _ in range(15):
        start = time.perf_counter()
        assess(text)
        times.append((time.perf_counter() - start) * 1000)
    assert statistics.median(times) < 10, f"median {statistics.median(times):.1f} ms"


# --- the shape of the answer -----------------------------------------------------------------


def test_reasons_are_rule_names_never_the_users_text() -> None:
    names = {rule.name for rule in RULES}
    known = (
        names
        | {f"{n}_other" for n in names}
        | {"imminent", "act_in_context", "goodbye", "bereaved_join"}
    )
    text = "Zebedee from Kirkby here, i want to die, xq7 my mate says he wants to kill himself"
    result = assess(text)
    assert result.is_crisis and result.reasons
    assert set(result.reasons) <= known
    assert not any(
        word in reason for reason in result.reasons for word in ("zebedee", "kirkby", "xq7")
    )


@pytest.mark.parametrize("text", ["", "   ", "\n", "\U0001f60a\U0001f60a", "ok", "L9 1AA"])
def test_empty_and_trivial_messages(text: str) -> None:
    assert assess(text) == SafetyAssessment(None, ())


def test_deterministic() -> None:
    text = "my friend texted saying she wants to end it all"
    assert {assess(text) for _ in range(5)} == {assess(text)}
    assert assess(text).kind is OTHER


def test_is_crisis_property() -> None:
    assert SafetyAssessment(SUICIDE, ("want_die",)).is_crisis
    assert not SafetyAssessment(None, ()).is_crisis


def test_kind_is_a_string_enum() -> None:
    assert CrisisKind("someone_else") is OTHER
    assert IMMEDIATE == "immediate_danger"


def test_never_raises_on_odd_input() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    strategies = pytest.importorskip("hypothesis.strategies")

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(strategies.text(max_size=400))
    def check(text: str) -> None:
        result = assess(text)
        assert result.kind is None or isinstance(result.kind, CrisisKind)

    check()
    for text in (
        "|||",
        "....",
        "'" * 50,
        "-" * 50,
        "od od od",
        "2 4 2 4",
        "\u200b\u00a0",
        "K1LL MYS3LF",
        "I\u2019LL KILL MYSELF!!!",
    ):
        assess(text)
    assert assess("K1LL MYS3LF").kind is SUICIDE
