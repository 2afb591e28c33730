"""The deterministic crisis safety net: does a message need the crisis reply, and which one?

Pure Python (no Rasa), precompiled regular expressions, no model: the same text always gets the
same answer, and a 10,000-character message is checked whole in a few milliseconds.

How it works
1. Normalise: lower case, straight quotes, no apostrophes ("don't" -> "dont"), common SMS
   spellings and typos ("wanna", "kms", "kil myslef", "suicdal", "od", "2" for "to"), stretched
   letters ("sooo"), sentence ends kept as "|" so rules never reach across sentences.
2. Mask idioms that share words with a crisis phrase ("killing myself laughing", "cut myself
   shaving", "die of embarrassment", "suicide prevention"), and mask reports of a death by
   suicide (bereavement is not a current crisis), remembering which sentences held them.
3. Match phrase families, built from the constructs of the Suicide Risk Lexicon (Low, Rankin,
   Bentley, Nock, Ghosh; Apache-2.0; ../shared/data/safety/suicide_risk_lexicon): passive and
   active suicidal ideation, self-injury, lethal means, plus danger from someone else. Phrases,
   never single ambiguous words ("dead", "dying", "cut", "knife" alone never fire).
4. For each match: negated just before it ("I'm not suicidal", "I would never hurt myself")?
   Whose risk is it: the writer's (default, also when the subject is left out, as in texts) or
   someone else's ("my friend says she wants to die")? Acts under way ("I've taken 30 pills",
   "he's outside with a knife") are immediate danger.

When a phrase could go either way the rules lean towards offering help: the cost of showing
the numbers to someone who did not need them is small. `reasons` holds the names of the rules
that fired (never the user's text), for logs and tests; a name ending in "_other" fired about
someone else. Checking stops once the answer cannot change (immediate danger found), so
`reasons` explains the verdict rather than listing every phrase in a long message.

Speed: sentences are split into words once; each rule has anchor words and runs only on
sentences that hold one, so a typical 10,000-character message takes 2-4 ms. Very long run-on
text is checked in overlapping pieces.

Limits (see tests/test_safety.py and scripts/eval_safety.py): phrase rules miss what they do
not name; they are a safety net beside the NLU model's `crisis` intent, not instead of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

__all__ = ["CrisisKind", "SafetyAssessment", "assess", "normalise"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class CrisisKind(str, Enum):
    """What kind of crisis reply a message needs."""

    IMMEDIATE_DANGER = "immediate_danger"  # a life is at risk right now
    SUICIDE_SELF_HARM = "suicide_self_harm"  # the person themselves
    SOMEONE_ELSE = "someone_else"  # worried about another person being at risk now


@dataclass(frozen=True)
class SafetyAssessment:
    kind: CrisisKind | None
    reasons: tuple[str, ...]  # short names of the rules that fired, never the user's text

    @property
    def is_crisis(self) -> bool:
        return self.kind is not None


# ---------------------------------------------------------------------------------------------
# 1. Normalisation
# ---------------------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": ".",
    }
)

# Whole-token replacements (after apostrophes are removed).
_TOKENS: dict[str, str] = {
    # kill / myself
    "kil": "kill",
    "kll": "kill",
    "kiil": "kill",
    "killin": "killing",
    "kms": "kill myself",
    "kmsl": "kill myself",
    "myslef": "myself",
    "mysef": "myself",
    "mysel": "myself",
    "meself": "myself",
    "maself": "myself",
    "masel": "myself",
    "myelf": "myself",
    "hisself": "himself",
    "himslef": "himself",
    "herslef": "herself",
    "hersef": "herself",
    "themself": "themselves",
    "theirselves": "themselves",
    "urself": "yourself",
    "yourslef": "yourself",
    "yoself": "yourself",
    # want / going
    "wanna": "want to",
    "wana": "want to",
    "wnna": "want to",
    "wanta": "want to",
    "wnt": "want",
    "wamt": "want",
    "wnat": "want",
    "whant": "want",
    "gonna": "going to",
    "gunna": "going to",
    "gona": "going to",
    "gna": "going to",
    "finna": "going to",
    "tryna": "trying to",
    "gotta": "got to",
    "goin": "going",
    # negatives and contractions
    "dnt": "dont",
    "carnt": "cant",
    "cannot": "cant",
    "cannae": "cant",
    "didint": "didnt",
    "dosnt": "doesnt",
    "dosent": "doesnt",
    "iam": "im",
    "ima": "im going to",
    "dunno": "dont know",
    "idk": "i dont know",
    "idc": "i dont care",
    # texting
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "b": "be",
    "n": "and",
    "ppl": "people",
    "coz": "because",
    "cos": "because",
    "cuz": "because",
    "bc": "because",
    "bcos": "because",
    "becoz": "because",
    "rn": "right now",
    "atm": "at the moment",
    "tonite": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "tonyt": "tonight",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "smth": "something",
    "sth": "something",
    "summat": "something",
    "somethin": "something",
    "nowt": "nothing",
    "nothin": "nothing",
    "nuthin": "nothing",
    "nuffin": "nothing",
    "nothink": "nothing",
    "owt": "anything",
    "anythin": "anything",
    "wiv": "with",
    "ere": "here",
    "wat": "what",
    "wot": "what",
    "wht": "what",
    "wut": "what",
    "wats": "whats",
    "wots": "whats",
    "lyf": "life",
    "lyfe": "life",
    "livin": "living",
    "dyin": "dying",
    "cuttin": "cutting",
    "abt": "about",
    "bout": "about",
    "tho": "though",
    "pls": "please",
    "plz": "please",
    "noone": "nobody",
    "no1": "nobody",
    "some1": "someone",
    "sum1": "someone",
    "any1": "anyone",
    "every1": "everyone",
    "evry1": "everyone",
    "anymre": "anymore",
    "nemore": "anymore",
    "anymor": "anymore",
    "nobodys": "nobody is",
    # people
    "bro": "brother",
    "sis": "sister",
    "hubby": "husband",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "bff": "friend",
    "bestie": "friend",
    "bezzie": "friend",
    # means and acts
    "od": "overdose",
    "ods": "overdoses",
    "oding": "overdosing",
    "odding": "overdosing",
    "oded": "overdosed",
    "overdoes": "overdose",
    "paracetemol": "paracetamol",
    "paracetomol": "paracetamol",
    "parecetamol": "paracetamol",
    "paracetmol": "paracetamol",
    "paracetamols": "paracetamol",
    "pils": "pills",
    "pillz": "pills",
    "pilz": "pills",
    "tablts": "tablets",
    "selfharm": "self harm",
    "selfharming": "self harming",
    "selfharmed": "self harmed",
    "sewerslide": "suicide",
}
# Two words that mean one thing (after the single-word replacements).
_PAIRS: dict[tuple[str, str], str] = {
    ("i", "m"): "im",
    ("i", "am"): "im",
    ("i", "ve"): "ive",
    ("i", "have"): "ive",
    ("i", "would"): "id",
    ("i", "d"): "id",
    ("i", "ll"): "ill",
    ("i", "will"): "ill",
    ("don", "t"): "dont",
    ("do", "not"): "dont",
    ("can", "t"): "cant",
    ("can", "not"): "cant",
    ("won", "t"): "wont",
    ("will", "not"): "wont",
    ("didn", "t"): "didnt",
    ("did", "not"): "didnt",
    ("doesn", "t"): "doesnt",
    ("does", "not"): "doesnt",
    ("isn", "t"): "isnt",
    ("is", "not"): "isnt",
    ("aren", "t"): "arent",
    ("are", "not"): "arent",
    ("wasn", "t"): "wasnt",
    ("was", "not"): "wasnt",
    ("weren", "t"): "werent",
    ("were", "not"): "werent",
    ("wouldn", "t"): "wouldnt",
    ("would", "not"): "wouldnt",
    ("haven", "t"): "havent",
    ("have", "not"): "havent",
    ("hasn", "t"): "hasnt",
    ("has", "not"): "hasnt",
    ("he", "is"): "hes",
    ("she", "is"): "shes",
    ("they", "are"): "theyre",
    ("what", "is"): "whats",
    ("there", "is"): "theres",
    ("it", "is"): "its",
    ("any", "more"): "anymore",
    ("no", "one"): "nobody",
    ("my", "self"): "myself",
    ("him", "self"): "himself",
    ("her", "self"): "herself",
    ("them", "selves"): "themselves",
    ("them", "self"): "themselves",
    ("your", "self"): "yourself",
    ("over", "dose"): "overdose",
    ("over", "dosed"): "overdosed",
    ("over", "doses"): "overdoses",
    ("over", "dosing"): "overdosing",
    ("sewer", "slide"): "suicide",
    ("co", "codamol"): "cocodamol",
    ("unalive", "myself"): "kill myself",
    ("unalive", "himself"): "kill himself",
    ("unalive", "herself"): "kill herself",
    ("unalive", "themselves"): "kill themselves",
    ("unalived", "himself"): "killed himself",
    ("unalived", "herself"): "killed herself",
    ("unalived", "myself"): "killed myself",
    ("unaliving", "myself"): "killing myself",
    ("unaliving", "himself"): "killing himself",
    ("unaliving", "herself"): "killing herself",
    ("self", "harming"): "self harming",
}
# What is left of "unalive" (TikTok speak) after the pairs: the plain verb.
_LATE_TOKENS = {"unalive": "die", "unalived": "died", "unaliving": "dying"}
_TO_AFTER = _words("want going have got need trying ready decided wish able how")
_TO_BEFORE = _words(
    "die be kill end live hurt cut harm jump wake sleep exist go do take "
    "carry keep stay stop disappear overdose"
)
_FOR_AFTER = _words("live living here point reason nothing anything")

_SUICIDE_FUZZY = re.compile(r"s[uo]{1,2}[ia]?[cs]{1,2}[iy]?d(e|es|al|ial|le|el)?")
_MYSELF_FUZZY = re.compile(r"m[a-z]{0,2}s[a-z]{0,2}l[a-z]{0,2}f")
_LEET = re.compile(r"(?<=[a-z])[1!|03](?=[a-z])")
_LEET_MAP = {"1": "i", "!": "i", "|": "i", "0": "o", "3": "e"}
_OD_PAST = re.compile(r"\bo\.?d'e?d\b|\bo\.d\.(?:'?e?d\b)?")
# "he'll" would become "hell" once apostrophes go: expand first.
_WILL = re.compile(r"\b(he|she|they|we|it|you|i)'ll\b")
_HELL_NEXT = _words(
    "kill hurt stab be do never go come find batter beat murder end take try "
    "get smash strangle shoot burn"
)
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_STRETCH = re.compile(r"([a-z])\1{2,}")


class _CharMap(dict[int, str]):
    """str.translate table: letters, digits and spaces stay; sentence ends become ' | '."""

    def __missing__(self, key: int) -> str:
        return " "


_CHARS = _CharMap({ord(c): c for c in "abcdefghijklmnopqrstuvwxyz0123456789 "})
_CHARS[ord("'")] = ""
_CHARS.update({ord(c): " | " for c in ".!?;:\n\r-"})
_CHARS[ord(",")] = " , "


def _fix_token(word: str) -> str:
    mapped = _TOKENS.get(word)
    if mapped is not None:
        return mapped
    if 4 <= len(word) <= 10:
        if word[0] == "s" and word != "suicide" and word != "suicidal":
            m = _SUICIDE_FUZZY.fullmatch(word)
            if m:
                return "suicidal" if (m.group(1) or "") in {"al", "ial", "le", "el"} else "suicide"
        elif word[0] == "m" and word != "myself" and _MYSELF_FUZZY.fullmatch(word):
            return "myself"
    return word


_SPECIAL_FIRST = frozenset(
    {a for a, _ in _PAIRS} | {"2", "4", "no", "hell", "shell"} | set(_LATE_TOKENS)
)


def normalise(text: str) -> str:
    """Lower-case, de-typo'd words, with ' | ' between sentences and ' , ' for commas."""
    t = unicodedata.normalize("NFKC", text).lower().translate(_CHAR_MAP)
    if "od" in t:
        t = _OD_PAST.sub(" overdosed ", t)
    if "'ll" in t:
        t = _WILL.sub(r"\1 will", t)
    t = _LEET.sub(lambda m: _LEET_MAP[m.group(0)], t)
    if "-" in t:
        t = _HYPHEN.sub(" ", t)
    raw = _STRETCH.sub(r"\1", t.translate(_CHARS)).split()
    fixed = {w: _fix_token(w) for w in set(raw)}
    words = " ".join([fixed[w] for w in raw]).split()
    if _SPECIAL_FIRST.isdisjoint(words):
        return " " + " ".join(words) + " "
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        w = words[i]
        if w not in _SPECIAL_FIRST:
            out.append(w)
            i += 1
            continue
        nxt = words[i + 1] if i + 1 < n else ""
        pair = _PAIRS.get((w, nxt))
        if pair is not None:
            out.extend(pair.split())
            i += 2
            continue
        if w == "2" and ((out and out[-1] in _TO_AFTER) or nxt in _TO_BEFORE):
            w = "to"
        elif w == "4" and out and out[-1] in _FOR_AFTER:
            w = "for"
        elif w == "no" and nxt == "more" and (i + 2 >= n or words[i + 2] == "|"):
            w, i = "anymore", i + 1
        elif w in ("hell", "shell") and nxt in _HELL_NEXT:
            out.append(w[:-2])
            w = "will"
        else:
            w = _LATE_TOKENS.get(w, w)
        out.append(w)
        i += 1
    return " " + " ".join(out) + " "


# ---------------------------------------------------------------------------------------------
# 2. Building blocks
# ---------------------------------------------------------------------------------------------

# "yourself" counts as the writer: "how do you kill yourself" asked here is rarely abstract.
OTHER_SELF = r"(?:himself|herself|themselves)"
REFL = r"(?:myself|himself|herself|themselves|yourself|yourselves)"
POSS = r"(?:my|his|her|their)"
ADV = (
    r"(?:(?:just|really|fucking|fking|fkn|literally|actually|honestly|simply|genuinely|"
    r"seriously|truly|kind of|kinda|sort of|sometimes|often|still|even|so|properly|"
    r"definitely|probably|all|also|too|badly)\s+){0,3}"
)
# Intent, wish, plan or thought, before a method or act.
INTENT = (
    r"(?:want|wants|wanted|wanting|wish|wishes|going to|about to|ready to|plan to|"
    r"planning to|planning on|plans to|planned to|decided to|tempted to|urge to|urges to|"
    r"thinking about|thinking of|think about|thinks about|thought about|thought of|"
    r"considering|keep thinking about|keeps thinking about|could|might|will|ill|id|"
    r"should|gonna|trying to|tried to|try to|tries to|threatening to|threatened to|"
    r"threatens to|looking up how to|searching for ways to|ways to|how to)"
)
PILLS = (
    r"(?:pills?|tablets?|tabs|meds|medication|medicine|paracetamol|cocodamol|codeine|"
    r"painkillers|sleeping pills|sleeping tablets|antidepressants|sertraline|citalopram|"
    r"fluoxetine|mirtazapine|amitriptyline|ibuprofen|aspirin|diazepam|insulin|tramadol|"
    r"morphine|oramorph|zopiclone|pregabalin|gabapentin|quetiapine|lithium|olanzapine|"
    r"propranolol)"
)
QUANTITY = (
    r"(?:all|all of|every|every one of|everyone of|the whole|a whole|the lot of|"
    r"the rest of|loads of|a load of|lots of|a lot of|a bunch of|a handful of|"
    r"handfuls of|a box of|boxes of|a packet of|packets of|a pack of|packs of|"
    r"a bottle of|bottles of|a strip of|strips of|too many|enough|\d{2,}|twenty|thirty|"
    r"forty|fifty|sixty|hundred|a hundred|hundreds of|(?:\d|two|three|four|five|six) "
    r"(?:boxes|packets|packs|strips|bottles) of)"
)
HIGH_PLACE = (
    r"(?:bridge|building|roof|rooftop|balcony|cliff|car park|multi storey|tower|"
    r"block of flats|flats|top floor|window|flyover|ledge|pier|motorway bridge)"
)
IN_FRONT_OF = r"(?:train|trains|bus|lorry|truck|car|cars|traffic|tram)"
WATER = (
    r"(?:traffic|the river|a river|the sea|the mersey|the canal|a canal|the docks?|"
    r"the reservoir|a reservoir|the lake|the water|oncoming traffic)"
)
KIN = _words("""
friend friends mate mates pal bestfriend son sons daughter daughters kid kids child children
boy girl lad lads lass mum mam mom mother dad father brother sister partner husband wife missus
mrs boyfriend girlfriend fella fiance fiancee ex nan nana gran grandad grandma grandpa nanna
grandson granddaughter uncle aunt auntie aunty cousin nephew niece neighbour colleague
coworker flatmate housemate roommate stepson stepdaughter stepdad stepmum teenager teen
student pupil client patient person man woman guy bloke someone somebody anyone anybody
people family parent parents baby sibling relative member
""")
THIRD = (
    _words("""
he she they hes shes theyre theyve theyll theyd hed shed him her them his their himself
herself themselves
""")
    | KIN
)
FIRST = _words("i im ive id ill me my myself we us our mine")
SECOND = _words("you youre your youve youll youd yourself")
# Third-person verb forms that give the subject away: "someone I support is suicidal".
THIRD_VERBS = _words(
    "is has keeps seems sounds looks says wants feels thinks talks tries threatens needs "
    "isnt hasnt doesnt"
)
# Negation just before a match, with the words allowed between ("not going to", "never
# really felt").
NEGATORS = _words(
    "not never no dont doesnt didnt wont wouldnt isnt arent wasnt aint havent hasnt nobody "
    "neither nor without"
)
NEG_FILLER = _words("""
going to gonna planning plan plans about thinking think of feeling feel felt really ever
actually a an that saying say i im id ill ive am be been being likely want wanting like do
doing at all any anything so in the would will could anymore currently now longer intending
intend intention intentions thoughts thought have had got risk seriously try trying even
immediate imminent danger honestly definitely just considering planned urge urges going
feelings such some ideas idea mean means of is are was were
""")
MEDIA = re.compile(
    r"\b(?:news|article|reported|report|headlines?|documentary|programme|program|telly|tv|"
    r"film|movie|series|episode|book|novel|character|play|podcast|bbc|paper|arrested|jailed|"
    r"sentenced|court case|inquest|coroner|research|essay|lecture|course|training|module|"
    r"awareness|campaign|fundraiser|fundraising|charity|volunteer|volunteering|statistics|"
    r"song|lyrics|game)\b"
)
DISTANT_PAST = re.compile(
    r"\b(?:last (?:week|month|year|summer|winter|christmas)|years ago|months ago|weeks ago|"
    r"year ago|when i was|when (?:he|she|they) (?:was|were)|in (?:19|20)\d\d|as a (?:kid|child|"
    r"teenager)|at school|in school|back in|in the past|a while ago|ages ago|once before)\b"
)
IMMINENT = re.compile(
    r"\b(?:going to|about to|ready to|plan to|planning to|decided to|will|ill|gonna|doing it|"
    r"do it)\b(?:\s+\w+){0,6}?\s+(?:tonight|right now|now|today|in a (?:bit|minute|"
    r"few minutes)|in (?:an|the next) (?:hour|few hours)|this evening)\b"
)


@dataclass(frozen=True)
class _Rule:
    name: str
    group: str  # "ideation" | "self_harm" | "act" | "attack" | "medical"
    pattern: re.Pattern[str]
    person: str = "detect"  # "self" | "other" | "detect" | "none"


def _r(name: str, group: str, pattern: str, person: str = "detect") -> _Rule:
    return _Rule(name, group, re.compile(pattern), person)


# ---------------------------------------------------------------------------------------------
# 3. Masks: idioms and bereavement reports that share words with crisis phrases
# ---------------------------------------------------------------------------------------------

# (anchor words, pattern): a pattern only runs on a sentence holding one of its words.
_IDIOMS: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = tuple(
    (frozenset(words.split()), re.compile(pattern))
    for words, pattern in (
        # effort, laughter, accidents
        (
            "kill killing killed kills",
            rf"\b(?:kill|killing|killed|kills)\s+{REFL}\s+(?:laughing|with laughter|working|at work|"
            r"trying to|to (?:pay|keep|get|make|finish|afford|save)|for (?:work|this|that|them|him|"
            r"her|nothing|a job|peanuts|minimum wage)|over (?:this|that|it|work))\b|"
            rf"\b(?:nearly|almost|practically)\s+(?:killed|kill)\s+{REFL}\s+(?:on|falling|tripping|"
            r"slipping|in the|at the|doing|carrying|lifting|running|driving|cycling|getting|"
            r"trying)\b",
        ),
        (
            "die died dying dead",
            r"\b(?:die|died|dying|dead)\s+(?:of|from|with)\s+(?:embarrassment|shame|laughing|"
            r"laughter|boredom|the heat|heat|cold|hunger|thirst|cringe|fright|shock)\b|"
            r"\b(?:died|dying|die)\s+laughing\b|\bcross my heart and hope to die\b|\bto die for\b|"
            r"\b(?:rather|sooner)\s+(?:die|be dead)\s+than\s+(?!(?:live|living|go on|carry on|"
            r"keep going|be alive|wake up|exist|spend another|face another|feel like this|"
            r"be here)\b)|\b(?:dying|die|died)\s+(?:my|his|her|their|the)\s+hair\b",
        ),
        (
            "myself himself herself themselves my",
            r"\b(?:accidentally|by accident)\s+(?:cut|burnt|burned|hurt|hit|stabbed|injured)\s+"
            r"(?:myself|my \w+)\b|"
            r"\b(?:cut|cutting|burnt|burned|burn|burning|hurt|hurting|injured|hit|bashed|bumped|"
            r"scratched)\s+(?:myself|my \w+)\s+(?:by accident|accidentally|shaving|cooking|chopping|"
            r"on (?:a|the|some|my|an)|in the (?:garden|kitchen|gym)|at (?:work|the gym|football)|"
            r"playing|doing|lifting|falling|when i fell|while|slicing|opening|gardening|"
            r"at the match)\b|"
            r"\bcut(?:ting)?\s+(?:myself|himself|herself|themselves)\s+(?:off|some slack|short)\b|"
            rf"\bburn(?:t|ed|ing)?\s+{REFL}\s+out\b|"
            r"\bbang(?:ing)?\s+my\s+head\s+(?:against|on)\s+(?:a|the)\s+(?:brick\s+)?wall\b",
        ),
        # topics, not people: training, news, charities
        (
            "suicide self",
            r"\b(?:suicide|self harm)\s+(?:bombers?|bombings?|squad|missions?|rates?|statistics|"
            r"figures|stats|prevention|awareness|doors?|runs?|drill|lane|research|training|course|"
            r"charity|charities|module|policy|first aid|support worker|nurse|team|leaflet|helpline|"
            r"line|crisis line|hotline)\b|"
            r"\b(?:documentary|article|programme|program|book|podcast|course|training|module|essay|"
            r"lecture|talk|campaign|leaflet|film|series|episode|research|dissertation|assignment|"
            r"fundraiser|fundraising|stats|statistics|covered|learned|learnt|teaching|taught|"
            r"studying)\s+(?:about|on|for|into|around|covering)?\s*(?:suicide|self harm)\b",
        ),
    )
)

_EXPOSURE = re.compile(
    "|".join(
        (
            rf"\b(?<!nearly )(?<!almost )(?:killed|hanged|hung|shot|drowned|gassed|poisoned|did)\s+"
            rf"{OTHER_SELF}(?:\s+in)?\b",
            r"\b(?:took|ended)\s+(?:his|her|their)\s+(?:own\s+)?li(?:fe|ves)\b",
            r"\b(?:died|death|deaths|dying|passed(?:\s+away)?|lost\s+(?:him|her|them|my\s+\w+|our\s+\w+|"
            r"a\s+\w+))\s+(?:by|to|from|through|of)\s+suicide\b",
            r"\b(?<!nearly )(?<!almost )committed\s+suicide\b",
            r"\b(?:his|her|their|" + "|".join(sorted(k + "s" for k in KIN)) + r")\s+suicide\b"
            r"(?!\s+(?:attempt|attempts|note|threat|threats|risk|"
            r"plan|plans))",
            r"\bsuicide\s+(?:of|in)\s+(?:my|our|his|her)\b",
            r"\b(?:bereaved|bereavement|loss|losses|survivors?|postvention)\s+(?:by|after|of|from|"
            r"through)?\s*suicide\b|\bsuicide\s+(?:bereavement|loss|survivors?)\b",
            r"\b(?:overdosed|took an overdose|taken an overdose)\s+and\s+died\b|\bdied\s+(?:of|from)\s+"
            r"(?:an\s+)?overdose\b|\bfatal overdose\b",
        )
    )
)


# ---------------------------------------------------------------------------------------------
# 4. Rules
# ---------------------------------------------------------------------------------------------


def _ahead(*words: str) -> str:
    """Lookahead: end of sentence, a comma, or one of these words next."""
    return r"(?=\s*(?:$|\||,|" + "|".join(rf"{w}\b" for w in words) + "))"


RULES: tuple[_Rule, ...] = (
    # ---- active ideation -------------------------------------------------------------------
    _r(
        "kill_self",
        "ideation",
        rf"\b(?:kill|killing|kills|killed|top|topping|topped|off|offing|end|ending|ended|hang|"
        rf"hanging|hanged|drown|drowning|shoot|shooting|poison|poisoning|gas|gassing|suffocate|"
        rf"suffocating|smother|electrocute|electrocuting|stab|stabbing|strangle|strangling)\s+"
        rf"{REFL}\b(?!\s+(?:in (?:work|debt|paperwork|coffee|tea|wine|drink|the foot)|up\b|"
        r"out|into|at (?:it|him|her)|a party|together|on (?:that|this|the|a|those|them)\b))",
    ),
    _r(
        "do_self_in",
        "ideation",
        rf"\b(?:do|doing|does|done|finish|finishing)\s+{REFL}\s+"
        r"(?:in|off)\b",
    ),
    _r(
        "take_own_life",
        "ideation",
        rf"\b(?:take|taking|takes|taken|end|ending|ends)\s+{POSS}\s+(?:own\s+)?li(?:fe|ves)\b"
        r"(?!\s+(?:over|away from|back|into (?:my|his|her) own hands|in (?:my|his|her) hands))",
    ),
    _r(
        "end_it_all",
        "ideation",
        r"\b(?:end|ending|finish|finishing)\s+it\s+all\b|\bput an end to (?:it all|everything|"
        r"my life|myself|me)\b|\b(?:end|ending)\s+(?:my|the|all (?:my|the)|this)\s+"
        r"(?:suffering|misery)\b",
    ),
    _r(
        "end_it",
        "ideation",
        rf"\b(?:{INTENT}|except|other than|apart from|but|only way out is|only option is)\s+"
        rf"{ADV}(?:to\s+)?(?:just\s+)?(?:end|ending)\s+(?:it|things|everything)\b"
        r"(?!\s+(?:with|between|off|for|early|on)\b)"
        + _ahead(
            "now",
            "tonight",
            "today",
            "soon",
            "for good",
            "forever",
            "once",
            "already",
            "anymore",
            "i",
            "im",
            "and",
            "but",
            "because",
            "please",
            "x",
            "lol",
            "the pain",
            "all",
        ),
    ),
    _r(
        "make_it_stop",
        "ideation",
        r"\b(?:want|wants|wish|wishes|need|just want)\s+(?:it\s+)?(?:all|everything)\s+to\s+"
        r"(?:stop|end|be over|go away)\b(?!\s+(?:with|for))|"
        r"\b(?:want|wants|wish|wishes|just want)\s+(?:it|this|life)\s+to\s+(?:be over|end|stop)"
        r"(?:\s+(?:now|already|for good|forever))?" + _ahead("i", "im", "and", "please"),
    ),
    _r(
        "suicide_intent",
        "ideation",
        r"\b(?:thinking (?:about|of)|think(?:s)? about|thought about|thoughts (?:of|about)|"
        r"considering|contemplating|attempt(?:ed|ing|s)?|tried|try|trying|plan(?:ning|ned|s)?|"
        r"going to|about to|want to|wants to|urges? (?:to|towards)|close to|near to|feel like|"
        r"felt like|risk of|at risk of|commit|committing|commits|contemplated|talking about|"
        r"talks about|talked about|going on about|mentioned|mentioning|threatening|threatened|"
        r"threatens|obsessed with|googling|researching)\s+"
        r"(?:\w+\s+)?suicide\b",
    ),
    _r(
        "suicide_noun",
        "ideation",
        r"\bsuicide\s+(?:note|notes|attempt|attempts|plan|plans|pact|letter|ideation|thoughts?|"
        r"watch|risk|methods?|ways?|kit)\b|\b(?:painless|quick|easy|best|quickest|easiest|"
        r"peaceful)\s+suicide\b",
    ),
    _r(
        "suicide_option",
        "ideation",
        r"\bsuicide\b(?:\s+\w+){0,4}?\s+(?:only|answer|option|solution|way out|escape|"
        r"choice)\b|\b(?:only|answer|option|solution|way out|escape|choice)\b(?:\s+\w+){0,3}?"
        r"\s+suicide\b",
    ),
    _r("suicidal", "ideation", r"\bsuicidal\b"),
    _r(
        "means_jump",
        "ideation",
        # off a high place
        rf"\b{INTENT}\s+{ADV}(?:to\s+)?(?:jump|jumping|throw myself|throwing myself|step|"
        rf"stepping)\s+(?:off|from|out of|out)\s+(?:a |the |my |this |that |one of the )?"
        rf"(?:top of (?:a |the )?)?{HIGH_PLACE}\b|"
        # in front of or under traffic
        rf"\b{INTENT}\s+{ADV}(?:to\s+)?(?:jump|jumping|throw myself|throwing myself|step|"
        rf"stepping|walk|walking|run|running|lie|lying|drive|driving|crash|crashing)\s+"
        rf"(?:my car\s+|the car\s+)?(?:in front of|under)\s+(?:a |the |an )?(?:oncoming )?"
        rf"{IN_FRONT_OF}\b|"
        # into water, traffic or a wall
        rf"\b{INTENT}\s+{ADV}(?:to\s+)?(?:jump|jumping|throw myself|throwing myself|walk|"
        rf"walking|run|running|drive|driving|crash|crashing)\s+(?:my car\s+|the car\s+)?"
        rf"(?:into|onto)\s+(?:{WATER}|(?:a|the) (?:wall|tree|river|canal)|the (?:railway|"
        rf"tracks|motorway)|oncoming traffic)\b|"
        rf"\b{INTENT}\s+{ADV}(?:to\s+)?(?:jump|jumping|throw myself|throwing myself)\s+in\s+"
        rf"(?:the river|the sea|the mersey|the canal|the docks?|the reservoir|a river|a canal)\b|"
        # on the line
        rf"\b{INTENT}\s+{ADV}(?:to\s+)?(?:lie|lying|lay|laying)\s+(?:down\s+)?(?:on|across)\s+"
        rf"(?:the\s+)?(?:railway\s+|train\s+)?(?:tracks|line|motorway)\b",
    ),
    _r(
        "means_jump_bare",
        "ideation",
        r"\b(?:going to|gonna|about to|threatening to|threatened to|wants to|want to|ready to)\s+"
        r"jump(?=\s*(?:$|\||,|tonight\b|now\b|off\b|and\b))",
    ),
    _r(
        "means_jump_thought",
        "ideation",
        rf"\b(?:jumping|jump)\s+(?:off|from)\s+(?:a |the |my )?{HIGH_PLACE}\b(?=.*\b(?:end|die|"
        r"dead|over|kill)\b)|\b(?:thinking|thought|think)\s+about\s+(?:jumping|throwing myself)\b",
    ),
    _r(
        "means_pills",
        "ideation",
        rf"\b{INTENT}\s+{ADV}(?:to\s+)?(?:take|taking|swallow|swallowing|neck|necking|down)\s+"
        rf"(?:{QUANTITY}\s+)(?:\w+\s+){{0,2}}?{PILLS}\b|\b{INTENT}\s+{ADV}(?:to\s+)?(?:take\s+)?"
        rf"(?:an\s+)?(?:overdose|overdosing)\b",
    ),
    _r(
        "means_research",
        "ideation",
        rf"\bhow many\s+(?:\w+\s+)?{PILLS}\s+(?:would|does|do|will|to|should|would it|does it|"
        rf"it takes?)\b|\blethal dose\b|\b(?:easiest|quickest|painless|painlessly|best|simplest|"
        rf"surest|fastest|least painful|quick|easy)\s+(?:way|method|ways|methods)\s+(?:to\s+)?"
        rf"(?:die|end it|go|kill myself|of dying|to end my life|out)\b|\bpainless way out\b|"
        rf"\b(?:ways|how) to (?:kill|end) {REFL}\b",
    ),
    _r(
        "means_stockpile",
        "ideation",
        rf"\b(?:stockpil\w*|sav(?:e|ing|ed)(?:\s+up)?|hoard\w*|build(?:ing)? up)\s+(?:up\s+)?"
        rf"(?:all\s+)?(?:of\s+)?(?:my\s+|his\s+|her\s+)?"
        rf"(?:\w+\s+)?{PILLS}\b(?!\s+(?:for (?:the|my) (?:holiday|trip)|to (?:take|hand) back))|"
        rf"\b{PILLS}\s+(?:saved|stockpiled|hoarded|stashed)(?:\s+(?:up|away)\b|"
        r"(?=\s*(?:$|\||,)))",
    ),
    _r(
        "means_rope",
        "ideation",
        r"\b(?:tied|made|bought|got|have|ive got|tie|make|buy)\s+(?:a\s+)?noose\b|\bnoose\s+"
        r"(?:is\s+)?(?:ready|up|round|around)\b|\b(?:bought|buy|buying)\s+(?:a\s+)?rope\s+to\b",
    ),
    _r(
        "means_wrists",
        "self_harm",
        rf"\b(?:slit|slitting|slash|slashing|slice|slicing|cut|cutting)\s+{POSS}\s+wrists?\b",
    ),
    # ---- passive ideation ------------------------------------------------------------------
    _r(
        "want_die",
        "ideation",
        rf"\b(?:want|wants|wanted|wanting|ready|deserve|deserves|deserved|should|would rather|"
        rf"rather|d rather|id rather|might as well|may as well|prefer|begging|beg|hope|hoping)\s+"
        rf"(?:to\s+)?{ADV}(?:to\s+)?(?:die|be dead|not be alive|not exist|stop existing|"
        rf"not wake up|never wake up|sleep forever|(?:go to sleep|fall asleep) forever|"
        rf"disappear forever|disappear for good|disappear and never come back|"
        rf"not be here anymore|lie down and die|go to sleep and (?:not|never) wake up|cease to "
        rf"exist|be gone(?!\s+(?:from|for|by|before|when|out|in|at|on|with))|let me die)\b"
        r"(?!\s+(?:of|from|laughing|with (?:embarrassment|shame)|at (?:the|my|his|her)|"
        r"(?:my|his|her|their|the) hair|a (?:bit|little)|hard))",
    ),
    _r("let_me_die", "ideation", r"\b(?:just\s+)?let\s+me\s+die\b"),
    _r(
        "wish_dead",
        "ideation",
        r"\bwish(?:ed|es|ing)?\s+(?:that\s+)?(?:i|id)\s+(?:(?:was|were|could|would|had|d)\s+)?"
        r"(?:just\s+)?(?:be\s+)?(?:dead|die|not (?:be )?(?:alive|here|around|born)|"
        r"wasnt (?:alive|here|around|born)|werent (?:alive|here|around|born)|never (?:been born|"
        r"born|existed|wake up|woke up)|not wake up|disappear(?: forever| for good)?|"
        r"stop existing|cease to exist|not exist|sleep forever|go to sleep (?:and|forever)|"
        r"end it)\b",
        "self",
    ),
    _r(
        "wish_dead_other",
        "ideation",
        r"\b(?:he|she|they|hes|shes)\s+(?:\w+\s+)?(?:wishes|wished|wish)\s+(?:that\s+)?"
        r"(?:he|she|they)\s+(?:was|were|could|had)?\s*(?:just\s+)?(?:dead|die|not alive|"
        r"never been born|wasnt alive|wasnt here|disappear)\b",
        "other",
    ),
    _r(
        "hope_not_wake",
        "ideation",
        r"\b(?:hope|hoping|pray|praying|wish)\s+(?:that\s+)?(?:i|id)\s+(?:dont|never|wont|"
        r"wouldnt|didnt)\s+wake\s+up\b|\b(?:go to sleep|fall asleep|sleep|go to bed)\s+and\s+"
        r"(?:dont|never|not|wont|dont ever|never ever)\s+wake\s+up\b",
    ),
    _r(
        "dont_want_live",
        "ideation",
        rf"\b(?:dont|doesnt|didnt|no longer|not sure (?:if |that )?(?:i|he|she)|dont know if "
        rf"(?:i|he|she)|dont think (?:i|he|she)|not sure (?:i|he|she)|barely)\s+(?:really\s+)?"
        rf"(?:want|wants|wanna)\s+to\s+{ADV}(?:live|be alive|exist|be here|wake up|be around|"
        rf"be on this earth|be in this world|go on living|keep living|do this anymore|"
        rf"be here anymore)\b(?!\s+(?:in|with|near|at|on|there|round|around|next|by|under|"
        r"together|alone with|like (?:him|her|them|that|my)|for (?:long|this|the))\b)",
    ),
    _r(
        "cant_go_on",
        "ideation",
        r"\b(?:cant|dont want to|doesnt want to|no longer want to|dont think i can|not sure i can|"
        r"dont know how (?:much )?(?:longer|long) (?:i|he|she) can|dont know if i can|"
        r"dont see how i can|unable to|cant really|cant just)\s+(?:go on|carry on"
        r"|do it(?=\s+(?:anymore|any longer))"
        r"|keep going|keep on going|keep living|go on living|do this|cope|take (?:it|this|any "
        r"more|anymore|much more))\b(?=\s*(?:$|\||,|anymore\b|any longer\b|like this\b|"
        r"living\b|much longer\b|with (?:life|this|it all|my life|everything)\b|i\b|im\b|and\b|"
        r"but\b|please\b|x\b|help\b|because\b|though\b))(?!\s+(?:i\s+)?(?:with|and)\s+(?:the|my|"
        r"these|this|work|bills|debt))",
    ),
    _r(
        "how_go_on",
        "ideation",
        r"\bhow (?:can|do|am) i (?:supposed to |meant to )?(?:go on|carry on|keep going|keep "
        r"living)\b" + _ahead("anymore", "any longer", "like this", "living", "i", "im", "when"),
    ),
    _r(
        "cant_cope_anymore",
        "ideation",
        r"\bcant\s+cope\s+(?:anymore|any longer|with (?:life|living|anything anymore|any of it "
        r"anymore|it all anymore))\b",
    ),
    _r(
        "no_point",
        "ideation",
        r"\b(?:no|not any|isnt any|aint no|(?:dont|doesnt|didnt|cant) see (?:the|any)|whats the|"
        r"lost (?:the|all)|without any)\s+point\s+(?:(?:in|of|to)\s+)?(?:me\s+)?(?:living|life|"
        r"being alive|being here|going on|carrying on|existing|anything(?!\s+(?:they|you|he|she|"
        r"i)\b)|it all|my life|waking up|being around|getting up|me being (?:here|alive|around)|"
        r"trying(?!\s+to)|any of it|me(?=\s*(?:$|\||,|anymore)))\b",
    ),
    _r(
        "no_point_anymore",
        "ideation",
        r"\b(?:no|whats the|(?:dont|doesnt|didnt|cant) see the)\s+point\s+(?:\w+\s+){0,2}?"
        r"anymore\b|\b(?:dont|doesnt|didnt|cant) see the point\b"
        + _ahead(
            "anymore",
            "in anything",
            "in it",
            "in life",
            "in living",
            "in going on",
            "in carrying on",
            "in being here",
            "i",
            "im",
        ),
    ),
    _r(
        "life_not_worth",
        "ideation",
        r"\b(?:my\s+)?(?:life|lifes|living)\s+(?:really\s+)?(?:isnt|aint|not|no longer|never|"
        r"wasnt|is no longer|isnt really|just isnt|s not)\s+(?:really\s+)?worth\s+(?:living|it|"
        r"anything|much|the (?:effort|pain|bother))\b|\bnot worth (?:living|being alive|"
        r"being here)\b|\blife is pointless\b|\blife is over\b|\b(?:its|it is|feels)\s+"
        r"pointless\s+(?:being alive|living|existing|going on|carrying on|to live|being here)\b",
    ),
    _r(
        "nothing_to_live_for",
        "ideation",
        r"\b(?:nothing|nobody|not much|no reason|nothing left|no reasons|no will|not a lot|"
        r"lost the will|lost my will|no more reason|no point|no reason left)\s+(?:left\s+)?"
        r"(?:for me\s+)?"
        r"(?:to|for)\s+(?:live|living|go on|carry on|keep going|stay|be here|stay alive|"
        r"keep living|stay around)(?:\s+for)?\b",
    ),
    _r(
        "better_off_without_me",
        "ideation",
        r"\b(?:better off|be better|be easier|be happier|happier|easier|better)\s+(?:off\s+)?"
        r"(?:without me|if i (?:was|were|wasnt|werent|died|disappeared|was gone|were gone|"
        r"wasnt here|wasnt around|didnt exist|never existed|was dead|wasnt alive)|with me "
        r"(?:dead|gone))\b",
        "self",
    ),
    _r(
        "better_off_without_them",
        "ideation",
        r"\b(?:thinks|says|saying|feels|said|believes|told me|thinking|keeps saying)\s+(?:that\s+)?"
        r"(?:everyone|we|they|people|his family|her family|the family|the kids|the world|we d|"
        r"wed|everybody)\s+(?:would|d)?\s*(?:be\s+)?(?:better off|happier|better)\s+without\s+"
        r"(?:him|her|them)\b",
        "other",
    ),
    _r(
        "better_off_dead",
        "ideation",
        r"\b(?:better off|be better|better)\s+(?:dead|(?:six|6) (?:feet|foot|ft) under|in the "
        r"ground|in a box)\b|\bbe better if i (?:was|were) dead\b",
    ),
    _r(
        "nobody_would_miss",
        "ideation",
        r"\b(?:nobody|would anyone|would anybody|does anyone|who would|wouldnt anyone|"
        r"anyone)\s+(?:\w+\s+){0,2}?(?:miss me|care if i (?:died|was gone|wasnt here|disappeared|"
        r"was dead|killed myself|wasnt around)|notice if i (?:died|was gone|wasnt here|"
        r"disappeared|was dead|wasnt around)|notice (?:if|when) i(?:m| was| am)? gone|"
        r"care (?:if|when) im gone)\b(?!\s+(?:if i (?:moved|went|left)|when i (?:move|go|leave)))",
        "self",
    ),
    _r(
        "tired_of_life",
        "ideation",
        r"\b(?:tired|sick|exhausted|done|finished|fed up|had enough)\s+(?:of|with)\s+"
        r"(?:living|life|being "
        r"alive|existing|this life|this world|my life(?=\s*(?:$|\||,|anymore\b|and\b|i\b|now\b)))"
        r"\b(?!\s+(?:in|on|at|being|of|with|here|there)\b)",
    ),
    _r(
        "give_up_on_life",
        "ideation",
        r"\bgiv(?:e|ing|en)\s+up\s+on\s+(?:life|living|myself|everything|it all)\b",
    ),
    _r(
        "feel_like_dying",
        "ideation",
        r"\b(?:feel|feels|feeling|felt)\s+like\s+(?:im\s+)?(?:dying|i want to die|ending it|"
        r"i should die|i(?:d| would) be better off dead|disappearing forever|not being here)\b"
        r"(?!\s+(?:my|her|his|the)\s+hair)",
    ),
    _r(
        "thoughts_of_dying",
        "ideation",
        r"\b(?:thinking|think|thinks|thought|thoughts|dreaming|dream)\s+(?:about|of)\s+"
        r"(?:dying|death|my death|not being here|ending (?:it|things|my life)|not waking up|"
        r"being dead|disappearing forever)\b|\bdark thoughts\b",
    ),
    _r(
        "do_something_stupid",
        "ideation",
        r"\b(?:might|will|could|going to|gonna|about to|ill|ll|want to|feel like|tempted to|"
        r"scared ill|afraid ill|worried ill|scared i will|dont trust myself not to|"
        r"(?:he|she|they)(?:ll| will| might| could| is going to|s going to))\s+(?:\w+\s+)?do\s+"
        r"(?:something|anything)\s+(?:stupid|silly|daft|drastic|i cant take back|to myself)\b"
        r"(?!\s+like\s+(?:quit|buy|spend|text|ring|call|go|get|tell|leave))",
    ),
    _r(
        "scared_what_ill_do",
        "ideation",
        r"\b(?:scared|afraid|frightened|terrified|worried)\s+(?:of\s+)?what\s+(?:i|im going to|"
        r"ill|id)\s+(?:might|will|could|would|ll)?\s*do\b(?!\s+(?:to (?:him|her|them)|if|about|"
        r"with|for|next|when|after))",
    ),
    _r(
        "dont_trust_myself",
        "ideation",
        r"\bdont trust\s+myself\b(?=\s*(?:$|\||,|right now|tonight|anymore|at the moment|alone|"
        r"around|with (?:the |my )?(?:pills|tablets|knives|knife|meds|medication|rope)|not to|"
        r"i\b|im\b))",
    ),
    _r("danger_to_self", "ideation", rf"\b(?:danger|risk|threat)\s+to\s+{REFL}\b"),
    _r(
        "mental_health_crisis",
        "ideation",
        r"\b(?:im|i am|been|in)\s+(?:in\s+)?(?:a\s+)?(?:mental health|emotional) crisis\b",
    ),
    # ---- self-harm -------------------------------------------------------------------------
    _r("self_harm", "self_harm", r"\bself\s+(?:harm|harming|harmed|harms|injur\w*|mutilat\w*)\b"),
    _r(
        "hurt_self",
        "self_harm",
        rf"\b(?:hurt|hurting|hurts|harm|harming|harmed|harms|cut|cutting|cuts|burn|burning|burnt|"
        rf"burned|punch|punching|punched|hit|hitting|scratch|scratching|bite|biting|injure|"
        rf"injuring|injured|mutilate|mutilating|carve|carving|bruise|bruising|starve|starving)"
        rf"\s+{REFL}\b(?!\s+(?:up|free|loose|in half|a break|to save|so the kids|so my|to feed|"
        r"to pay)\b)",
    ),
    _r(
        "cut_body",
        "self_harm",
        rf"\b(?:cut|cutting|cuts|carve|carving|burn|burning|slash|slashing)\s+{POSS}\s+"
        r"(?:arms?|legs?|thighs?|skin|stomach|body|hips?)\b(?!\s+(?:on|open on|while|shaving|"
        r"cooking|at work|in the|playing|falling))",
    ),
    _r(
        "cutting_again",
        "self_harm",
        r"\b(?:(?:urge|urges|urge to|started|starting|keep|kept|back to|relapsed|relapsing|"
        r"want to|wanting to|thinking about|thought about|tempted to|going to|gonna|stop|cant "
        r"stop|my)\s+(?:to\s+)?(?:cutting|cut|harming|hurting)|been\s+(?:cutting|harming|"
        r"hurting))\b(?=\s*(?:$|\||,|again\b|and\b|"
        r"but\b|because\b|i\b|when\b|every\b|at night\b|lately\b|recently\b|is\b|tonight\b|"
        r"so\b))",
    ),
    _r(
        "fresh_wounds",
        "self_harm",
        rf"\b(?:fresh|new|deep|more)\s+(?:cuts|scars|wounds|burns)\s+(?:on|all over|up)\s+{POSS}"
        r"\b|\b(?:cuts|scars|burns)\s+(?:i made|i did|from cutting|from self harm)\b",
    ),
    # ---- acts under way: life at risk now --------------------------------------------------
    _r(
        "overdose_taken",
        "act",
        r"\b(?:taken|took|swallowed|necked|downed|had|done|did|just had)\s+(?:an?\s+)?"
        r"(?:overdose|od)\b|\b(?:overdosed|have overdosed|just overdosed)\b|"
        r"\b(?:im|am|hes|shes|theyre|is|are|currently)\s+(?:\w+\s+)?overdosing\b",
    ),
    _r(
        "pills_taken",
        "act",
        rf"\b(?:taken|took|swallowed|necked|downed|had|eaten|ate|just took|have taken)\s+"
        rf"(?:\w+\s+)?{QUANTITY}\s+(?:(?:my|his|her|the|of|these|those)\s+)?(?:\w+\s+){{0,2}}?"
        rf"{PILLS}\b(?!\s+(?:for (?:today|the day|this (?:morning|evening|week))|over (?:the|a) "
        r"(?:day|week)))",
    ),
    _r(
        "poison_taken",
        "act",
        rf"\b(?:drank|drunk|swallowed|taken|took|had|mixed)\s+(?:some\s+|a bottle of\s+)?"
        rf"(?:bleach|antifreeze|anti freeze|weedkiller|rat poison|poison|pesticide)\b|"
        rf"\bmixed\s+(?:my\s+|the\s+)?{PILLS}\s+with\s+(?:alcohol|vodka|drink|booze|wine|"
        r"whisky|gin)\b|\b(?:taken|took|swallowed)\s+(?:\w+\s+){0,3}?"
        + PILLS
        + r"\s+(?:with|and drank|and drunk)\s+(?:a (?:bottle|load) of\s+)?(?:alcohol|vodka|drink|"
        r"booze|wine|whisky|gin)\b",
    ),
    _r(
        "bleeding",
        "act",
        rf"\b(?:cut|slit|slashed|sliced|stabbed)\s+(?:{REFL}|{POSS} \w+)\s+(?:\w+\s+){{0,2}}?"
        r"(?:too deep|really deep|deep|and (?:it )?(?:wont|cant|isnt) stop(?:ping)? bleeding|"
        r"bleeding (?:a lot|loads|badly|everywhere|heavily))\b|\bcut too deep\b",
    ),
    _r(
        "on_the_edge",
        "act",
        rf"\b(?:standing|stood|sat|sitting|climbed|climbing|up)\s+(?:on|onto|at)\s+(?:the\s+)?"
        rf"(?:edge|ledge|top|side|railings?)\s+(?:of\s+)?(?:the\s+|a\s+)?(?:{HIGH_PLACE}|tracks|"
        r"platform|railway)\b|\bon the ledge\b|\b(?:im|i am)\s+on\s+the\s+(?:railway\s+|train\s+)?"
        r"tracks\b",
    ),
    _r(
        "means_at_hand",
        "act",
        r"\b(?:knife|blade|razor)\s+(?:to|against|on)\s+my\s+(?:wrists?|throat|neck|arm)\b|"
        r"\brope\s+(?:round|around)\s+my\s+neck\b",
    ),
    _r(
        "medical_emergency",
        "medical",
        r"\b(?:isnt|not|stopped|has stopped|aint|s not)\s+breathing\b|"
        r"\b(?:is|s|been|knocked|found (?:him|her|them))\s+unconscious\b|"
        r"\bcant\s+wake\s+(?:him|her|them)\s+up\b|"
        r"\b(?:wont|will not|isnt|not)\s+(?:wake|waking)\s+up\b(?!\s+(?:for|in the morning|early|"
        r"on time|till|until))",
        "other",
    ),
    # ---- danger from someone else ----------------------------------------------------------
    _r(
        "threat_to_kill",
        "attack",
        r"\b(?:going to|gonna|will|ll|wants to|want to|trying to|tried to|try to|threatening to|"
        r"threatened to|threatens to|about to|is going to|s going to|said (?:he|she|they)"
        r"(?:d| would| will|ll)|says (?:he|she|they)(?:ll| will| would|d)|swears (?:he|she|they)"
        r"(?:ll| will)|swore (?:he|she|they)(?:d| would))\s+(?:\w+\s+)?(?:kill|murder|hurt|stab|"
        r"strangle|batter|beat|shoot|smash|choke|attack|burn|rape|finish)\s+(?:me|us|my (?:kids|"
        r"children|son|daughter|baby)|the kids)\b",
    ),
    _r(
        "attack_now",
        "attack",
        r"\b(?:is|s|are|re|hes|shes|theyre|keeps|started|start|been|wont stop)\s+(?:\w+\s+)?"
        r"(?:hitting|beating|"
        r"punching|kicking|strangling|choking|attacking|stabbing|battering|dragging|hurting)\s+"
        r"(?:me|us|my (?:kids|children|son|daughter|baby|mum|mam|dad))\b(?!\s+(?:emotionally|"
        r"with (?:his|her|their) words|inside|by (?:saying|ignoring)))",
    ),
    _r(
        "just_attacked",
        "attack",
        r"\b(?:just|has just|s just|has|s)\s+(?:\w+\s+)?(?:hit|punched|attacked|stabbed|"
        r"strangled|choked|kicked|battered|beaten|beat|raped|assaulted|glassed|slashed|shot)\s+"
        r"(?:me|us|my (?:kids|children|son|daughter|baby))\b|"
        r"\b(?:hit|punched|attacked|stabbed|strangled|choked|kicked|battered|beat|beaten|raped|"
        r"assaulted)\s+me\s+(?:again|tonight|today|just now|a minute ago|earlier|an hour ago)\b|"
        r"\b(?:strangled|choked|strangling|choking)\s+me\b|"
        r"\b(?:put|had|has|got|held|holding|grabbed|squeezing|squeezed)\s+(?:his|her|their|both)"
        r"\s+hands?\s+(?:round|around|on)\s+my\s+(?:neck|throat)\b",
    ),
    _r(
        "been_attacked",
        "attack",
        r"\b(?:ive|i have|weve|i)\s+(?:just\s+)?been\s+(?:stabbed|attacked|assaulted|raped|"
        r"beaten up|shot|glassed|strangled|battered)\b(?!\s+(?:by (?:anxiety|panic|stress|worry|"
        r"doubt|guilt|depression|my own|thoughts|the council|the press|the media|trolls|"
        r"a dog|wasps?)|in the back))",
    ),
    _r(
        "weapon",
        "attack",
        r"\b(?:has|have|s got|has got|got|is holding|holding|with|waving|pulled|pulling|"
        r"brandishing|carrying|came at me with|coming at me with|threatening me with|threatened "
        r"me with|grabbed)\s+(?:a|an|the|his|her|their|my)?\s*(?:knife|knives|gun|blade|machete|"
        r"weapon|hammer|baseball bat|axe|crowbar|screwdriver|sword)\b(?!\s+(?:block|drawer|set|"
        r"crime|sharpener|and fork|collection|licence|shop))",
    ),
    _r(
        "break_in",
        "attack",
        r"\b(?:trying to|tried to|try to|going to|gonna|about to|is|s|are|re|hes|shes|theyre|"
        r"has just|just|keeps)\s+(?:\w+\s+)?(?:get in(?=\s*(?:$|\||,|now\b|here\b|and\b|"
        r"through\b|the (?:house|"
        r"flat|door|window)\b|my (?:house|flat|room)\b|please\b|help\b))|get into (?:my|the|our) "
        r"(?:house|flat|home|room)|break in|break into|breaking in|breaking into|broke in|"
        r"broken in|kick(?:ing)? (?:the|my|our) door (?:in|down)|kicking (?:the|my|our) door|"
        r"smash(?:ing)? (?:the|my|our) (?:door|window)|forc(?:e|ing) (?:the|my|our) door|"
        r"climbing in)\b",
    ),
    _r(
        "not_safe",
        "attack",
        r"\b(?:im|me and (?:the |my )?(?:kids|children|baby)|we are|were|weve|we re|"
        r"my (?:kids|children|baby) (?:are|arent|is|isnt))\s+(?:\w+\s+)?(?:not|arent|isnt)\s+"
        r"safe\b(?!\s+(?:to (?:drive|work|be left with (?:money|cash))|financially|with money))|"
        r"\bdont\s+feel\s+safe\b(?=\s*(?:$|\||,|at home|here|in my (?:own )?(?:home|house|flat|"
        r"room|bed)|in (?:the|this) (?:house|flat)|with (?:him|her|them|my \w+)|around (?:him|her|"
        r"them)|anymore|right now|tonight|now|hes|shes|theyre))|"
        r"\b(?:im|my life is|our lives are|lives are|life is|were|we are|kids are|i am)\s+in\s+"
        r"(?:immediate\s+|real\s+)?danger\b(?!\s+of)|"
        r"\b(?:fear|scared|afraid|frightened|terrified)\s+for\s+(?:my|our)\s+li(?:fe|ves)\b",
    ),
    _r(
        "call_for_help",
        "attack",
        r"\b(?:call|ring|phone|send|get me)\s+(?:an\s+|the\s+)?(?:ambulance|police|999|"
        r"emergency services)\s*(?:for me|now|please|quick|asap|to|$|\|)|"
        r"\b(?:please|someone|somebody|can you|could you)\s+(?:call|ring|phone|send|get)\s+"
        r"(?:me\s+)?(?:an\s+|the\s+)?(?:ambulance|police|999)\b|"
        r"\b(?:please|someone|somebody)\s+(?:call|send|get)\s+help\b",
        "none",
    ),
)

# After a bereavement by suicide: "I just want to be with him again", "I want to do the same".
_BEREAVED_JOIN = re.compile(
    r"\b(?:want|wants|wish|going|ready|tempted|thinking about|think about)\s+(?:to\s+)?"
    r"(?:just\s+)?(?:join|be with|follow|go with)\s+(?:him|her|them)\b|"
    r"\b(?:do|doing)\s+the same\b|\b(?:do|doing)\s+what (?:he|she|they) did\b|"
    r"\bgo the same way\b"
)
# Only count with a crisis elsewhere in the message: "I've got the pills ready", "I'm on the
# bridge", "it won't stop bleeding", "I've taken everything".
_CONTEXT_ACTS = re.compile(
    rf"\b{PILLS}\s+(?:are\s+|is\s+)?(?:ready|lined up|in front of me|in my hand|next to me|"
    r"counted out|here with me|on the table)\b(?!\s+(?:to collect|for collection|at the))|"
    rf"\b(?:got|have|ive got)\s+(?:the|my|all (?:the|my))\s+{PILLS}\s+(?:ready|here|with me|"
    r"in front of me|lined up)\b|"
    rf"\b(?:\w+s|im|am|is|are|standing|stood|sat|sitting|been|currently|now)\s+(?:on|at|up on)\s+"
    rf"(?:the|a)\s+(?:top of (?:the|a)\s+|edge of (?:the|a)\s+)?"
    rf"(?:{HIGH_PLACE}|tracks|railway line|platform|cliff)\b|"
    r"\b(?:wont|cant|isnt|not)\s+stop(?:ping)?\s+bleeding\b|"
    r"\b(?:taken|took|swallowed|had)\s+(?:everything|the lot|all of (?:it|them)|every)\b|"
    r"\b(?:locked|lock)\s+(?:myself|himself|herself)\s+in\b|"
    rf"\b(?:knife|blade|razor|rope|{PILLS})\s+(?:in (?:my|his|her) hand|ready)\b"
)

# A farewell: counts only alongside a crisis phrase or an act ("this is my last message").
_GOODBYE = re.compile(
    r"\b(?:this is (?:my )?(?:goodbye|the end|my last (?:message|text))|goodbye (?:forever|"
    r"everyone|world)|(?:my )?last (?:message|text) (?:from me|ever)|by the time (?:you|anyone|"
    r"they|someone) (?:read|reads|see|sees|find|finds) this|(?:tell|say to) (?:my|the) (?:kids|"
    r"family|mum|mam|children) (?:i love|im sorry|sorry))\b"
)
# About to do it, now: with an act above ("I've got the pills here, going to take them now").
_ACT_NOW = re.compile(
    r"\b(?:going to|gonna|about to|ready to|will|ill)\s+(?:\w+\s+){0,2}?(?:take|swallow|do it|"
    r"end|jump|use)\b(?:\s+\w+){0,3}?\s+(?:tonight|now|right now|today)\b"
)

# Someone used as the subject of "will kill me" mostly as a figure of speech.
_IDIOM_THREAT_SUBJECTS = _words(
    "boss manager teacher mum mam mom mother dad father nan nana gran parents wife missus "
    "mrs sister brother coach family kids"
)
_FUTURE_ONLY = re.compile(r"^(?:going to|gonna|will|ll|is going to|s going to)\s")
_IDIOM_THREAT_TAIL = re.compile(
    r"^\s*(?:when|if|once|after)\s+(?:he|she|they)\s+(?:sees?|finds? out|hears?|gets|notices|"
    r"realises|realizes|reads?|knows)|^\s*for\s+(?:being|spending|forgetting|losing|breaking|"
    r"missing|not|this|that|eating|doing|buying|wasting|getting)\b"
)

# "... will kill me if I spend any more": everyday slips, said of anyone.
_TRIVIAL_IF = re.compile(
    r"^\s*(?:if|when)\s+i\s+(?:spend|buy|forget|lose|break|miss|eat|am late|m late|im late|"
    r"crash|scratch|dent|get home late|burn the|dont (?:pay|clean|tidy|do the))\b"
)

_SOFT_BOUNDARY = _words("but and though although because so yet cos then or when")


# ---------------------------------------------------------------------------------------------
# 5. Anchors: a rule only runs on a sentence holding one of its words (speed: a long message
#    costs one pass to split it into words, then only the few rules that could match)
# ---------------------------------------------------------------------------------------------

_PILL_WORDS = (
    "pill tablet pills tablets tabs meds medication medicine paracetamol cocodamol "
    "codeine painkillers antidepressants sertraline citalopram fluoxetine mirtazapine "
    "amitriptyline ibuprofen aspirin diazepam insulin tramadol morphine oramorph "
    "zopiclone pregabalin gabapentin quetiapine lithium olanzapine propranolol"
)
_PLACE_WORDS = (
    "bridge building roof rooftop balcony cliff park storey tower flats floor window "
    "flyover ledge pier train trains bus lorry truck car cars traffic tram river sea "
    "mersey canal dock docks reservoir lake water wall tree tracks railway motorway "
    "platform top edge"
)
_REFL_WORDS = "myself himself herself themselves yourself yourselves"
ANCHORS: dict[str, str] = {
    "kill_self": _REFL_WORDS,
    "do_self_in": _REFL_WORDS,
    "take_own_life": "life lives",
    "end_it_all": "all end ending",
    "end_it": "end ending",
    "make_it_stop": "all everything over end stop",
    "suicide_intent": "suicide",
    "suicide_noun": "suicide",
    "suicide_option": "suicide",
    "suicidal": "suicidal",
    "fresh_wounds": "cuts scars wounds burns cut",
    "means_jump": _PLACE_WORDS,
    "means_jump_bare": "jump",
    "means_jump_thought": "jump jumping throwing",
    "means_pills": _PILL_WORDS + " overdose overdosing",
    "means_research": "many lethal way ways method methods",
    "means_stockpile": _PILL_WORDS,
    "means_rope": "noose rope",
    "means_wrists": "wrist wrists",
    "want_die": "die dead alive exist existing wake forever good anymore gone disappear back",
    "wish_dead": "wish wished wishes wishing",
    "let_me_die": "die",
    "wish_dead_other": "wish wished wishes",
    "hope_not_wake": "wake",
    "dont_want_live": "live alive exist here wake around earth world living anymore",
    "cant_go_on": "go carry keep do cope take",
    "how_go_on": "go carry keep",
    "cant_cope_anymore": "cope",
    "no_point": "point",
    "no_point_anymore": "point",
    "life_not_worth": "worth pointless life",
    "nothing_to_live_for": "nothing nobody much reason reasons will lot point",
    "better_off_without_me": "better easier happier",
    "better_off_without_them": "without",
    "better_off_dead": "dead under ground box",
    "nobody_would_miss": "miss notice care",
    "tired_of_life": "living life alive existing world",
    "give_up_on_life": "up",
    "feel_like_dying": "like",
    "thoughts_of_dying": "dying death here ending waking dead disappearing dark",
    "do_something_stupid": "stupid silly daft drastic back myself",
    "scared_what_ill_do": "what",
    "dont_trust_myself": "myself",
    "danger_to_self": _REFL_WORDS,
    "mental_health_crisis": "crisis",
    "self_harm": "self",
    "hurt_self": _REFL_WORDS,
    "cut_body": "arm arms leg legs thigh thighs skin stomach body hip hips",
    "cutting_again": "cutting cut harming hurting",
    "overdose_taken": "overdose od overdosed overdosing",
    "pills_taken": _PILL_WORDS,
    "poison_taken": "bleach antifreeze anti weedkiller poison pesticide " + _PILL_WORDS,
    "bleeding": "deep bleeding",
    "on_the_edge": "edge ledge top side railing railings tracks",
    "means_at_hand": "knife blade razor rope",
    "medical_emergency": "breathing unconscious wake waking",
    "threat_to_kill": "kill murder hurt stab strangle batter beat shoot smash choke attack burn "
    "rape finish",
    "attack_now": "hitting beating punching kicking strangling choking attacking stabbing "
    "battering dragging hurting",
    "just_attacked": "hit punched attacked stabbed strangled choked kicked battered beaten beat "
    "raped assaulted glassed slashed shot strangling choking neck throat",
    "been_attacked": "been",
    "weapon": "knife knives gun blade machete weapon hammer bat axe crowbar screwdriver sword",
    "break_in": "get break breaking broke broken kick kicking smash smashing force forcing "
    "climbing",
    "not_safe": "safe danger fear scared afraid frightened terrified",
    "call_for_help": "ambulance police 999 emergency help",
}
_INDEX: dict[str, list[int]] = {}
for _i, _rule in enumerate(RULES):
    for _w in ANCHORS[_rule.name].split():
        _INDEX.setdefault(_w, []).append(_i)
_EXPOSURE_ANCHORS = _words("himself herself themselves life lives suicide overdose overdosed")
_CONTEXT_ANCHORS = frozenset(
    (
        _PILL_WORDS + " " + _PLACE_WORDS + " bleeding everything lot all every locked lock knife "
        "blade razor rope"
    ).split()
)
_GOODBYE_ANCHORS = _words("goodbye last time tell say end")
_ACT_NOW_ANCHORS = _words("tonight now today")
_JOIN_ANCHORS = _words("join with follow same")


# ---------------------------------------------------------------------------------------------
# 6. Assessment
# ---------------------------------------------------------------------------------------------


def _clause_before(t: str, pos: int, limit: int = 120) -> list[str]:
    """Words before pos in the same sentence (nearest last), stopping at a comma."""
    chunk = t[max(0, pos - limit) : pos]
    comma = chunk.rfind(",")
    if comma != -1:
        chunk = chunk[comma + 1 :]
    return chunk.split()


_NOT_A_NEGATION = re.compile(
    r"\b(?:reason|reasons|thing|things|stopping me|stops me|keeping me|keeps me)\s+(?:why\s+)?"
    r"(?:i|im|ive)?\s*$"
)


def _negated(t: str, pos: int) -> bool:
    """Is the phrase at pos denied just before it ("I'm not", "I would never")?"""
    words = _clause_before(t, pos)
    for steps, word in enumerate(reversed(words)):
        if word in NEGATORS:
            # "the only reason I haven't killed myself" is not a denial.
            before = " ".join(words[: len(words) - steps - 1])
            return _NOT_A_NEGATION.search(before) is None
        if word in _SOFT_BOUNDARY or word not in NEG_FILLER or steps >= 6:
            return False
    return False


def _strip_possessive(word: str) -> str:
    if word.endswith("s") and word[:-1] in KIN:
        return word[:-1]
    return word


_OWN_SELF = re.compile(r"\b(?:myself|my|me|i|im|yourself|yourselves)\b")
_OWN_SELF_STRICT = re.compile(r"\b(?:my|me|i|im)\b")
_OWN_OTHER = re.compile(r"\b(?:himself|herself|themselves|his|her|their|he|she|they|hes|shes)\b")
_SKIP_BEFORE = _words("just really so very now always still been being")


def _person(t: str, match: re.Match[str], rule: _Rule) -> str:
    """'self' or 'other': whose risk a match is about."""
    if rule.person in ("self", "other"):
        return rule.person
    text = match.group(0)
    if _OWN_SELF.search(text):
        own = "self"
    elif _OWN_OTHER.search(text):
        own = "other"
    else:
        own = ""
    words = [_strip_possessive(w) for w in _clause_before(t, match.start(), 160)]
    # Reported speech: "she texted saying i want to die" is about her.
    if own != "other" and _reported_third(words):
        return "other"
    if own == "self" and not _OWN_SELF_STRICT.search(text):
        # Only "myself": "he wants to kms" is slang about him; "he told me to kill myself" is not.
        for w in reversed(words):
            if w in FIRST or w in SECOND:
                return "self"
            if w in THIRD:
                return "other"
        return "self"
    if own:
        return own
    # "someone I support is suicidal": a third-person verb right before the match.
    for w in reversed(words):
        if w in _SKIP_BEFORE:
            continue
        if w in THIRD_VERBS:
            return "other"
        break
    for w in reversed(words):
        if w in FIRST or w in SECOND:
            return "self"
        if w in THIRD:
            return "other"
    after = t[match.end() : match.end() + 30].split()
    if after and _strip_possessive(after[0]) in KIN:  # "my suicidal friend"
        return "other"
    return "self"


_REPORTING = _words("says said saying texted messaged wrote posted text sent telling tells told")


def _reported_third(words: list[str]) -> bool:
    """True if the words end like '<third person> said (that) i ...'."""
    seen_first = False
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w in ("i", "im", "ive", "id", "ill"):
            seen_first = True
            continue
        if not seen_first or w == "that":
            continue
        if w in _REPORTING:
            for v in reversed(words[:i]):
                if v in ("me", "us", "keeps", "kept", "just", "has", "was", "been"):
                    continue
                return v in THIRD
            return False
        return False
    return False


_NOT_PEOPLE = _words("it this that stress debt bills work job heat waiting worry noise")


def _subject_word(t: str, pos: int) -> str | None:
    for w in reversed(_clause_before(t, pos, 80)):
        w = _strip_possessive(w)
        if (
            w in FIRST
            or w in SECOND
            or w in THIRD
            or w in _IDIOM_THREAT_SUBJECTS
            or w in _NOT_PEOPLE
        ):
            return w
    return None


def _attack_counts(t: str, m: re.Match[str], rule: _Rule) -> bool:
    """Danger from someone else needs a person doing it, and not a figure of speech."""
    if rule.name in ("not_safe", "call_for_help", "been_attacked"):
        return True
    subject = _subject_word(t, m.start())
    if rule.name == "threat_to_kill":
        if subject is None or subject in SECOND or subject in _NOT_PEOPLE:
            return False
        if subject in FIRST and not _OWN_OTHER.search(m.group(0)):
            return False
        tail = t[m.end() : m.end() + 60]
        if _FUTURE_ONLY.match(m.group(0)) and _TRIVIAL_IF.match(tail):
            return False  # "he'll kill me if I spend any more"
        return subject not in _IDIOM_THREAT_SUBJECTS or not (
            _FUTURE_ONLY.match(m.group(0)) or _IDIOM_THREAT_TAIL.match(tail)
        )
    if subject in FIRST or subject in SECOND or subject in ("it", "this", "that"):
        return False
    return MEDIA.search(t, max(0, m.start() - _NEAR), m.end() + _NEAR) is None


def _after_now(t: str, pos: int, spans: list[tuple[int, int]]) -> bool:
    """A third-person risk after a bereavement, marked as current: '... and now my son is'."""
    return any(e <= pos and _NOW.search(t, e, pos) for _, e in spans)


_NOW = re.compile(r"\b(?:now|currently|at the moment|these days)\b")


def _mask(sentence: str, pattern: re.Pattern[str]) -> tuple[str, list[tuple[int, int]]]:
    """Blank out matches, keeping offsets (the same length of '~')."""
    spans = [(m.start(), m.end()) for m in pattern.finditer(sentence)]
    if not spans:
        return sentence, spans
    chars = list(sentence)
    for s, e in spans:
        chars[s:e] = " " + "~" * (e - s - 2) + " " if e - s >= 2 else " " * (e - s)
    return "".join(chars), spans


class _Findings:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.immediate = False
        self.self_risk = False
        self.other_risk = False

    def note(self, name: str) -> None:
        if name not in self.reasons:
            self.reasons.append(name)


_RISK_GROUPS = frozenset({"ideation", "self_harm"})
_TIME_WORDS = _words("tonight now today bit minute minutes hour hours evening")


def _imminent(sentence: str, words: set[str], lo: int, hi: int) -> bool:
    return not words.isdisjoint(_TIME_WORDS) and IMMINENT.search(sentence, lo, hi) is not None


# How far around a match to look for context (news talk, "years ago", "tonight"): a sentence,
# or this much of a very long one.
_NEAR = 200
# Very long run-on "sentences" are checked in overlapping pieces, so each rule runs on short
# text; the overlap is longer than any phrase plus the look-back for negation and person.
_PIECE, _OVERLAP = 480, 200


def _pieces(sentence: str) -> list[str]:
    if len(sentence) <= _PIECE + _OVERLAP:
        return [sentence]
    out = []
    start = 0
    while start < len(sentence):
        end = min(len(sentence), start + _PIECE + _OVERLAP)
        if end < len(sentence):
            cut = sentence.rfind(" ", start, end)
            end = cut if cut > start else end
        out.append(" " + sentence[start:end] + " ")
        if end >= len(sentence):
            break
        nxt = sentence.find(" ", max(start + 1, end - _OVERLAP))
        start = nxt if nxt != -1 and nxt < end else end
    return out


def _check_sentence(sentence: str, found: _Findings, exposure: list[tuple[int, int]]) -> None:
    words = set(sentence.split())
    todo = sorted({i for w in words for i in _INDEX.get(w, ())})
    imminent: bool | None = None
    for i in todo:
        if found.immediate:
            return  # the answer can no longer change
        rule = RULES[i]
        if found.self_risk and rule.group in _RISK_GROUPS:
            # Already the person's own risk: only a sign that it is happening now matters.
            if imminent is None:
                imminent = _imminent(sentence, words, 0, len(sentence))
            if not imminent:
                continue
        for m in rule.pattern.finditer(sentence):
            if _negated(sentence, m.start()):
                continue
            lo, hi = max(0, m.start() - _NEAR), m.end() + _NEAR
            if rule.group == "attack":
                if not _attack_counts(sentence, m, rule):
                    continue
                if rule.name in ("just_attacked", "been_attacked") and DISTANT_PAST.search(
                    sentence, lo, hi
                ):
                    continue
                found.immediate = True
                found.note(rule.name)
                continue
            if rule.group == "medical":
                if "wake" in m.group(0) and _subject_word(sentence, m.start()) in FIRST:
                    continue  # "hope I won't wake up" is ideation, handled above
                found.immediate = True
                found.note(rule.name)
                continue
            person = _person(sentence, m, rule)
            if person == "other":
                if MEDIA.search(sentence, lo, hi):
                    continue
                if exposure and not _after_now(sentence, m.start(), exposure):
                    continue
            if rule.group == "act" and not DISTANT_PAST.search(sentence, lo, hi):
                found.immediate = True
                found.self_risk = found.self_risk or person == "self"
                found.other_risk = found.other_risk or person == "other"
                found.note(rule.name + ("" if person == "self" else "_other"))
                continue
            if person == "self":
                found.self_risk = True
            else:
                found.other_risk = True
            found.note(rule.name + ("" if person == "self" else "_other"))
            if _imminent(sentence, words, lo, hi):
                found.immediate = True
                found.note("imminent")


def assess(text: str) -> SafetyAssessment:
    """Check a whole message (any length) for a crisis. Deterministic and fast."""
    if not text or not text.strip():
        return SafetyAssessment(None, ())
    found = _Findings()
    bereaved = False
    sentences: list[tuple[str, set[str]]] = []
    all_words: set[str] = set()
    for whole_sentence in normalise(text).split("|"):
        for sentence in _pieces(whole_sentence):
            if found.immediate:
                break
            words = set(sentence.split())
            if not words:
                continue
            for anchors, idiom in _IDIOMS:
                if not words.isdisjoint(anchors):
                    sentence = idiom.sub(" ~ ", sentence)
            exposure: list[tuple[int, int]] = []
            if not words.isdisjoint(_EXPOSURE_ANCHORS):
                sentence, exposure = _mask(sentence, _EXPOSURE)
                bereaved = bereaved or bool(exposure)
            _check_sentence(sentence, found, exposure)
            sentences.append((sentence, words))
            all_words |= words

    def anywhere(pattern: re.Pattern[str], anchors: frozenset[str]) -> re.Match[str] | None:
        """Search only the sentences holding an anchor word."""
        if all_words.isdisjoint(anchors):
            return None
        for sentence, words in sentences:
            if not words.isdisjoint(anchors):
                m = pattern.search(sentence)
                if m is not None and not _negated(sentence, m.start()):
                    return m
        return None

    if bereaved and anywhere(_BEREAVED_JOIN, _JOIN_ANCHORS):
        found.self_risk = True
        found.note("bereaved_join")
    if not found.immediate and not all_words.isdisjoint(_CONTEXT_ANCHORS):
        goodbye = anywhere(_GOODBYE, _GOODBYE_ANCHORS) is not None
        if (
            found.self_risk or found.other_risk or goodbye or anywhere(_ACT_NOW, _ACT_NOW_ANCHORS)
        ) and anywhere(_CONTEXT_ACTS, _CONTEXT_ANCHORS):
            found.immediate = True
            found.self_risk = found.self_risk or not found.other_risk
            found.note("act_in_context")
    if (
        (found.self_risk or found.other_risk)
        and not found.immediate
        and anywhere(_GOODBYE, _GOODBYE_ANCHORS)
    ):
        found.immediate = True
        found.note("goodbye")

    if found.immediate:
        kind: CrisisKind | None = CrisisKind.IMMEDIATE_DANGER
    elif found.self_risk:
        kind = CrisisKind.SUICIDE_SELF_HARM
    elif found.other_risk:
        kind = CrisisKind.SOMEONE_ELSE
    else:
        kind = None
    return SafetyAssessment(kind, tuple(found.reasons))
