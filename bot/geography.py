"""Offline UK geography: where is the person?

The assistant asks "Whereabouts are you? A postcode like L9 1AA, or just the first part (L9),
or the name of your area is fine." :meth:`Gazetteer.resolve` turns the answer into a
:class:`Place`, or says what was wrong with it (a :class:`LocationResult` problem code) so the
conversation can ask again kindly. :meth:`Gazetteer.find_in_text` spots a location mentioned in
passing ("need a food bank in Bootle").

Privacy: a :class:`Place` keeps only the outward code ("L9") and that outcode's centroid, even
when the person typed a full postcode or shared their exact location. Full postcodes are only
checked, never stored or echoed in labels.

Data (``resources/geo``; sources and licences in ``ATTRIBUTION.md``):

* Code-Point Open 2014 outcode centroids (Great Britain): the primary, most accurate centroids.
* GeoNames outcodes: centroids for outcodes Code-Point lacks (Northern Ireland BT, Isle of Man,
  Channel Islands), and place names for the rest of the UK.
* ONSPD Feb 2025 live postcodes: tells whether a full postcode exists. Loaded lazily on first
  use into one sorted, fixed-width bytes blob (about 12.6 MB) searched by bisection; never a
  Python set of 1.8 million strings.
* ``places.yml``: a hand-checked gazetteer of area and town names in the region (Liverpool,
  Sefton, Knowsley, Wirral, St Helens, West Lancashire and Halton edges).

Decisions worth knowing:

* A full postcode must match the format *and* exist in the live list. Its :class:`Place` has
  precision ``"postcode"`` but the outcode's centroid. If it does not exist the problem is
  ``"unknown_postcode"`` and ``candidates`` holds its outcode when that is known, so the
  assistant can offer "shall I use L9?". Only a postcode that fails the *format* is tried
  again with the usual look-alike mistakes (O/0, I/1, L/1, S/5, Z/2, B/8) and accepted if
  exactly one variant exists ("L2O 3AB" -> "L20 3AB", "PRB 1AA" -> "PR8 1AA").
* "Known" outcodes are those in either centroid file plus the seven live outcodes that are
  in neither (:data:`MISSING_CENTROID_OUTCODES`). Those seven get an *estimated* centroid:
  the centroid of the outcode in the same postcode area with the nearest district number
  (E22 -> E20); :meth:`Gazetteer.centroid_is_estimated` says so. Obsolete outcodes still
  listed by GeoNames (EC1, W1, SW1 ...) stay accepted: people still say them.
* A place name that covers several outcodes resolves to its first, most central one
  ("Kirkby" -> L32, label "Kirkby (L32)"). A name shared by two different places in the
  region ("Orrell", "Eccleston"), or a name too big to search from ("Liverpool", "Sefton",
  "Wirral"), gives problem ``"ambiguous"`` with ``candidates`` to offer; each candidate
  resolves when sent back.
* Region names win over the rest of the UK. Other UK names (GeoNames) are used only for a
  whole answer ("Manchester") or, in free text, straight after "in"/"near" with a capital;
  a name spread over several distant places ("Newport") is ambiguous.
* :meth:`Gazetteer.place_from_coordinates` skips non-geographic outcodes (PO boxes and
  large users such as L69 or CH25-CH34), whose "centroid" is a sorting office.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import itertools
import logging
import math
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_GEO_DIR = Path(__file__).resolve().parent.parent / "resources" / "geo"
CODEPOINT_FILE = "uk_outcodes_codepointopen2014_ogl.csv"
GEONAMES_FILE = "uk_outcodes_geonames.csv"
POSTCODES_FILE = "uk_postcodes_onspd_2025-02.txt.gz"
PLACES_FILE = "places.yml"

PROBLEMS = (
    "empty",
    "not_a_location",
    "bad_postcode_format",
    "unknown_postcode",
    "unknown_outcode",
    "unknown_place",
    "ambiguous",
)
PRECISIONS = ("postcode", "outcode", "place")

_OUTWARD = r"[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRVWXY]?)"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
#: The format check that matched all 1.8M live postcodes (after :func:`normalise_postcode`).
POSTCODE_RE = re.compile(rf"^(?:GIR 0AA|{_OUTWARD} {_INWARD})$")
OUTCODE_RE = re.compile(rf"^(?:GIR|{_OUTWARD})$")
# Something typed as a full postcode, maybe with mistakes, inside upper-cased text.
_ATTEMPT_RE = re.compile(r"(?<![A-Z0-9])([A-Z][A-Z0-9]{1,3}) ?([0-9OILSZB][A-Z0-9]{2})(?![A-Z0-9])")

#: Live outcodes (ONSPD Feb 2025) that are in neither centroid file.
MISSING_CENTROID_OUTCODES = frozenset({"E22", "EH77", "EN77", "IM99", "PO24", "S94", "SR43"})

#: Outcodes with no area of their own (PO boxes, large users, Royal Mail), skipped when
#: finding the outcode nearest to a point. The region's are listed in full (L67-L80,
#: CH25-CH34, CH70/88/99, WA55, WA88, PR0, PR11); elsewhere the well-known ones and the
#: Code-Point outcodes with no live postcode. GeoNames rows named "Non-geographic" and
#: district numbers 90-99 (except the real B90-B94, BT92-BT94, M90) are skipped as well.
NON_GEOGRAPHIC_OUTCODES = frozenset(
    {
        "L67",
        "L68",
        "L69",
        "L70",
        "L71",
        "L72",
        "L73",
        "L74",
        "L75",
        "L80",
        "CH25",
        "CH26",
        "CH27",
        "CH28",
        "CH29",
        "CH30",
        "CH31",
        "CH32",
        "CH33",
        "CH34",
        "CH70",
        "CH88",
        "CH99",
        "WA55",
        "WA88",
        "PR0",
        "PR11",
        "BS0",
        "BS80",
        "BT58",
        "E77",
        "E98",
        "EC50",
        "FY0",
        "GU95",
        "JE4",
        "LE55",
        "M60",
        "M61",
        "N81",
        "NE82",
        "NE83",
        "NG70",
        "OL95",
        "SR9",
        "BN91",
        "BN95",
        "SO25",
        "DN55",
        "CA95",
        *MISSING_CENTROID_OUTCODES,
    }
)
_GEOGRAPHIC_9X = frozenset({"B90", "B91", "B92", "B93", "B94", "BT92", "BT93", "BT94", "M90"})

#: Answers are cut to this many characters before they are read.
MAX_INPUT_CHARS = 2000
EARTH_RADIUS_MILES = 3958.7613  # mean Earth radius, 6371.0088 km

# Words that, just before a name, show it is meant as a place ("in Ford", "near the Dingle").
_CUES = frozenset(
    {
        "in",
        "near",
        "nr",
        "at",
        "around",
        "round",
        "from",
        "outside",
        "by",
        "off",
        "live",
        "living",
        "lives",
        "based",
        "nearby",
    }
)
_TWO_WORD_CUES = frozenset({("close", "to"), ("next", "to"), ("near", "to")})
# Words just after a name that make it part of something else ("Walton Road", "Everton FC").
_NOT_A_PLACE_AFTER = frozenset(
    {
        "road",
        "rd",
        "street",
        "lane",
        "ln",
        "avenue",
        "ave",
        "drive",
        "dr",
        "way",
        "crescent",
        "terrace",
        "grove",
        "boulevard",
        "fc",
        "football",
        "fans",
        "supporter",
        "supporters",
    }
)
# Words taken off the start and end of an answer before looking it up as a whole
# ("I'm in Bootle please" -> "bootle"). Never removed from the middle ("Newton le Willows").
_FILLERS = frozenset(
    {
        "i",
        "im",
        "am",
        "me",
        "we",
        "were",
        "us",
        "our",
        "my",
        "its",
        "it",
        "is",
        "in",
        "near",
        "nr",
        "at",
        "around",
        "round",
        "from",
        "by",
        "close",
        "next",
        "to",
        "the",
        "live",
        "living",
        "lives",
        "based",
        "stay",
        "staying",
        "currently",
        "now",
        "just",
        "outside",
        "area",
        "part",
        "of",
        "postcode",
        "post",
        "code",
        "off",
        "on",
        "over",
        "side",
        "erm",
        "um",
        "uh",
        "er",
        "hi",
        "hello",
        "hey",
        "yes",
        "yeah",
        "yep",
        "ok",
        "okay",
        "so",
        "well",
        "please",
        "pls",
        "plz",
        "thanks",
        "thank",
        "you",
        "ta",
        "cheers",
        "mate",
        "love",
        "x",
        "xx",
        "xxx",
        "uk",
        "england",
        "a",
        "an",
        "bit",
        "little",
        "way",
        "nearby",
    }
)
# Look-alike characters for the typo pass: for places that need a digit, and a letter.
_AS_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5", "Z": "2", "B": "8"}
_AS_LETTER = {"0": "O", "1": "I", "5": "S", "2": "Z", "8": "B"}
_UK_CLUSTER_MILES = 12.0  # outcodes of one name closer than this are one place
_NEARBY_MILES = 40.0  # a UK name with one place this near the region means that one


# --------------------------------------------------------------------------------------
# Public values


@dataclass(frozen=True)
class Place:
    """Where the person is, as far as the conversation needs to know."""

    outcode: str  # "L9" - the ONLY location detail kept in conversations
    label: str  # how to refer back to it: "L9", "Bootle (L20)"
    latitude: float  # the outcode's centroid (never the person's own point)
    longitude: float
    precision: str  # "postcode" | "outcode" | "place"


@dataclass(frozen=True)
class LocationResult:
    """A place, or the reason there is none.

    ``problem`` is None when ``place`` is set; otherwise one of :data:`PROBLEMS`.
    ``candidates`` lists names to offer for ``"ambiguous"``; for ``"unknown_postcode"`` and
    ``"bad_postcode_format"`` it holds the typed outcode when that outcode is real.
    """

    place: Place | None
    problem: str | None  # None if ok, else one of PROBLEMS
    candidates: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.place is not None and self.problem is None


# --------------------------------------------------------------------------------------
# Postcode helpers


def normalise_postcode(text: str) -> str | None:
    """Upper-case a postcode with one space before the last three characters.

    "l91aa" -> "L9 1AA", " l9  1aa " -> "L9 1AA", "gir0aa" -> "GIR 0AA". Returns None when the
    text is not in the postcode format (existence is :meth:`Gazetteer.postcode_exists`).
    """
    if not isinstance(text, str):
        return None
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if not 5 <= len(compact) <= 7:
        return None
    candidate = f"{compact[:-3]} {compact[-3:]}"
    return candidate if POSTCODE_RE.match(candidate) else None


def outward_code(postcode: str) -> str:
    """The outward code of a postcode: "L9 1AA" -> "L9" (any spacing or case).

    Raises ValueError if the text is not in the postcode format.
    """
    normal = normalise_postcode(postcode)
    if normal is None:
        raise ValueError(f"not a postcode: {postcode!r}")
    return normal.split(" ", 1)[0]


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle ("as the crow flies") distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def _split_outcode(outcode: str) -> tuple[str, int, str]:
    """ "SW1A" -> ("SW", 1, "A"); used to find neighbours by district number."""
    match = re.match(r"^([A-Z]+)(\d+)([A-Z]?)$", outcode)
    if not match:
        return outcode, -1, ""
    return match.group(1), int(match.group(2)), match.group(3)


def _is_non_geographic(outcode: str) -> bool:
    if outcode in NON_GEOGRAPHIC_OUTCODES:
        return True
    _area, number, _suffix = _split_outcode(outcode)
    return number >= 90 and outcode not in _GEOGRAPHIC_9X


# --------------------------------------------------------------------------------------
# The live postcode list: one sorted fixed-width blob, searched by bisection

_RECORD = 7  # outward code left-justified to 4 + inward code: "L9  1AA", "AB101AB"


def _record_key(postcode: str) -> bytes:
    outward, inward = postcode.split(" ", 1)
    return (outward.ljust(4) + inward).encode("ascii")


class _Records:
    """The blob seen as a sequence of 7-byte records (for :mod:`bisect`)."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._count = len(blob) // _RECORD

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> bytes:
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        start = index * _RECORD
        return self._blob[start : start + _RECORD]


def _read_postcode_text(path: Path) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    data = data.upper()
    if b"\r" in data:
        data = data.replace(b"\r", b"")
    if not data.endswith(b"\n"):
        data += b"\n"
    first_end = data.index(b"\n")
    if b" " not in data[:first_end]:  # a header such as "postcode"
        data = data[first_end + 1 :]
    return data


def _group_end(data: bytes, pos: int, prefix: bytes) -> int:
    """End offset of the run of lines starting at `pos` that begin with `prefix`."""
    size = len(data)

    def line_start(offset: int) -> int:
        return data.rfind(b"\n", 0, offset) + 1

    last = pos  # start of a line known to be in the group
    upper = size  # start of a line known to be after it (or the end)
    step = 64
    while True:  # gallop forward
        probe = last + step
        if probe >= size:
            break
        start = line_start(probe)
        if start <= last:
            step *= 2
        elif data.startswith(prefix, start):
            last, step = start, step * 2
        else:
            upper = start
            break
    while True:  # then bisect between `last` and `upper`
        nxt = data.index(b"\n", last) + 1
        if nxt >= upper:
            break
        middle = max(line_start((nxt + upper) // 2), nxt)
        if data.startswith(prefix, middle):
            last = middle
        else:
            upper = middle
    return data.index(b"\n", last) + 1


def _blob_fast(data: bytes) -> bytes | None:
    """Build the blob without a Python object per postcode.

    The ONSPD list is grouped by outcode (in "natural" order: AL9 before AL10) and sorted
    within each group. Each group is found by galloping search; the ~3,000 groups are sorted
    by their padded outcode, then each is rewritten to fixed width with bytes.replace, checked
    with slices and copied into one preallocated buffer (so the heap is not fragmented).
    Returns None if the data is not shaped like that (the caller falls back to a full sort).
    """
    size = len(data)
    groups: list[tuple[bytes, int, int]] = []
    seen: set[bytes] = set()
    pos = 0
    while pos < size:
        space = data.find(b" ", pos, pos + 5)
        if space < 0:
            return None
        outward = data[pos:space]
        if not 2 <= len(outward) <= 4 or outward in seen:
            return None
        seen.add(outward)
        end = _group_end(data, pos, outward + b" ")
        groups.append((outward.ljust(4), pos, end))
        pos = end
    groups.sort()
    buffer = bytearray(data.count(b"\n") * _RECORD)
    offset = 0
    for key, start, end in groups:
        chunk = data[start:end].replace(b"\n", b"")
        if key.endswith(b"  "):
            chunk = chunk.replace(b" ", b"  ", chunk.count(b" "))
        elif not key.endswith(b" "):
            chunk = chunk.replace(b" ", b"")
        count, rest = divmod(len(chunk), _RECORD)
        if rest or any(chunk[i::_RECORD] != key[i : i + 1] * count for i in range(4)):
            return None
        buffer[offset : offset + len(chunk)] = chunk
        offset += len(chunk)
    if offset != len(buffer):
        return None
    blob = bytes(buffer)
    del buffer
    records = _Records(blob)
    count = len(records)
    stride = max(1, count // 20000)
    for i in range(0, count - 1, stride):  # a sampled order check; the tests check it all
        if records[i] >= records[i + 1]:
            return None
    return blob


def _blob_slow(data: bytes) -> bytes:
    keys = set()
    for line in data.decode("ascii", "replace").splitlines():
        normal = normalise_postcode(line)
        if normal:
            keys.add(_record_key(normal))
    return b"".join(sorted(keys))


def build_postcode_blob(path: Path) -> bytes:
    """Decompress the live list into a sorted blob of 7-byte records."""
    data = _read_postcode_text(path)
    blob = _blob_fast(data)
    if blob is None:
        logger.warning("postcode list %s is not grouped as expected; sorting it in full", path)
        blob = _blob_slow(data)
    del data
    _return_free_memory()
    return blob


def _return_free_memory() -> None:
    """Give the ~30 MB of build buffers back to the OS (glibc keeps freed memory otherwise)."""
    try:
        import ctypes
        import ctypes.util

        libc_name = ctypes.util.find_library("c")
        if libc_name and hasattr(ctypes.CDLL(libc_name), "malloc_trim"):
            ctypes.CDLL(libc_name).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


class _PostcodeIndex:
    """The live postcode list, built on first use (thread-safe), then read without locks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._records: _Records | None = None
        self.build_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._records is not None

    def records(self) -> _Records:
        records = self._records
        if records is None:
            with self._lock:
                if self._records is None:
                    started = time.perf_counter()
                    self._records = _Records(build_postcode_blob(self.path))
                    self.build_seconds = time.perf_counter() - started
                    logger.info(
                        "loaded %d live postcodes in %.2fs", len(self._records), self.build_seconds
                    )
                records = self._records
        return records

    def __contains__(self, postcode: object) -> bool:
        if not isinstance(postcode, str):
            return False
        key = _record_key(postcode)
        records = self.records()
        index = bisect.bisect_left(records, key)
        return index < len(records) and records[index] == key


# --------------------------------------------------------------------------------------
# Words


@dataclass(frozen=True)
class _Token:
    text: str  # as typed (apostrophes removed)
    key: str  # lower-case, "saint" -> "st"


_APOSTROPHES = str.maketrans({"'": None, "’": None, "‘": None, "`": None, "´": None})
_WORD_RE = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[_Token]:
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    tokens = []
    for word in _WORD_RE.findall(text):
        key = word.casefold()
        tokens.append(_Token(word, "st" if key == "saint" else key))
    return tokens


def _key(text: str) -> str:
    """How names are compared: "St. Michael's Hamlet" -> "st michaels hamlet"."""
    return " ".join(token.key for token in _tokens(text))


def _strip_fillers(tokens: list[_Token]) -> list[_Token]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].key in _FILLERS:
        start += 1
    while end > start and tokens[end - 1].key in _FILLERS:
        end -= 1
    return tokens[start:end]


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts 1), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# --------------------------------------------------------------------------------------
# The gazetteer


@dataclass(frozen=True)
class _Entry:
    name: str
    outcodes: tuple[str, ...]
    borough: str
    qualifier: str | None = None
    needs_cue: bool = False

    @property
    def display(self) -> str:
        return f"{self.name}, {self.qualifier}" if self.qualifier else self.name


@dataclass(frozen=True)
class _Area:
    name: str
    choose_from: tuple[str, ...]


@dataclass(frozen=True)
class _Match:
    kind: str  # "outcode" | "names" | "area"
    start: int
    end: int
    outcode: str = ""
    entries: tuple[_Entry, ...] = ()
    area: _Area | None = None
    cued: bool = False
    weak: bool = False  # followed by "Road", "FC" ...
    capitals: bool = False  # an outcode written in capitals, as in "L9"
    region: bool = False


class Gazetteer:
    """Outcode centroids, region place names and the live postcode list."""

    def __init__(
        self,
        centroids: dict[str, tuple[float, float]],
        estimated: set[str],
        known: set[str],
        entries: list[_Entry],
        aliases: list[tuple[str, _Entry]],
        areas: list[_Area],
        uk_names: dict[str, tuple[str, tuple[str, ...]]],
        uk_county: dict[str, str],
        not_place_words: set[str],
        postcode_index: _PostcodeIndex,
        non_geographic: set[str],
        codepoint: set[str],
    ) -> None:
        self._centroids = centroids
        self._estimated = frozenset(estimated)
        self._known = frozenset(known)
        self._uk_names = uk_names
        self._uk_county = uk_county
        self._uk_cache: dict[str, LocationResult | None] = {}
        self._not_place = frozenset(not_place_words)
        self._postcodes = postcode_index
        self._names: dict[str, tuple[_Entry, ...]] = {}
        self._areas: dict[str, _Area] = {}
        self._entries = tuple(entries)
        named = [(entry.name, entry) for entry in entries]
        named += [(entry.display, entry) for entry in entries if entry.qualifier]
        for name, entry in [*named, *aliases]:
            key = _key(name)
            if entry not in self._names.get(key, ()):
                self._names[key] = (*self._names.get(key, ()), entry)
        for area in areas:
            self._areas[_key(area.name)] = area
        self._max_words = max(len(key.split()) for key in [*self._names, *self._areas])
        self._region_outcodes = frozenset(
            {oc for entry in entries for oc in entry.outcodes}
            | {oc for oc in known if _split_outcode(oc)[0] == "L"}
        )
        reps = [centroids[entry.outcodes[0]] for entry in entries] or [(53.41, -2.98)]
        self._region_centre = (
            sum(lat for lat, _ in reps) / len(reps),
            sum(lon for _, lon in reps) / len(reps),
        )
        # Nearest-outcode search: Code-Point outcodes, plus GeoNames ones only for the areas
        # Code-Point lacks (BT, GY, IM, JE) - GeoNames' other extras are mostly obsolete.
        codepoint_areas = {_split_outcode(oc)[0] for oc in codepoint}
        self._nearest_pool = tuple(
            (oc, lat, lon)
            for oc, (lat, lon) in sorted(centroids.items())
            if (oc in codepoint or _split_outcode(oc)[0] not in codepoint_areas)
            and oc not in estimated
            and oc not in non_geographic
            and not _is_non_geographic(oc)
        )

    # ---------------------------------------------------------------- loading

    @classmethod
    def load(cls, geo_dir: Path | None = None) -> Gazetteer:
        """Read centroids and places now; the postcode list waits for its first use."""
        geo_dir = Path(geo_dir) if geo_dir is not None else DEFAULT_GEO_DIR
        centroids: dict[str, tuple[float, float]] = {}
        with (geo_dir / CODEPOINT_FILE).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                centroids[row["outcode"].strip().upper()] = (
                    float(row["latitude"]),
                    float(row["longitude"]),
                )
        codepoint = set(centroids)
        uk_lists: dict[str, list[str]] = {}
        uk_display: dict[str, str] = {}
        uk_county: dict[str, str] = {}
        non_geographic: set[str] = set()
        with (geo_dir / GEONAMES_FILE).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                outcode = row["outcode"].strip().upper()
                centroids.setdefault(outcode, (float(row["latitude"]), float(row["longitude"])))
                uk_county[outcode] = (
                    row.get("county") or row.get("district") or row.get("country") or ""
                ).strip()
                for name in (row.get("place_names") or "").split(";"):
                    name = name.strip()
                    if not name:
                        continue
                    if name.casefold() == "non-geographic":
                        non_geographic.add(outcode)
                        continue
                    key = _key(name)
                    uk_display.setdefault(key, name)
                    uk_lists.setdefault(key, [])
                    if outcode not in uk_lists[key]:
                        uk_lists[key].append(outcode)
        known = set(centroids) | set(MISSING_CENTROID_OUTCODES)
        estimated = set()
        for outcode in sorted(known - set(centroids)):
            guess = _nearest_district(outcode, centroids)
            if guess:
                centroids[outcode] = centroids[guess]
                estimated.add(outcode)
        entries, aliases, areas, not_place_words = _read_places(geo_dir / PLACES_FILE)
        for entry in entries:
            missing = [oc for oc in entry.outcodes if oc not in centroids]
            if missing:
                raise ValueError(f"{PLACES_FILE}: {entry.display}: no centroid for {missing}")
        uk_names = {key: (uk_display[key], tuple(outcodes)) for key, outcodes in uk_lists.items()}
        return cls(
            centroids,
            estimated,
            known,
            entries,
            aliases,
            areas,
            uk_names,
            uk_county,
            not_place_words,
            _PostcodeIndex(geo_dir / POSTCODES_FILE),
            non_geographic,
            codepoint,
        )

    def warm_up(self) -> float:
        """Build the postcode index now (e.g. in a background thread at start-up).

        Returns the seconds the build took (0.0 if it was already built).
        """
        if self._postcodes.loaded:
            return 0.0
        self._postcodes.records()
        return self._postcodes.build_seconds or 0.0

    # ---------------------------------------------------------------- small look-ups

    def centroid(self, outcode: str) -> tuple[float, float] | None:
        """(latitude, longitude) of an outcode's centre, or None if unknown."""
        if not isinstance(outcode, str):
            return None
        return self._centroids.get("".join(outcode.split()).upper())

    def centroid_is_estimated(self, outcode: str) -> bool:
        """True for the live outcodes missing from both centroid files (borrowed centroid)."""
        return "".join(outcode.split()).upper() in self._estimated

    def is_known_outcode(self, outcode: str) -> bool:
        return isinstance(outcode, str) and "".join(outcode.split()).upper() in self._known

    def postcode_exists(self, postcode: str) -> bool:
        """True if the postcode (any spacing or case) is in the live ONSPD list."""
        normal = normalise_postcode(postcode)
        return normal is not None and normal in self._postcodes

    def outcodes_for(self, name: str) -> tuple[str, ...]:
        """Every outcode a region place name covers (first = representative), else ()."""
        entries = self._names.get(_key(name), ())
        return tuple(dict.fromkeys(oc for entry in entries for oc in entry.outcodes))

    def place_names(self) -> tuple[str, ...]:
        """The region's place names, as offered to people (for NLU lookup tables)."""
        return tuple(
            sorted(
                {entry.name for entry in self._entries}
                | {area.name for area in self._areas.values()}
            )
        )

    def nearest_outcode(self, latitude: float, longitude: float) -> tuple[str, float]:
        """The geographic outcode whose centroid is nearest, and its distance in miles."""
        if not (
            isinstance(latitude, (int, float))
            and isinstance(longitude, (int, float))
            and math.isfinite(latitude)
            and math.isfinite(longitude)
            and -90 <= latitude <= 90
            and -180 <= longitude <= 180
        ):
            raise ValueError(f"not a latitude/longitude: {latitude!r}, {longitude!r}")
        scale = math.cos(math.radians(latitude)) ** 2
        best = min(
            self._nearest_pool,
            key=lambda row: (row[1] - latitude) ** 2 + scale * (row[2] - longitude) ** 2,
        )
        return best[0], haversine_miles(latitude, longitude, best[1], best[2])

    def place_from_coordinates(self, latitude: float, longitude: float) -> Place:
        """The outcode nearest a point (e.g. a Telegram shared location).

        The Place carries the outcode's centroid, not the point itself. Raises ValueError
        for impossible coordinates. Far from the UK it is still the nearest UK outcode:
        check :meth:`nearest_outcode`'s distance if that matters.
        """
        outcode, _miles = self.nearest_outcode(latitude, longitude)
        return self._outcode_place(outcode, "outcode")

    # ---------------------------------------------------------------- answers

    def resolve(self, text: str) -> LocationResult:
        """Read the answer to "Whereabouts are you?". Never raises on any text."""
        if not isinstance(text, str):
            return LocationResult(None, "empty")
        text = unicodedata.normalize("NFKC", text)[:MAX_INPUT_CHARS]
        tokens = _tokens(text)
        if not tokens:
            return LocationResult(None, "empty")
        core = _strip_fillers(tokens)

        postcode = self._postcodes_in(text)
        if postcode is not None:
            return postcode

        matches = self._scan(tokens)
        core_span = self._span_of(tokens, core)
        usable = [
            m
            for m in matches
            if not (
                m.kind == "names"
                and any(e.needs_cue for e in m.entries)
                and not m.cued
                and (m.start, m.end) != core_span
            )
        ]
        best = _choose(usable)
        if best is not None:
            return self._result_for(best)

        core_key = " ".join(token.key for token in core)
        if core and not (len(core) == 1 and core_key in self._not_place):
            found = self._uk_lookup(core_key) or self._fuzzy(core_key)
            if found is not None:
                return found
        if 0 < len(core) <= 5:
            for size in range(min(4, len(core)), 0, -1):
                for start in range(len(core) - size + 1):
                    words = core[start : start + size]
                    if all(word.key in self._not_place for word in words):
                        continue
                    if start + size < len(core) and core[start + size].key in _NOT_A_PLACE_AFTER:
                        continue
                    found = self._uk_lookup(" ".join(word.key for word in words))
                    if found is not None:
                        return found
        return self._classify(core)

    def locate_in_text(self, text: str) -> LocationResult:
        """A location mentioned inside a longer message, as a result.

        Precise rather than eager: everyday-word names ("Ford", "Banks") need "in"/"near"
        before them; outcodes outside the region need a cue ("near M1"); names followed by
        "Road" or "FC" are ignored. Problem ``"not_a_location"`` when nothing is mentioned;
        ``"ambiguous"`` for "Liverpool", "Sefton", "Orrell"; ``"unknown_postcode"`` /
        ``"bad_postcode_format"`` when a postcode typed in the message does not check out.
        """
        if not isinstance(text, str):
            return LocationResult(None, "empty")
        text = unicodedata.normalize("NFKC", text)[:MAX_INPUT_CHARS]
        tokens = _tokens(text)
        if not tokens:
            return LocationResult(None, "empty")
        postcode = self._postcodes_in(text)
        if postcode is not None:  # found, or typed but not right: don't guess past it
            return postcode
        usable = []
        for match in self._scan(tokens):
            if match.kind == "outcode":
                if match.cued or (match.region and match.capitals):
                    usable.append(match)
            elif match.weak:
                continue
            elif match.kind == "names" and any(e.needs_cue for e in match.entries):
                if match.cued:
                    usable.append(match)
            else:
                usable.append(match)
        best = _choose(usable)
        if best is not None:
            return self._result_for(best)
        for index, token in enumerate(tokens):
            if not (token.text[:1].isupper() and _cued(tokens, index)):
                continue
            for size in range(min(4, len(tokens) - index), 0, -1):
                words = tokens[index : index + size]
                after = index + size
                if after < len(tokens) and tokens[after].key in _NOT_A_PLACE_AFTER:
                    continue
                if all(word.key in self._not_place for word in words):
                    continue
                found = self._uk_lookup(" ".join(word.key for word in words))
                if found is not None:
                    return found
        return LocationResult(None, "not_a_location")

    def find_in_text(self, text: str) -> Place | None:
        """The place mentioned in a longer message, or None (see :meth:`locate_in_text`)."""
        return self.locate_in_text(text).place

    # ---------------------------------------------------------------- internals

    def _outcode_place(self, outcode: str, precision: str, label: str | None = None) -> Place:
        latitude, longitude = self._centroids[outcode]
        return Place(
            outcode=outcode,
            label=label or outcode,
            latitude=latitude,
            longitude=longitude,
            precision=precision,
        )

    def _entry_place(self, entry: _Entry) -> Place:
        outcode = entry.outcodes[0]
        return self._outcode_place(outcode, "place", f"{entry.display} ({outcode})")

    def _result_for(self, match: _Match) -> LocationResult:
        if match.kind == "outcode":
            return LocationResult(self._outcode_place(match.outcode, "outcode"), None)
        if match.kind == "area" and match.area is not None:
            return LocationResult(None, "ambiguous", match.area.choose_from)
        return self._entries_result(match.entries)

    def _entries_result(self, entries: Sequence[_Entry]) -> LocationResult:
        if len(entries) == 1:
            return LocationResult(self._entry_place(entries[0]), None)
        return LocationResult(None, "ambiguous", tuple(e.display for e in entries))

    def _postcodes_in(self, text: str) -> LocationResult | None:
        """A full postcode typed in the text: found, or the problem with it, or None.

        Problems: "unknown_postcode" (right format, not live), "bad_postcode_format" (wrong
        format but a real outcode, as in "L9 1AO": offer L9), "ambiguous" (a mistyped
        postcode that could be more than one live one). Other look-alikes ("Room 101") are
        ignored.
        """
        upper = " ".join(text.upper().split())
        problem: LocationResult | None = None
        for match in _ATTEMPT_RE.finditer(upper):
            outward, inward = match.group(1), match.group(2)
            if not any(char.isdigit() for char in outward + inward):
                continue
            normal = normalise_postcode(outward + inward)
            if normal is not None:
                if normal in self._postcodes:
                    return LocationResult(self._outcode_place(normal.split()[0], "postcode"), None)
                if problem is None:
                    outcode = normal.split()[0]
                    hint = (outcode,) if outcode in self._known else ()
                    problem = LocationResult(None, "unknown_postcode", hint)
                continue
            fixed = self._corrected(outward + inward)
            if len(fixed) == 1:
                return LocationResult(self._outcode_place(fixed[0].split()[0], "postcode"), None)
            if len(fixed) > 1 and problem is None:
                problem = LocationResult(None, "ambiguous", tuple(fixed))
            elif problem is None and outward in self._known:
                problem = LocationResult(None, "bad_postcode_format", (outward,))
        return problem

    def _corrected(self, compact: str) -> list[str]:
        """Existing postcodes one look-alike typo pass away from a mis-typed one."""
        if not 5 <= len(compact) <= 7:
            return []
        choices = []
        for position, char in enumerate(compact):
            options = {char}
            from_end = len(compact) - position
            if from_end == 3:  # the inward digit
                options.add(_AS_DIGIT.get(char, char))
            elif from_end < 3:  # the inward letters
                options.add(_AS_LETTER.get(char, char))
            else:
                options.add(_AS_DIGIT.get(char, char))
                options.add(_AS_LETTER.get(char, char))
            choices.append(sorted(options))
        found = []
        for combo in itertools.islice(itertools.product(*choices), 512):
            normal = normalise_postcode("".join(combo))
            if normal and normal not in found and normal in self._postcodes:
                found.append(normal)
        return sorted(found)

    def _scan(self, tokens: list[_Token]) -> list[_Match]:
        """Every outcode and region name in the text, longest names first."""
        matches: list[_Match] = []
        count = len(tokens)
        index = 0
        while index < count:
            token = tokens[index]
            if token.key == "liverpool" and index + 1 < count and tokens[index + 1].key.isdigit():
                outcode = f"L{int(tokens[index + 1].key[:3])}"
                if outcode in self._known:
                    matches.append(
                        self._match(
                            tokens,
                            "outcode",
                            index,
                            index + 2,
                            outcode=outcode,
                            capitals=True,
                            region=True,
                        )
                    )
                    index += 2
                    continue
            for size in range(min(self._max_words, count - index), 0, -1):
                key = " ".join(t.key for t in tokens[index : index + size])
                if key in self._areas:
                    matches.append(
                        self._match(tokens, "area", index, index + size, area=self._areas[key])
                    )
                    break
                if key in self._names:
                    matches.append(
                        self._match(tokens, "names", index, index + size, entries=self._names[key])
                    )
                    break
            else:
                upper = token.key.upper()
                if OUTCODE_RE.match(upper) and upper in self._known:
                    matches.append(
                        self._match(
                            tokens,
                            "outcode",
                            index,
                            index + 1,
                            outcode=upper,
                            capitals=token.text == token.text.upper(),
                            region=upper in self._region_outcodes,
                        )
                    )
                index += 1
                continue
            index = matches[-1].end
        return matches

    @staticmethod
    def _match(tokens: list[_Token], kind: str, start: int, end: int, **fields: Any) -> _Match:
        weak = end < len(tokens) and tokens[end].key in _NOT_A_PLACE_AFTER
        return _Match(
            kind=kind, start=start, end=end, cued=_cued(tokens, start), weak=weak, **fields
        )

    @staticmethod
    def _span_of(tokens: list[_Token], core: list[_Token]) -> tuple[int, int]:
        if not core:
            return (-1, -1)
        start = next(i for i, token in enumerate(tokens) if token is core[0])
        return (start, start + len(core))

    def _uk_lookup(self, key: str) -> LocationResult | None:
        """A GeoNames place name anywhere in the UK (after the region names failed)."""
        if not key or key in self._not_place or len(key) < 3 or key not in self._uk_names:
            return None
        if key not in self._uk_cache:
            self._uk_cache[key] = self._uk_result(key)
        return self._uk_cache[key]

    def _uk_result(self, key: str) -> LocationResult | None:
        display, outcodes = self._uk_names[key]
        usable = [oc for oc in outcodes if oc in self._centroids]
        geographic = [oc for oc in usable if not _is_non_geographic(oc)] or usable
        if not geographic:
            return None
        clusters = _clusters(geographic, self._centroids)
        clusters.sort(
            key=lambda cluster: (
                -len(cluster),
                self._miles_from_region(cluster),
                _outcode_order(cluster[0]),
            )
        )
        nearby = [c for c in clusters if self._miles_from_region(c) <= _NEARBY_MILES]
        main = clusters[0]
        if len(nearby) == 1:  # "Preston", "Warrington": the one near us, not the hamlets
            main = nearby[0]
        if (
            len(clusters) == 1
            or len(nearby) == 1
            or (len(main) >= 3 and len(main) >= 0.75 * len(geographic))
        ):
            outcode = _central(main, self._centroids)
            return LocationResult(
                self._outcode_place(outcode, "place", f"{display} ({outcode})"), None
            )
        candidates = []
        for cluster in clusters[:5]:
            outcode = _central(cluster, self._centroids)
            county = self._uk_county.get(outcode, "")
            where = f"{display}, {county}" if county and _key(county) != key else display
            candidates.append(f"{where} ({outcode})")
        return LocationResult(None, "ambiguous", tuple(candidates))

    def _miles_from_region(self, outcodes: Sequence[str]) -> float:
        lat, lon = self._region_centre
        return min(haversine_miles(lat, lon, *self._centroids[oc]) for oc in outcodes)

    def _fuzzy(self, key: str) -> LocationResult | None:
        """A region name with a small typo ("Southprt", "Maghul", "Birkenhed")."""
        squashed = key.replace(" ", "")
        if len(squashed) < 5 or not squashed.isalpha():
            return None
        limit = 1 if len(squashed) < 8 else 2
        best = limit + 1
        hits: list[str] = []
        for name in itertools.chain(self._names, self._areas):
            distance = _edit_distance(squashed, name.replace(" ", ""), limit)
            if distance < best:
                best, hits = distance, [name]
            elif distance == best and distance <= limit:
                hits.append(name)
        if best > limit:
            return None
        areas = [self._areas[name] for name in hits if name in self._areas]
        entries = tuple(dict.fromkeys(e for name in hits for e in self._names.get(name, ())))
        if areas and not entries and len(areas) == 1:
            return LocationResult(None, "ambiguous", areas[0].choose_from)
        if entries and not areas:
            return self._entries_result(entries)
        names = [area.name for area in areas] + [entry.display for entry in entries]
        return LocationResult(None, "ambiguous", tuple(dict.fromkeys(names)))

    def _classify(self, core: list[_Token]) -> LocationResult:
        """Why an answer gave no place: what to say next depends on it."""
        if not core:
            return LocationResult(None, "not_a_location")
        with_digits = [t for t in core if any(char.isdigit() for char in t.key)]
        if with_digits and len(core) <= 3 and all(len(t.key) <= 8 for t in core):
            if len(core) == 1 and OUTCODE_RE.match(core[0].key.upper()):
                return LocationResult(None, "unknown_outcode")
            return LocationResult(None, "bad_postcode_format")
        if (
            len(core) <= 3
            and all(t.key.isalpha() and len(t.key) <= 30 for t in core)
            and not any(t.key in self._not_place for t in core)
        ):
            return LocationResult(None, "unknown_place")
        return LocationResult(None, "not_a_location")


# --------------------------------------------------------------------------------------
# Module helpers


def _cued(tokens: list[_Token], index: int) -> bool:
    before = index - 1
    if before >= 0 and tokens[before].key == "the":
        before -= 1
    if before < 0:
        return False
    if tokens[before].key in _CUES:
        return True
    return before >= 1 and (tokens[before - 1].key, tokens[before].key) in _TWO_WORD_CUES


def _choose(matches: Iterable[_Match]) -> _Match | None:
    """Outcodes first, then one-place names, then ambiguous ones; cued, strong, earliest."""

    def rank(match: _Match) -> tuple[int, bool, bool, int]:
        if match.kind == "outcode":
            group = 0
        elif match.kind == "names" and len(match.entries) == 1:
            group = 1
        else:
            group = 2
        return (group, match.weak, not match.cued, match.start)

    ordered = sorted(matches, key=rank)
    return ordered[0] if ordered else None


def _outcode_order(outcode: str) -> tuple[str, int, str]:
    return _split_outcode(outcode)


def _nearest_district(outcode: str, centroids: dict[str, tuple[float, float]]) -> str | None:
    """The listed outcode of the same postcode area with the nearest district number."""
    area, number, _suffix = _split_outcode(outcode)
    same_area = [oc for oc in centroids if _split_outcode(oc)[0] == area]
    if not same_area:
        return None
    return min(same_area, key=lambda oc: (abs(_split_outcode(oc)[1] - number), _outcode_order(oc)))


def _clusters(
    outcodes: Sequence[str], centroids: dict[str, tuple[float, float]]
) -> list[list[str]]:
    """Group outcodes whose centroids chain together within _UK_CLUSTER_MILES."""
    parent = list(range(len(outcodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(outcodes)), 2):
        a, b = centroids[outcodes[i]], centroids[outcodes[j]]
        if haversine_miles(a[0], a[1], b[0], b[1]) <= _UK_CLUSTER_MILES:
            parent[root(i)] = root(j)
    groups: dict[int, list[str]] = {}
    for i, outcode in enumerate(outcodes):
        groups.setdefault(root(i), []).append(outcode)
    return [sorted(group, key=_outcode_order) for group in groups.values()]


def _central(outcodes: Sequence[str], centroids: dict[str, tuple[float, float]]) -> str:
    """A group's representative: the lowest-numbered outcode within 2 miles of the group's
    middle (usually the town centre: M1, LS1), else the outcode nearest the middle."""
    lat = sum(centroids[oc][0] for oc in outcodes) / len(outcodes)
    lon = sum(centroids[oc][1] for oc in outcodes) / len(outcodes)
    miles = {oc: haversine_miles(lat, lon, *centroids[oc]) for oc in outcodes}
    close = [oc for oc in outcodes if miles[oc] <= 2.0]
    if close:
        return min(close, key=_outcode_order)
    return min(outcodes, key=lambda oc: (miles[oc], _outcode_order(oc)))


def _read_places(
    path: Path,
) -> tuple[list[_Entry], list[tuple[str, _Entry]], list[_Area], set[str]]:
    """places.yml -> (places, (alias, place) pairs, areas, not-a-place words)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=loader) or {}
    entries: list[_Entry] = []
    aliases: list[tuple[str, _Entry]] = []
    for item in document.get("places") or []:
        outcodes = tuple(str(oc).strip().upper() for oc in item.get("outcodes") or ())
        if not outcodes:
            raise ValueError(f"{path.name}: {item.get('name')!r} has no outcodes")
        qualifier = item.get("qualifier")
        entry = _Entry(
            name=str(item["name"]).strip(),
            outcodes=outcodes,
            borough=str(item.get("borough", "")),
            qualifier=str(qualifier).strip() if qualifier else None,
            needs_cue=bool(item.get("needs_cue", False)),
        )
        entries.append(entry)
        aliases.extend((str(alias).strip(), entry) for alias in item.get("aliases") or [])
    areas = []
    for item in document.get("areas") or []:
        choices = tuple(str(choice).strip() for choice in item["choose_from"])
        for name in [item["name"], *(item.get("aliases") or [])]:
            areas.append(_Area(name=str(name).strip(), choose_from=choices))
    words = {_key(word) for word in str(document.get("not_place_words") or "").split()}
    return entries, aliases, areas, words
