"""Turning the assistant's replies into text messages. Pure Python, no Rasa.

- GSM-7 where possible: one character outside the GSM-7 alphabet makes the whole message
  UCS-2, which fits 70 characters a segment instead of 160, so a curly apostrophe can triple
  the cost. Smart quotes, dashes, ellipses, bullets, odd spaces and emoji are rewritten;
  accented letters fall back to their base letter; other alphabets are kept (as UCS-2).
- Segments counted the way networks count them (153 septets or 67 UTF-16 units a segment
  once a message is longer than one; an escape pair or surrogate pair is never split).
- A turn longer than its budget is split into messages on paragraph, line, then sentence
  boundaries, never inside a word, a phone number, a postcode or a link.
- Buttons become numbered options. "More about 2" stays "2", so numbers in replies always mean
  the result with that number; other buttons get a number (or a word, next to results).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# 3GPP TS 23.038 default alphabet (the escape 0x1B excluded) and its extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7 = "GSM-7"
UCS2 = "UCS-2"
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# Common characters that have a GSM-7 spelling.
_REPLACEMENTS = {
    **dict.fromkeys("‘’‚‛′´`", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    **dict.fromkeys("•·●▪‣⁃◦", "-"),
    **dict.fromkeys(
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000\t",
        " ",
    ),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f\u20e3", ""),
    "…": "...",
    "×": "x",
    "÷": "/",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "©": "(c)",
    "®": "",
    "™": "",
    "→": "->",
    "←": "<-",
    "≥": ">=",
    "≤": "<=",
}

# Emoji and pictographs: removed, since a person reading a text loses nothing by it.
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # emoticons, symbols, pictographs, flags, skin tones
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),  # arrows and stars used as emoji
    (0x2300, 0x23FF),  # watch, hourglass, play buttons
    (0x2190, 0x21FF),  # arrows not rewritten above
    (0x25A0, 0x25FF),  # geometric shapes
    (0xE0000, 0xE007F),  # tag characters (flag sequences)
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
)


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _gsm_char(ch: str) -> str:
    if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
        return ch
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    if _is_emoji(ch):
        return ""
    # "á" -> "a", "ō" -> "o": the base letter is in GSM-7 even when the accent isn't.
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and is_gsm7(base):
        return base
    return ch  # another alphabet: keep it, the message will be UCS-2


def to_gsm7(text: str) -> str:
    """The text rewritten to GSM-7 where a faithful spelling exists, tidied after emoji."""
    out = "".join(_gsm_char(ch) for ch in text)
    out = re.sub(r"[ ]{2,}", " ", out)
    out = re.sub(r" +([\n.,!?;:)])", r"\1", out)
    return re.sub(r"\n +", "\n", out).strip()


@dataclass(frozen=True)
class SmsLength:
    """How a text is sent: its encoding, its length in septets or UTF-16 units, segments."""

    encoding: str
    units: int
    segments: int


def measure(text: str) -> SmsLength:
    """The encoding and segment count networks will use for `text` (0 segments if empty)."""
    if is_gsm7(text):
        encoding = GSM7
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    else:
        encoding = UCS2
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    single, multi = _LIMITS[encoding]
    total = sum(costs)
    if total == 0:
        return SmsLength(encoding, 0, 0)
    if total <= single:
        return SmsLength(encoding, total, 1)
    # Long messages carry a header; an escape or surrogate pair never straddles two segments.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, cost
        else:
            used += cost
    return SmsLength(encoding, total, segments)


def segments(text: str) -> int:
    return measure(text).segments


# --- tappable numbers and links -------------------------------------------------------------

_BARE_WWW = re.compile(r"(?<![/\w@.])(www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s]*)")


def tappable(text: str) -> str:
    """Links and numbers written the way phones recognise them.

    Phones make "https://..." and spaced UK numbers ("0151 496 0100") tappable; a bare
    "www.x.org" isn't on every phone, so it gets its scheme. Odd spaces inside numbers were
    already made plain spaces by :func:`to_gsm7`.
    """
    return _BARE_WWW.sub(r"https://\1", text)


# --- splitting ------------------------------------------------------------------------------

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "e.g", "i.e", "etc", "approx", "tel"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')]?\s+(?=[\"'(]?[A-Z0-9£])")
_DIGITS = re.compile(r"^[+(]?\d+\)?$")
_DIGITS_END = re.compile(r"^\d+[).,;:!?]*$")
_OUTWARD = re.compile(r"^\(?[A-Z]{1,2}\d[A-Z\d]?$")
_INWARD = re.compile(r"^\d[A-Z]{2}\)?[.,;:!?]*$")


def _sentences(line: str) -> list[str]:
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(line):
        before = line[start : match.start()].rstrip("\"')")
        last_word = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.strip() else ""
        if last_word in _ABBREVIATIONS:
            continue
        pieces.append(line[start : match.start()].strip())
        start = match.end()
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


def _words(sentence: str) -> list[str]:
    """Words, with phone numbers ("0151 496 0100") and postcodes ("L9 1AD") kept whole."""
    words: list[str] = []
    for token in sentence.split():
        if words:
            previous = words[-1].rsplit(" ", 1)[-1]
            number_goes_on = _DIGITS.match(previous) and _DIGITS_END.match(token)
            postcode = _OUTWARD.match(previous) and _INWARD.match(token)
            if number_goes_on or postcode:
                words[-1] += " " + token
                continue
        words.append(token)
    return words


def _hard_split(word: str, fits: Callable[[str], bool]) -> list[str]:
    """Last resort for one enormous "word": as many characters as fit, repeatedly."""
    pieces, current = [], ""
    for ch in word:
        if current and not fits(current + ch):
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


@dataclass(frozen=True)
class _Piece:
    text: str
    joiner: str  # what goes before it when it follows another piece in the same message


def _pieces(text: str, fits: Callable[[str], bool]) -> list[_Piece]:
    """The text cut at the largest boundaries that give pieces which fit on their own."""
    pieces: list[_Piece] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if fits(paragraph):
            pieces.append(_Piece(paragraph, "\n\n"))
            continue
        for line_index, line in enumerate(paragraph.split("\n")):
            line = line.strip()
            joiner = "\n\n" if line_index == 0 else "\n"
            if not line:
                continue
            if fits(line):
                pieces.append(_Piece(line, joiner))
                continue
            for sentence_index, sentence in enumerate(_sentences(line)):
                sentence_joiner = joiner if sentence_index == 0 else " "
                if fits(sentence):
                    pieces.append(_Piece(sentence, sentence_joiner))
                    continue
                for word_index, word in enumerate(_words(sentence)):
                    word_joiner = sentence_joiner if word_index == 0 else " "
                    for part_index, part in enumerate(
                        [word] if fits(word) else _hard_split(word, fits)
                    ):
                        pieces.append(_Piece(part, word_joiner if part_index == 0 else ""))
    return pieces


def split_message(text: str, max_segments: int = 3) -> list[str]:
    """The text as one or more messages of at most `max_segments` segments each.

    Paragraph breaks become single line breaks where a blank line would cost an extra
    segment. Nothing is dropped.
    """

    def fits(candidate: str) -> bool:
        return segments(candidate) <= max_segments

    text = text.strip()
    if not text:
        return []
    compact = re.sub(r"\n\s*\n", "\n", text)
    if fits(text):
        return [text]
    if fits(compact):
        return [compact]
    messages: list[list[_Piece]] = [[]]
    for piece in _pieces(text, fits):
        current = messages[-1]
        candidate = [*current, piece]
        if not current or fits(_render(candidate, compact=True)):
            current.append(piece)
        else:
            messages.append([piece])
    rendered = []
    for message in messages:
        roomy = _render(message, compact=False)
        rendered.append(roomy if fits(roomy) else _render(message, compact=True))
    return rendered


def _render(pieces: Sequence[_Piece], compact: bool) -> str:
    out = ""
    for index, piece in enumerate(pieces):
        if index:
            out += "\n" if compact and piece.joiner == "\n\n" else piece.joiner
        out += piece.text
    return out


# --- numbered options -----------------------------------------------------------------------

RESULT_TITLE = re.compile(r"^more about (\d+)$", re.IGNORECASE)

# Buttons shown next to numbered results get a word, not a number, so that a number in a
# reply always means the result with that number. Keyed by payload.
WORD_OPTIONS: dict[str, tuple[str | None, str]] = {
    "/show_more": ("MORE", "MORE to see more"),
    "/talk_to_person": ("ADVISOR", "ADVISOR to talk to an advisor"),
    # No keyword needed: a place sent on its own already means "look there".
    "/change_location": (None, "send another area or postcode to look there"),
}
# The same, shorter, for a turn that would not fit in one text otherwise.
SHORT_WORD_OPTIONS: dict[str, str] = {"/change_location": "send another postcode"}

_NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        start=1,
    )
}
_NUMBER_REPLY = re.compile(
    r"^(?:no\.?|number|num|option|#)?\s*(\d{1,2}|[a-z]+)\s*[.)!]*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Option:
    """One choice offered in a text: what to reply (`key`), its label, what it selects."""

    key: str | None  # "2", "MORE", or None when only its words select it
    title: str
    payload: str
    kind: str  # "result" (More about N), "listed" (titled N), "numbered", or "word"

    def as_dict(self) -> dict[str, str | None]:
        return {"key": self.key, "title": self.title, "payload": self.payload, "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict) -> Option:
        return cls(data.get("key"), data["title"], data["payload"], data["kind"])


def number_options(buttons: Iterable[dict]) -> list[Option]:
    """The options a text offers for these buttons.

    "More about N" keeps its number N, and the other buttons next to results get a word
    (:data:`WORD_OPTIONS`) or are chosen by their title, so a number always means that
    result. A button titled with just a number ("1", "2": it picks from a list in the text)
    keeps that number, and the other buttons are numbered on after the list. Otherwise every
    button is numbered 1, 2, 3...
    """
    buttons = [b for b in buttons if b.get("title") and b.get("payload")]
    titles = [str(b["title"]).strip() for b in buttons]
    results = [RESULT_TITLE.match(title) for title in titles]
    if any(results):
        options = []
        for button, title, match in zip(buttons, titles, results, strict=True):
            payload = button["payload"]
            if match:
                options.append(Option(match.group(1), title, payload, "result"))
            else:
                key = WORD_OPTIONS[payload][0] if payload in WORD_OPTIONS else None
                options.append(Option(key, title, payload, "word"))
        return options
    listed = [int(title) for title in titles if title.isdigit()]
    if listed:
        next_key = max(listed) + 1
        options = []
        for button, title in zip(buttons, titles, strict=True):
            if title.isdigit():
                options.append(Option(str(int(title)), title, button["payload"], "listed"))
            else:
                options.append(Option(str(next_key), title, button["payload"], "numbered"))
                next_key += 1
        return options
    return [
        Option(str(n), title, b["payload"], "numbered")
        for n, (b, title) in enumerate(zip(buttons, titles, strict=True), start=1)
    ]


def _number_phrase(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return str(numbers[0])
    contiguous = list(numbers) == list(range(numbers[0], numbers[-1] + 1))
    if len(numbers) >= 4 and contiguous:
        return f"{numbers[0]} to {numbers[-1]}"
    return ", ".join(str(n) for n in numbers[:-1]) + f" or {numbers[-1]}"


def _join_or(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f", or {items[-1]}"


def describe_options(options: Sequence[Option], short: bool = False) -> str:
    """The line that tells the person what to reply (`short`: fewer words, same choices)."""
    if not options:
        return ""
    results = [int(o.key) for o in options if o.kind == "result" and o.key]
    listed = [int(o.key) for o in options if o.kind == "listed" and o.key]
    numbered = [o for o in options if o.kind == "numbered"]
    if listed:
        choose_one = f"Reply {_number_phrase(sorted(listed))} to choose one"
        if not numbered:
            return choose_one + "."
        return "\n".join([choose_one + ", or:"] + [f"{o.key} {o.title}" for o in numbered])
    if not results:
        lines = [f"Reply {_number_phrase([int(o.key) for o in numbered if o.key])}:"]
        lines += [f"{o.key} {o.title}" for o in numbered]
        return "\n".join(lines)
    about = "it" if len(results) == 1 else "one"
    what = "for details" if short else f"to find out more about {about}"
    items = [f"Reply {_number_phrase(sorted(results))} {what}"]
    for option in options:
        if option.kind == "word":
            known = WORD_OPTIONS.get(option.payload)
            if short and option.payload in SHORT_WORD_OPTIONS:
                items.append(SHORT_WORD_OPTIONS[option.payload])
            else:
                items.append(known[1] if known else f'"{option.title}"')
    return _join_or(items) + "."


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def choose(reply: str, options: Sequence[Option]) -> str | None:
    """The payload a reply selects, or None if it selects nothing (pass it on as it is).

    A number ("2", "2.", "no. 2", "two") selects the option with that number; a keyword
    ("more"), an option's whole title ("housing"), or the start of one title and no other
    ("money" for "Money and debt") selects that option.
    """
    if not options or not reply or len(reply) > 80:
        return None
    match = _NUMBER_REPLY.match(reply.strip())
    if match:
        token = match.group(1).lower()
        number = _NUMBER_WORDS.get(token, token)
        if number.isdigit():
            for option in options:
                if option.key == number:
                    return option.payload
            return None
    said = _normalise(reply)
    if not said:
        return None
    for option in options:
        if option.key and not option.key.isdigit() and said == _normalise(option.key):
            return option.payload
    for option in options:
        if said == _normalise(option.title):
            return option.payload
    if len(said) >= 2:
        starts = [o for o in options if (_normalise(o.title) + " ").startswith(said + " ")]
        if len(starts) == 1:
            return starts[0].payload
    return None


# --- one whole turn -------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsTurn:
    """What to send for one turn of the assistant, and the options it offered."""

    messages: list[str]
    options: list[Option]


@dataclass(frozen=True)
class Reply:
    """One thing the assistant said: its words, and shorter forms of it, richest first.

    Shorter forms come from service data (bot/channels/sms/compact.py); other replies,
    crisis numbers among them, have none and are never shortened.
    """

    text: str
    shorter: tuple[str, ...] = ()

    def at(self, level: int) -> str:
        """Level 0 is the assistant's own words; 1, 2... the shorter forms (the last repeats)."""
        if level == 0 or not self.shorter:
            return self.text
        return self.shorter[min(level, len(self.shorter)) - 1]


def for_sms(text: str) -> str:
    """Text ready for a phone: GSM-7 where possible, no indentation, tappable links."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return tappable(to_gsm7(text))


def compose_turn(
    texts: Sequence[str | Reply], buttons: Sequence[dict], max_segments: int = 3
) -> SmsTurn:
    """All the assistant said in one turn, with its last set of buttons, as text messages.

    One text if at all possible: the assistant's own words if they fit, else the richest
    shorter forms that do. If none fit (a long crisis reply, a long echo, ten helplines), the
    form that needs the fewest texts (the richest of those) is split into several texts at
    paragraph, line or sentence boundaries; replies without shorter forms, crisis numbers
    among them, are never shortened.
    """
    options = number_options(buttons)
    prompt = describe_options(options)
    replies = [r if isinstance(r, Reply) else Reply(r) for r in texts]
    replies = [r for r in replies if r.text and r.text.strip()]
    deepest = max((len(r.shorter) for r in replies), default=0)
    # Only a turn with service data gets shorter forms and the shorter prompt; each level is
    # tried with the full prompt first (it loses least), then the shorter one.
    prompts = list(dict.fromkeys([prompt, describe_options(options, short=True)]))
    bodies = [_body([r.text for r in replies], prompt)]
    bodies += [
        _body([r.at(level) for r in replies], each)
        for level in range(1, deepest + 1)
        for each in prompts
    ]
    # The richest body that goes as one text; else the one that needs the fewest texts.
    candidates = []
    for body in bodies:
        messages = split_message(body, max_segments)
        if len(messages) <= 1:
            return SmsTurn(messages, options)
        candidates.append(messages)
    return SmsTurn(min(candidates, key=len), options)


def _body(texts: Sequence[str], prompt: str) -> str:
    paragraphs = [t.strip() for t in texts if t and t.strip()]
    if prompt:
        paragraphs.append(prompt)
    return for_sms("\n\n".join(paragraphs))
