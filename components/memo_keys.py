"""The memoization policy's lookup keys compressed once per distinct key, not per prediction.

MemoizationPolicy turns the last few dialogue states into a JSON string and, to match the
keys it stored at training, zlib-compresses and base64-encodes it on every prediction: 4% of
the Rasa server's time under the benchmark load. Conversations pass through the same few
hundred states again and again, so the encoded key of each string is kept (a bounded cache);
the string itself is still built from the states every time, by Rasa.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=4096)
def _encoded(feature_str: str) -> str:
    import base64
    import zlib

    from rasa.shared.utils.io import DEFAULT_ENCODING

    compressed = zlib.compress(bytes(feature_str, DEFAULT_ENCODING))
    return base64.b64encode(compressed).decode(DEFAULT_ENCODING)


def feature_key(policy: Any, states: list[dict[str, Any]]) -> str | None:
    """MemoizationPolicy._create_feature_key, with the compression cached."""
    import json

    if not states:
        return None
    feature_str = json.dumps(states, sort_keys=True).replace('"', "")
    if policy.config["enable_feature_string_compression"]:
        return _encoded(feature_str)
    return feature_str


def install(check: bool = False) -> None:
    from rasa.core.policies.memoization import MemoizationPolicy

    original = MemoizationPolicy._create_feature_key
    if getattr(original, "_signpost_cached", False):
        return

    def patched(self: Any, states: list[dict[str, Any]]) -> str | None:
        key = feature_key(self, states)
        if check and key != original(self, states):
            raise AssertionError("memoization key differs from Rasa's")
        return key

    patched._signpost_cached = True  # type: ignore[attr-defined]
    MemoizationPolicy._create_feature_key = patched  # type: ignore[method-assign]
