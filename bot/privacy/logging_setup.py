"""Logs without personal data: every log record is masked when it is made, and written as one
JSON object per line (or plain text with SIGNPOST_LOG_FORMAT=text).

Masking happens in a log record factory, so it covers every logger and every handler in the
process, including handlers other libraries add later (Rasa installs coloredlogs after reading
the logging config file). `RedactingFilter` installs the factory when the logging config is
loaded, and also masks on its handler as a second line of defence.

Both servers load this through `logging.yml` (`--logging-config-file logging.yml`); the
command-line tools call `configure()`.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import traceback
from datetime import datetime, timezone

from bot.privacy.redaction import redact_log_text

_installed = False
_install_lock = threading.Lock()


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the record's message (arguments merged in), exception and stack text, in place."""
    if getattr(record, "_signpost_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string must not lose the line, nor leak its arguments
        message = str(record.msg)
    record.msg = redact_log_text(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact_log_text(text)
    if record.stack_info:
        record.stack_info = redact_log_text(record.stack_info)
    record._signpost_redacted = True  # type: ignore[attr-defined]
    return record


def install_record_factory() -> None:
    """Mask every log record made in this process from now on (safe to call repeatedly)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            return redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True


class RedactingFilter(logging.Filter):
    """Masks personal data in each record; creating one installs the record factory too."""

    def __init__(self, name: str = "", install: bool = True) -> None:
        super().__init__(name)
        if install:
            install_record_factory()

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


class DropAll(logging.Filter):
    """Drops every record (for the placeholder handler in logging.yml: see the comment there)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


class StructuredFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and exception if any.

    SIGNPOST_LOG_FORMAT=text gives the usual one-line text format instead.
    """

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)-8s %(name)s - %(message)s", datefmt)
        self.json = os.environ.get("SIGNPOST_LOG_FORMAT", "json").strip().lower() != "text"

    def format(self, record: logging.LogRecord) -> str:
        redact_record(record)
        if not self.json:
            return super().format(record)
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.Handler):
    """Writes to the current sys.stderr.

    Deliberately not a StreamHandler: coloredlogs, which Rasa installs after reading the logging
    config, replaces any StreamHandler on stderr, and this handler must stay.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stderr
            stream.write(line + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def configure(level: int | str = logging.INFO) -> None:
    """For command-line tools: masked, structured logs on stderr."""
    install_record_factory()
    handler = StderrHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(StructuredFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
