"""Strict structuring of YAML data into attrs classes, with errors that name the key path."""

from __future__ import annotations

import datetime as dt
import enum
import reprlib
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from mia_core.errors import DomainValueError


class StructureError(ValueError):
    """Data does not fit the schema: ``path`` is the dotted key path, ``message`` why."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4


def shown(value: Any, limit: int = 200) -> str:
    """``value`` for an error message: its repr, or a short description when that is longer than ``limit``.

    A value built from aliases may be enormous, and a long text is never cut (a cut
    text would slip past the redaction of environment values).
    """
    text = repr(value) if isinstance(value, str) else _SHORT.repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, str):
        return f"a text of {len(value):,} characters"
    return text[: limit - 3] + "..."


def describe_type(tp: Any) -> str:
    """A type as a reader of the YAML would say it."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = " or ".join(describe_type(a) for a in args)
        return f"{inner} or null" if len(args) < len(typing.get_args(tp)) else inner
    if origin in (list, tuple):
        return f"list of {describe_type(typing.get_args(tp)[0])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    if isinstance(tp, type) and attrs.has(tp):
        return "a mapping"
    names = {bool: "true/false", int: "an integer", float: "a number", str: "a string", dt.date: "a date (YYYY-MM-DD)"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def structure(tp: Any, value: Any, path: str) -> Any:
    """Convert ``value`` (parsed YAML) to ``tp``, raising StructureError at ``path``."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        return _union(tp, value, path)
    if origin is typing.Literal:
        if value in typing.get_args(tp):
            return value
        raise StructureError(path, f"got {shown(value)}; allowed: {describe_type(tp)}")
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise StructureError(path, f"expected {describe_type(tp)}, got {type(value).__name__}")
        (item,) = typing.get_args(tp)[:1]
        items = [structure(item, v, _join(path, i)) for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if isinstance(tp, type) and attrs.has(tp):
        return structure_attrs(tp, value, path)
    return _scalar(tp, value, path)


def _union(tp: Any, value: Any, path: str) -> Any:
    args = typing.get_args(tp)
    if value is None:
        if type(None) in args:
            return None
        raise StructureError(path, f"must not be empty; expected {describe_type(tp)}")
    for arg in (a for a in args if a is not type(None)):
        try:
            return structure(arg, value, path)
        except StructureError:
            continue
    raise StructureError(path, f"got {shown(value)}; expected {describe_type(tp)}")


def _scalar(tp: Any, value: Any, path: str) -> Any:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        for member in tp:
            if value == member.value or value == member.name:
                return member
        raise StructureError(path, f"got {shown(value)}; allowed: {describe_type(tp)}")
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif tp is str:
        if isinstance(value, str):
            return value
    elif tp is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
    else:
        raise StructureError(path, f"unsupported setting type {tp!r} in the schema")
    raise StructureError(path, f"got {shown(value)} ({type(value).__name__}); expected {describe_type(tp)}")


def structure_attrs(cls: type, value: Any, path: str) -> Any:
    """Build attrs class ``cls`` from a mapping; unknown keys and bad types are errors."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise StructureError(path or "(top level)", f"expected a mapping, got {type(value).__name__}")
    fields = {f.alias if f.alias else f.name: f for f in attrs.fields(cls) if f.init}
    unknown = [k for k in value if k not in fields]
    if unknown:
        allowed = ", ".join(fields) or "no settings"
        raise StructureError(_join(path, str(unknown[0])), f"unknown key; allowed: {allowed}")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, field in fields.items():
        if key in value:
            kwargs[field.name] = structure(hints[field.name], value[key], _join(path, key))
        elif field.default is attrs.NOTHING:
            raise StructureError(_join(path, key), f"required; expected {describe_type(hints[field.name])}")
    try:
        return cls(**kwargs)
    except DomainValueError as exc:
        raise StructureError(_join(path, exc.field), exc.reason) from exc
    except (ValueError, TypeError) as exc:
        raise StructureError(path or "(top level)", str(exc)) from exc


def unstructure(obj: Any) -> Any:
    """attrs instances, enums and dates back to plain YAML-able data."""
    if attrs.has(type(obj)):
        return {f.name: unstructure(getattr(obj, f.name)) for f in attrs.fields(type(obj))}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, list | tuple):
        return [unstructure(v) for v in obj]
    if isinstance(obj, Mapping):
        return {k: unstructure(v) for k, v in obj.items()}
    return obj
