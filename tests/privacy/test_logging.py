"""Logs are masked and structured: in this process, and in a process set up the way Rasa's
command line sets up logging (our logging.yml, then coloredlogs on top)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from bot.config import REPO_ROOT
from bot.privacy.logging_setup import RedactingFilter, StructuredFormatter, redact_record

PERSONAL = "call 07700 900123 or jo@example.com, I'm at L9 1AD, telegram 123456789"


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad number 07700900123")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("test", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_the_filter_masks_message_arguments_and_traceback() -> None:
    record = _record("user said %s", PERSONAL, exc=True)
    # install=False: the record factory would mask other tests' log records too.
    assert RedactingFilter(install=False).filter(record)
    message = record.getMessage()
    for secret in ("07700", "jo@example.com", "1AD", "123456789"):
        assert secret not in message
    assert "L9 [postcode]" in message
    assert "07700900123" not in (record.exc_text or "")
    assert "ValueError" in (record.exc_text or "")


def test_a_bad_format_string_still_gives_a_masked_line() -> None:
    record = _record("%d items for 07700 900123", "not a number")
    redact_record(record)
    assert record.getMessage() == "%d items for [phone]"


def test_structured_lines_are_json() -> None:
    record = _record("for %s", "L9 1AD", exc=True)
    line = StructuredFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "test"
    assert entry["message"] == "for L9 [postcode]"
    assert "ValueError: bad number [phone]" in entry["exception"]


_AS_RASA_DOES = """
import logging, logging.config, sys
import coloredlogs, yaml
logging.config.dictConfig(yaml.safe_load(open(sys.argv[1])))
# What rasa's CLI does after reading --logging-config-file:
coloredlogs.install(level="INFO", fmt="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
logging.getLogger().setLevel(logging.WARNING)  # loading a model does this
logging.getLogger("components.safety_net").info("hello %s", "07700 900123")
logging.getLogger("rasa.core.processor").warning("text was %s", sys.argv[2])
logging.getLogger("some.library").error("no handlers of its own: jo@example.com")
try:
    raise RuntimeError("failed for L9 1AD")
except RuntimeError:
    logging.getLogger("bot.x").exception("chat %d", 1234567890)
"""


def test_logging_yml_in_a_process_set_up_like_rasa() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _AS_RASA_DOES, str(REPO_ROOT / "logging.yml"), PERSONAL],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is JSON, each written once
    assert [e["logger"] for e in entries] == [
        "components.safety_net",
        "rasa.core.processor",
        "some.library",
        "bot.x",
    ]
    everything = result.stderr
    for secret in ("07700", "900123", "jo@example.com", "1AD", "123456789", "1234567890"):
        assert secret not in everything
    assert "RuntimeError: failed for L9 [postcode]" in entries[-1]["exception"]


def test_plain_text_format_on_request() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _AS_RASA_DOES, str(REPO_ROOT / "logging.yml"), PERSONAL],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        env={**__import__("os").environ, "SIGNPOST_LOG_FORMAT": "text"},
    )
    assert result.returncode == 0, result.stderr
    assert "INFO     components.safety_net - hello [phone]" in result.stderr
    assert "07700" not in result.stderr
