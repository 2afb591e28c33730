"""Crisis replies, composed from the crisis numbers in resources/crisis_lines.yml.

Pure Python (no Rasa). The numbers live only in the data file: the templates below name the
entries (``{samaritans.number}``) and never contain a number, so a number changes in one place.

Wording follows ../shared/guides/conversation-design.md (safe messaging): calm and short, the
numbers first, no methods, no statistics, no judgement or diagnosis, never "commit suicide";
then that the person did the right thing, and that they can carry on talking when ready.
Replies use GSM-7 characters only (plain apostrophes, "-" bullets), so they fit SMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety import CrisisKind

__all__ = [
    "DEFAULT_PATH",
    "REQUIRED_IDS",
    "TEMPLATES",
    "CrisisLine",
    "crisis_line",
    "crisis_lines",
    "crisis_reply",
    "domestic_abuse_note",
    "stale_lines",
]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "crisis_lines.yml"
REQUIRED_IDS = (
    "emergency_999",
    "samaritans",
    "shout",
    "nhs_111_mental_health",
    "national_domestic_abuse_helpline",
)
_REQUIRED_FIELDS = (
    "id",
    "name",
    "number",
    "how",
    "hours",
    "is_24hr",
    "free",
    "source",
    "last_verified",
    "verification_status",
)
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class CrisisLine:
    """One crisis number, with where it came from and when it was last checked."""

    id: str
    name: str
    number: str  # written the way people say it: "116 123"
    how: str  # "call" or "text"
    hours: str
    is_24hr: bool
    free: bool
    source: str
    last_verified: str  # ISO 8601, possibly reduced precision: "2020", "2020-12", "2020-12-31"
    verification_status: str
    keyword: str | None = None  # text services: the word to send ("SHOUT")
    option: str | None = None  # phone menu option ("2")
    silent_code: str | None = None  # 999 only: press 55 if you can't speak
    verification: str | None = None
    source_date_note: str | None = None
    corroborated_by: tuple[str, ...] = field(default_factory=tuple)

    @property
    def verified_on(self) -> date:
        """The last-verified date; a year or month alone counts as its first day (cautious)."""
        m = _ISO_PARTIAL.match(self.last_verified)
        if m is None:
            raise ValueError(f"{self.id}: last_verified {self.last_verified!r} is not ISO 8601")
        year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
        return date(int(year), int(month), int(day))

    @property
    def availability(self) -> str:
        """'free, any time', 'free', or the opening hours."""
        if self.free and self.is_24hr:
            return "free, any time"
        if self.free:
            return f"free, {self.hours}"
        return "any time" if self.is_24hr else self.hours

    @property
    def action(self) -> str:
        """What to do, in words: 'call 116 123', 'text SHOUT to 85258', 'call 111 and choose
        option 2'."""
        if self.how == "text":
            return (
                f"text {self.keyword} to {self.number}" if self.keyword else f"text {self.number}"
            )
        if self.option:
            return f"call {self.number} and choose option {self.option}"
        return f"call {self.number}"


def _line_from(raw: dict[str, Any], path: Path) -> CrisisLine:
    missing = [f for f in _REQUIRED_FIELDS if raw.get(f) in (None, "")]
    if missing:
        raise ValueError(f"{path}: entry {raw.get('id', '?')!r} is missing {', '.join(missing)}")
    if raw["how"] not in ("call", "text"):
        raise ValueError(f"{path}: {raw['id']}: how must be call or text, not {raw['how']!r}")
    if raw["how"] == "text" and not raw.get("keyword"):
        raise ValueError(f"{path}: {raw['id']}: a text service needs a keyword")
    line = CrisisLine(
        id=str(raw["id"]),
        name=str(raw["name"]),
        number=str(raw["number"]),
        how=str(raw["how"]),
        hours=str(raw["hours"]),
        is_24hr=bool(raw["is_24hr"]),
        free=bool(raw["free"]),
        source=str(raw["source"]),
        last_verified=str(raw["last_verified"]),
        verification_status=str(raw["verification_status"]),
        keyword=_opt(raw.get("keyword")),
        option=_opt(raw.get("option")),
        silent_code=_opt(raw.get("silent_code")),
        verification=_opt(raw.get("verification")),
        source_date_note=_opt(raw.get("source_date_note")),
        corroborated_by=tuple(str(c) for c in raw.get("corroborated_by") or ()),
    )
    line.verified_on  # noqa: B018  (validates the date now, not when a reply is needed)
    return line


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@lru_cache(maxsize=8)
def _load(path: Path) -> tuple[CrisisLine, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise ValueError(f"{path}: expected a mapping with a 'lines' list")
    lines = tuple(_line_from(raw, path) for raw in data["lines"])
    ids = [line.id for line in lines]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate ids {duplicates}")
    absent = [i for i in REQUIRED_IDS if i not in ids]
    if absent:
        raise ValueError(f"{path}: missing crisis lines {absent}")
    if not next(line for line in lines if line.id == "emergency_999").silent_code:
        raise ValueError(f"{path}: emergency_999 needs silent_code (press 55)")
    return lines


def crisis_lines(path: Path | str | None = None) -> list[CrisisLine]:
    """Every crisis line in the data file (read once, then cached)."""
    return list(_load(Path(path) if path is not None else DEFAULT_PATH))


def crisis_line(line_id: str, path: Path | str | None = None) -> CrisisLine:
    for line in crisis_lines(path):
        if line.id == line_id:
            return line
    raise KeyError(line_id)


def stale_lines(max_age_days: int, today: date, path: Path | str | None = None) -> list[CrisisLine]:
    """Lines last verified more than max_age_days before today: re-check these."""
    cutoff = today - timedelta(days=max_age_days)
    return [line for line in crisis_lines(path) if line.verified_on < cutoff]


# Templates: placeholders name entries of crisis_lines.yml; no numbers here.
TEMPLATES: dict[CrisisKind, str] = {
    CrisisKind.IMMEDIATE_DANGER: (
        "If you or someone else is in danger right now, please {emergency_999.action} now. "
        "If you can't speak, {emergency_999.action} and press {emergency_999.silent_code} "
        "when asked.\n\n"
        "I'm an automated assistant, so I can't send help myself. You can also talk to "
        "{samaritans.name} on {samaritans.number} ({samaritans.availability}). If someone is "
        "hurting you, the {national_domestic_abuse_helpline.name} is on "
        "{national_domestic_abuse_helpline.number} "
        "({national_domestic_abuse_helpline.availability}).\n\n"
        "I'm here when you're ready to carry on talking."
    ),
    CrisisKind.SUICIDE_SELF_HARM: (
        "It sounds like things are really hard right now. Please talk to someone now:\n"
        "- {samaritans.name}: {samaritans.action} ({samaritans.availability})\n"
        "- {shout.name}: {shout.action} ({shout.availability})\n"
        "- {nhs_111_mental_health.name}: {nhs_111_mental_health.action} for urgent mental "
        "health help ({nhs_111_mental_health.availability})\n"
        "If you're in danger right now, {emergency_999.action}.\n\n"
        "You did the right thing by telling me. I'm here when you're ready to carry on talking."
    ),
    CrisisKind.SOMEONE_ELSE: (
        "Thank you for looking out for them. If they are in danger right now, "
        "{emergency_999.action}.\n\n"
        "{samaritans.name} also support people worried about someone: {samaritans.action} "
        "({samaritans.availability}). For urgent mental health help for them, "
        "{nhs_111_mental_health.action} ({nhs_111_mental_health.availability}).\n\n"
        "I'm here when you're ready to carry on talking."
    ),
}

DOMESTIC_ABUSE_TEMPLATE = (
    "If you're in danger right now, {emergency_999.action}. If you can't speak, "
    "{emergency_999.action} and press {emergency_999.silent_code} when asked. The "
    "{national_domestic_abuse_helpline.name} is on {national_domestic_abuse_helpline.number} "
    "({national_domestic_abuse_helpline.availability})."
)


class _Lines(dict[str, CrisisLine]):
    def __missing__(self, key: str) -> CrisisLine:
        raise KeyError(f"a crisis template names {key!r}, which is not in crisis_lines.yml")


def _render(template: str, path: Path | str | None) -> str:
    return template.format_map(_Lines({line.id: line for line in crisis_lines(path)}))


def crisis_reply(kind: CrisisKind | str, path: Path | str | None = None) -> str:
    """The reply for a crisis of this kind, with the numbers from the data file."""
    return _render(TEMPLATES[CrisisKind(kind)], path)


def domestic_abuse_note(path: Path | str | None = None) -> str:
    """A short safety note to add when someone mentions domestic abuse (not itself a crisis)."""
    return _render(DOMESTIC_ABUSE_TEMPLATE, path)
