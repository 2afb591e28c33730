"""All configuration, read from the environment in one place.

Every setting has an embedded default so the assistant runs on a fresh machine with no
accounts. Production deployments override them with environment variables (see README).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_float(name: str, default: float) -> float:
    return float(_env(name, str(default)))


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Build with :func:`get_settings`, never at import time."""

    environment: str
    resources_dir: Path
    var_dir: Path
    database_url: str
    search_radius_miles: float
    widen_radius_miles: float
    page_size: int
    slot_minutes: int
    min_notice_minutes: int
    horizon_days: int
    max_future_bookings: int

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def load_settings() -> Settings:
    """Read settings from the environment now (tests call this after changing it)."""
    var_dir = Path(_env("SIGNPOST_VAR_DIR", str(REPO_ROOT / "var")))
    return Settings(
        environment=_env("SIGNPOST_ENV", "local"),
        resources_dir=Path(_env("SIGNPOST_RESOURCES_DIR", str(REPO_ROOT / "resources"))),
        var_dir=var_dir,
        database_url=_env("SIGNPOST_DATABASE_URL", f"sqlite:///{var_dir / 'signpost.db'}"),
        search_radius_miles=_env_float("SIGNPOST_SEARCH_RADIUS_MILES", 3.0),
        widen_radius_miles=_env_float("SIGNPOST_WIDEN_RADIUS_MILES", 10.0),
        page_size=_env_int("SIGNPOST_PAGE_SIZE", 3),
        slot_minutes=_env_int("SIGNPOST_SLOT_MINUTES", 30),
        min_notice_minutes=_env_int("SIGNPOST_MIN_NOTICE_MINUTES", 120),
        horizon_days=_env_int("SIGNPOST_BOOKING_HORIZON_DAYS", 21),
        max_future_bookings=_env_int("SIGNPOST_MAX_FUTURE_BOOKINGS", 2),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return load_settings()
