"""Copies Rasa makes per turn, made cheaply or not at all, with the same results.

1. **Slots.** Every new tracker (a reload, each `tracker.copy()`, every replay) copies all
   the domain's slots with `copy.copy`, which goes through `__reduce_ex__` and
   `copy._reconstruct` for each: 1.5 ms a turn here. Slots have no copy hooks of their own,
   so that copy is "a new instance of the class with the same attribute dict"; `__copy__`
   below does exactly that directly. It is only installed if no slot class defines a hook
   that would make the default copy do something else.
2. **Debug-log deep copies.** The processor, the rule and memoization policies and forms
   deep-copy events, states and slot values on every turn only to pass them to
   `structlogger.debug(...)`, which drops them unless debug logging is on: 1 ms a turn.
   In those modules `copy.deepcopy` now copies only when that module's debug logging is on.
   A test reads the modules' source and checks that every `copy.deepcopy` there is an
   argument of a `structlogger.debug` call, so this cannot hide a real copy.
"""

from __future__ import annotations

import copy
import logging
import types
from typing import Any

# The modules whose `copy.deepcopy` calls all feed debug log lines (checked by a test).
DEBUG_COPY_MODULES = (
    "rasa.core.processor",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
    "rasa.core.actions.forms",
)

_COPY_HOOKS = ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__")


def _slot_classes() -> list[type]:
    from rasa.shared.core.slots import Slot
    from rasa.shared.utils.common import all_subclasses

    return [Slot, *all_subclasses(Slot)]


def slots_copy_plainly() -> bool:
    """True when no slot class has its own copy hook (the default copy is then plain)."""
    return not any(hook in vars(cls) for cls in _slot_classes() for hook in _COPY_HOOKS)


def _copy_slot(self: Any) -> Any:
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new


def _debug_only_copy(module_name: str) -> types.SimpleNamespace:
    """A stand-in for the `copy` module in `module_name`: deepcopy only for debug logs."""
    logger = logging.getLogger(module_name)

    def deepcopy(value: Any, memo: Any = None) -> Any:
        if logger.isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value  # only ever passed to a debug log line that is dropped

    return types.SimpleNamespace(deepcopy=deepcopy, copy=copy.copy)


def install() -> None:
    import importlib

    from rasa.shared.core.slots import Slot

    if slots_copy_plainly():
        Slot.__copy__ = _copy_slot  # type: ignore[attr-defined]
    for name in DEBUG_COPY_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "copy", None) is copy:
            module.copy = _debug_only_copy(name)  # type: ignore[attr-defined]
