"""What a plugin's registration hooks return, checked: a list of ComponentSpecs of the hook's kind."""

from __future__ import annotations

import reprlib
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ports.components import ComponentKind, ComponentSpec

CONTRACT = "it must return a list of ComponentSpec ([] to register nothing)"


class HookError(Exception):
    """A registration hook raised or returned something other than ComponentSpecs of its kind."""


def describe(exc: BaseException) -> str:
    """``Type: message (at file:line)`` of the innermost frame of ``exc``."""
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {last[0].filename}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _what(result: object) -> str:
    if result is None:
        return "None"
    if isinstance(result, ComponentSpec):
        return f"a single ComponentSpec ({result.name!r}); wrap it in a list: [spec]"
    return f"a {type(result).__name__} ({reprlib.repr(result)})"


def _is_spec_list(result: object) -> bool:
    bare = (str, bytes, Mapping, ComponentSpec)
    return isinstance(result, Iterable) and not isinstance(result, bare)


def call_hook(
    hook_name: str, kind: ComponentKind, function: Callable[[], Any], entry_point: str
) -> list[ComponentSpec]:
    """Call one hook implementation and return its specs; :class:`HookError` names the hook and what went wrong.

    ``sys.exit()`` or any other ``BaseException`` in the hook is reported like an
    exception; only ``KeyboardInterrupt`` propagates, so Ctrl-C still stops MIA.
    """
    try:
        result = function()
        if not _is_spec_list(result):
            raise HookError(f"{hook_name} returned {_what(result)} (entry point {entry_point}); {CONTRACT}")
        specs = list(result)
    except (KeyboardInterrupt, HookError):
        raise
    except BaseException as exc:  # a plugin's sys.exit() must not end MIA
        raise HookError(f"{hook_name} raised {describe(exc)}") from exc
    for spec in specs:
        if not isinstance(spec, ComponentSpec):
            raise HookError(
                f"{hook_name} returned {spec!r}, not a ComponentSpec (entry point {entry_point}); {CONTRACT}"
            )
        if spec.kind is not kind:
            raise HookError(
                f"{hook_name} returned {spec.name!r} of kind {spec.kind.value}; register it with "
                f"the hook of its kind"
            )
    return specs


def check_unique(specs: Iterable[ComponentSpec]) -> None:
    """Refuse one plugin registering a kind and name twice."""
    seen: set[tuple[ComponentKind, str]] = set()
    for spec in specs:
        key = (spec.kind, spec.name)
        if key in seen:
            raise HookError(f"{spec.kind.value} {spec.name!r} is registered twice by this plugin")
        seen.add(key)
