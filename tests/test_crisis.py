"""Crisis numbers as data (resources/crisis_lines.yml) and the replies built from them."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.crisis import (
    DEFAULT_PATH,
    DOMESTIC_ABUSE_TEMPLATE,
    REQUIRED_IDS,
    TEMPLATES,
    crisis_line,
    crisis_lines,
    crisis_reply,
    domestic_abuse_note,
    stale_lines,
)
from bot.safety import CrisisKind

REPO = Path(__file__).resolve().parent.parent
HELPLINES_CSV = REPO.parent / "shared" / "data" / "helplines" / "uk_helplines.csv"
# GSM-7 basic character set (SMS without switching to UCS-2), enough for our replies.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@pytest.fixture(scope="module")
def raw() -> dict[str, dict]:
    """The YAML read directly, not through bot.crisis, so the two can be compared."""
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in data["lines"]}


# --- the data --------------------------------------------------------------------------------


def test_all_required_lines_are_there() -> None:
    assert {line.id for line in crisis_lines()} >= set(REQUIRED_IDS)


def test_every_line_has_a_source_and_last_verified_date() -> None:
    for line in crisis_lines():
        assert line.source.strip(), line.id
        assert line.last_verified.strip(), line.id
        assert line.verified_on <= date.today(), line.id
        assert line.verification_status.strip(), line.id


def test_no_line_is_presented_as_checked_when_it_is_not() -> None:
    for line in crisis_lines():
        assert "not verified" not in line.verification_status.lower(), line.id


def test_statutory_numbers_say_how_they_were_verified() -> None:
    for line_id in ("emergency_999", "nhs_111_mental_health"):
        line = crisis_line(line_id)
        assert line.verification and "not in shared/data helplines list" in line.verification
        assert line.corroborated_by


def test_numbers_are_written_the_way_people_say_them(raw: dict[str, dict]) -> None:
    assert raw["emergency_999"]["number"] == "999"
    assert raw["emergency_999"]["silent_code"] == "55"
    assert raw["samaritans"]["number"] == "116 123"
    assert (raw["shout"]["number"], raw["shout"]["keyword"], raw["shout"]["how"]) == (
        "85258",
        "SHOUT",
        "text",
    )
    assert (raw["nhs_111_mental_health"]["number"], raw["nhs_111_mental_health"]["option"]) == (
        "111",
        "2",
    )
    assert raw["national_domestic_abuse_helpline"]["number"] == "0808 2000 247"
    for entry in raw.values():
        assert entry["is_24hr"] is True and entry["free"] is True, entry["id"]


@pytest.mark.skipif(not HELPLINES_CSV.exists(), reason="shared helplines list not present")
@pytest.mark.parametrize(
    ("line_id", "service"),
    [
        ("samaritans", "Samaritans"),
        ("shout", "Shout (Mental Health Innovations)"),
        ("national_domestic_abuse_helpline", "National Domestic Abuse Helpline (Refuge)"),
    ],
)
def test_lines_from_the_shared_list_match_it(
    raw: dict[str, dict], line_id: str, service: str
) -> None:
    with HELPLINES_CSV.open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["service"] == service)
    entry = raw[line_id]
    assert entry["number"] in row["phone"] + " " + row["text_or_other_channels"]
    assert entry["source"] == row["source_url"]
    assert entry["verification_status"] == row["verification_status"]
    assert entry["source_date_note"] == row["source_date"]
    assert entry["last_verified"][:4] in row["source_date"]


def test_the_data_file_names_its_provenance() -> None:
    header = DEFAULT_PATH.read_text(encoding="utf-8").split("lines:")[0]
    assert "uk_helplines.csv" in header and "Provenance" in header


# --- the replies -----------------------------------------------------------------------------


def test_immediate_danger_reply(raw: dict[str, dict]) -> None:
    reply = crisis_reply(CrisisKind.IMMEDIATE_DANGER)
    n999, code = raw["emergency_999"]["number"], raw["emergency_999"]["silent_code"]
    samaritans = raw["samaritans"]["number"]
    assert f"call {n999}" in reply
    assert f"If you can't speak, call {n999} and press {code} when asked" in reply
    assert samaritans in reply
    assert reply.index(n999) < reply.index(samaritans), "999 comes first"
    assert raw["national_domestic_abuse_helpline"]["number"] in reply


def test_suicide_and_self_harm_reply(raw: dict[str, dict]) -> None:
    reply = crisis_reply(CrisisKind.SUICIDE_SELF_HARM)
    assert f"call {raw['samaritans']['number']} (free, any time)" in reply
    assert f"text {raw['shout']['keyword']} to {raw['shout']['number']}" in reply
    nhs = raw["nhs_111_mental_health"]
    assert f"call {nhs['number']} and choose option {nhs['option']}" in reply
    assert f"call {raw['emergency_999']['number']}" in reply
    assert "You did the right thing by telling me." in reply
    assert reply.index(raw["samaritans"]["number"]) < reply.index("You did the right thing")


def test_someone_else_reply(raw: dict[str, dict]) -> None:
    reply = crisis_reply(CrisisKind.SOMEONE_ELSE)
    assert f"If they are in danger right now, call {raw['emergency_999']['number']}" in reply
    assert raw["samaritans"]["number"] in reply
    assert "worried about someone" in reply


@pytest.mark.parametrize("kind", list(CrisisKind))
def test_every_reply_follows_safe_messaging(kind: CrisisKind) -> None:
    reply = crisis_reply(kind)
    lowered = reply.lower()
    assert reply.rstrip().endswith("I'm here when you're ready to carry on talking.")
    assert "commit" not in lowered  # never "commit suicide"
    for word in (
        "suicide",
        "overdose",
        "pills",
        "tablets",
        "hang",
        "jump",
        "knife",
        "rope",
        "cut",
        "method",
        "per cent",
        "%",
        "should",
        "depress",
        "!",
    ):
        assert word not in lowered, word
    assert set(reply) <= GSM7, set(reply) - GSM7
    assert len(reply.split("\n\n")) <= 3


def test_reply_accepts_the_kind_as_text() -> None:
    assert crisis_reply("suicide_self_harm") == crisis_reply(CrisisKind.SUICIDE_SELF_HARM)


def test_templates_hold_no_numbers() -> None:
    for template in [*TEMPLATES.values(), DOMESTIC_ABUSE_TEMPLATE]:
        words = re.sub(r"\{[^}]*\}", "", template)  # placeholders name entries
        assert not re.search(r"\d", words), template
        assert "{" in template


def test_a_changed_number_changes_every_reply(tmp_path: Path) -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace('"116 123"', '"116 999"')
    path = tmp_path / "crisis_lines.yml"
    path.write_text(text, encoding="utf-8")
    for kind in CrisisKind:
        reply = crisis_reply(kind, path=path)
        assert "116 999" in reply and "116 123" not in reply


def test_domestic_abuse_note(raw: dict[str, dict]) -> None:
    note = domestic_abuse_note()
    assert raw["national_domestic_abuse_helpline"]["number"] in note
    assert "call 999 and press 55 when asked" in note
    assert set(note) <= GSM7


# --- loading and checking the file -----------------------------------------------------------


def _write(tmp_path: Path, edit: str, new: str) -> Path:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert edit in text
    path = tmp_path / "lines.yml"
    path.write_text(text.replace(edit, new, 1), encoding="utf-8")
    return path


def test_a_line_without_last_verified_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'last_verified: "2024-11-04"', "")
    with pytest.raises(ValueError, match="last_verified"):
        crisis_lines(path)


def test_a_missing_required_line_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "id: shout", "id: shout_renamed")
    with pytest.raises(ValueError, match="shout"):
        crisis_lines(path)


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'last_verified: "2024-11-04"', 'last_verified: "4 Nov 2024"')
    with pytest.raises(ValueError, match="ISO"):
        crisis_lines(path)


def test_stale_lines() -> None:
    today = date(2025, 11, 26)
    ids = {line.id for line in stale_lines(365, today)}
    # Samaritans (2021-07-16) and the domestic abuse helpline ("2020") are over a year old;
    # Shout (2024-11-04) too by then; nothing is stale if any age is accepted.
    assert {"samaritans", "national_domestic_abuse_helpline", "shout"} <= ids
    assert stale_lines(100 * 365, today) == []
    # A year alone counts from its first day (cautious): "2020" is stale on 2021-01-02.
    assert "national_domestic_abuse_helpline" in {
        line.id for line in stale_lines(365, date(2021, 1, 2))
    }


def test_lines_are_read_once() -> None:
    assert crisis_lines() == crisis_lines()
    assert crisis_lines() is not crisis_lines()  # callers get their own list
