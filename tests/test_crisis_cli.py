"""`signpost crisis-lines check` and `list` (bot/crisis_cli.py), on copies of the real file.

The copies keep every shipped entry and change only the dates under test, so the assistant's
own loader would accept them; the shipped file itself is checked without fixing its dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.crisis import DEFAULT_PATH, REQUIRED_IDS
from bot.crisis_cli import MAX_AGE_ENV, crisis_app, line_ages

runner = CliRunner()
TODAY = date(2026, 11, 26)


def _copy(tmp_path: Path, dates: dict[str, str | None]) -> Path:
    """The shipped crisis lines with some last_verified values replaced (None removes it)."""
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for line in data["lines"]:
        if line["id"] in dates:
            if dates[line["id"]] is None:
                del line["last_verified"]
            else:
                line["last_verified"] = dates[line["id"]]
    path = tmp_path / "crisis_lines.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _all_dated(tmp_path: Path, day: date, **overrides: str | None) -> Path:
    dates: dict[str, str | None] = {i: day.isoformat() for i in REQUIRED_IDS}
    dates.update(overrides)
    return _copy(tmp_path, dates)


def _check(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(crisis_app, ["check", "--path", str(path), *args], env=env)
    return result.exit_code, result.output


def test_check_passes_when_every_line_is_recent(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY - timedelta(days=30))
    code, output = _check(path, "--today", TODAY.isoformat())
    assert code == 0, output
    assert "All 5 crisis lines verified within 365 days" in output


def test_check_fails_and_names_only_the_stale_line(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY - timedelta(days=30), samaritans="2025-11-25")
    code, output = _check(path, "--today", TODAY.isoformat())
    assert code == 1
    assert "1 of 5 crisis lines need re-checking" in output
    assert "samaritans (Samaritans 116 123): last verified 2025-11-25, 366 days ago" in output
    assert "shout" not in output
    assert "https://www.samaritans.org" in output  # where to re-check it


def test_exactly_the_age_limit_is_still_in_date(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY - timedelta(days=365))
    assert _check(path, "--today", TODAY.isoformat())[0] == 0


def test_max_age_from_the_option_and_from_the_environment(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY - timedelta(days=40))
    assert _check(path, "--today", TODAY.isoformat(), "--max-age-days", "30")[0] == 1
    assert _check(path, "--today", TODAY.isoformat(), "--max-age-days", "50")[0] == 0
    assert _check(path, "--today", TODAY.isoformat(), env={MAX_AGE_ENV: "30"})[0] == 1
    assert _check(path, "--today", TODAY.isoformat(), env={MAX_AGE_ENV: "50"})[0] == 0


def test_missing_last_verified_fails_and_is_named(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY, shout=None)
    code, output = _check(path, "--today", TODAY.isoformat())
    assert code == 1
    assert "shout (Shout 85258): no last_verified date" in output
    # The assistant's own loader refuses the file too, and the check says so.
    assert "cannot load" in output and "last_verified" in output


@pytest.mark.parametrize("bad", ["last spring", "2026-13-01"])
def test_a_date_that_is_not_a_date_fails(tmp_path: Path, bad: str) -> None:
    code, output = _check(_all_dated(tmp_path, TODAY, samaritans=bad), "--today", "2026-11-26")
    assert code == 1
    assert "samaritans" in output and "not an ISO 8601 date" in output


def test_a_future_date_fails(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY, shout=(TODAY + timedelta(days=3)).isoformat())
    code, output = _check(path, "--today", TODAY.isoformat())
    assert code == 1 and "in the future" in output


def test_a_line_marked_not_verified_fails(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["lines"][1]["verification_status"] = "NOT verified (page unreachable)"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, output = _check(path, "--today", TODAY.isoformat())
    assert code == 1 and "NOT verified" in output


def test_year_only_dates_count_from_the_first_of_january(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY, national_domestic_abuse_helpline="2026")
    assert _check(path, "--today", "2026-12-31")[0] == 0
    assert _check(path, "--today", "2027-01-02")[0] == 1


def test_without_today_the_check_uses_the_real_date(tmp_path: Path) -> None:
    assert _check(_all_dated(tmp_path, date.today()))[0] == 0
    old = tmp_path / "old"
    old.mkdir()
    assert _check(_all_dated(old, date.today() - timedelta(days=400)))[0] == 1


def test_the_shipped_file_is_judged_on_its_real_dates() -> None:
    """No faked dates: the verdict on the shipped file follows its own last_verified values
    (on 2026-11-26 every entry was over a year old, so this check failed, as it should)."""
    ages = line_ages(DEFAULT_PATH)
    assert {line.id for line in ages} >= set(REQUIRED_IDS)
    assert all(line.verified_on is not None for line in ages)
    code, output = _check(DEFAULT_PATH)
    stale = [line.id for line in ages if line.problem(date.today(), 365)]
    assert code == (1 if stale else 0), output
    for line_id in stale:
        assert f"  {line_id} (" in output
    # On a day when everything was newly checked, the same file passes.
    newest = max(line.verified_on for line in ages if line.verified_on)
    oldest = min(line.verified_on for line in ages if line.verified_on)
    span = (newest - oldest).days
    assert _check(DEFAULT_PATH, "--today", newest.isoformat(), "--max-age-days", str(span))[0] == 0


def test_list_shows_every_line_with_its_dates(tmp_path: Path) -> None:
    path = _all_dated(tmp_path, TODAY - timedelta(days=10), samaritans="2020-01-01")
    result = runner.invoke(crisis_app, ["list", "--path", str(path), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    for number in ("999", "116 123", "85258", "111", "0808 2000 247"):
        assert number in result.output
    assert "2020-01-01" in result.output and "RE-CHECK" in result.output
    assert result.output.count("RE-CHECK") == 1
