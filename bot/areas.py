"""Service areas: which outward codes a named area (a service's `service_area`) covers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import REPO_ROOT


@dataclass(frozen=True)
class ServiceAreas:
    outcodes_by_area: dict[str, frozenset[str]]

    def covers(self, area: str | None, outcode: str) -> bool:
        """Whether a service for `area` serves someone in `outcode` (unknown areas: yes)."""
        if not area:
            return True
        outcodes = self.outcodes_by_area.get(area.strip().lower())
        return outcodes is None or outcode.upper() in outcodes


@lru_cache(maxsize=4)
def load_service_areas(path: Path = REPO_ROOT / "resources" / "geo" / "areas.yml") -> ServiceAreas:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return ServiceAreas(
        {
            str(name).strip().lower(): frozenset(str(code).upper() for code in codes)
            for name, codes in raw.items()
        }
    )
