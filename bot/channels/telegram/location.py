"""A shared Telegram location, turned into the only detail the assistant keeps: the outward
code of the nearest postcode area ("L9"). The coordinates go no further than this.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.geography import Gazetteer

# Further than this from every UK postcode area is not in the UK (the sea off the coast
# and the far islands are all well inside it).
FAR_MILES = 25.0


@dataclass(frozen=True)
class SharedLocation:
    """The outward code, or why there is none ("far" or "unreadable")."""

    outcode: str | None
    problem: str | None = None


def outcode_from_coordinates(
    gazetteer: Gazetteer, latitude: float | None, longitude: float | None
) -> SharedLocation:
    if latitude is None or longitude is None:
        return SharedLocation(None, "unreadable")
    try:
        outcode, miles = gazetteer.nearest_outcode(latitude, longitude)
        place = gazetteer.place_from_coordinates(latitude, longitude)
    except (ValueError, TypeError):
        return SharedLocation(None, "unreadable")
    if miles > FAR_MILES:
        return SharedLocation(None, "far")
    return SharedLocation(place.outcode or outcode)
