"""Fast builders of attrs slotted objects from values already checked: no converters, no validators."""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")
_new = object.__new__


def builder(cls: type[T]) -> Callable[..., T]:
    """A function that builds ``cls`` from its fields' values, given in field order, without converters or checks.

    The instance is made as a plain slotted twin of ``cls`` (same slots, same layout),
    whose fields are set by ordinary attribute stores, and then given its class: about
    twice as fast as calling :func:`slot_setters`' descriptors, one call per field. For
    an attrs slotted class whose slots one class of its MRO declares (subclasses adding
    none, like the journal's one-key entries, qualify) and that has no ``__weakref__``
    slot (CPython 3.11 refuses the class change then); any other class gets a builder
    calling the slot setters, with the same result.
    """
    names = tuple(field.name for field in attrs.fields(cls))  # type: ignore[arg-type]  # an attrs class
    arguments = ", ".join(f"v{i}" for i in range(len(names)))
    twin = _twin(cls, names)
    if twin is not None:
        start = "    built = twin()\n"  # the twin has no __init__: calling it is a little faster than object.__new__
        body = "".join(f"    built.{name} = v{i}\n" for i, name in enumerate(names))
        body += "    built.__class__ = cls\n"
        scope: dict[str, Any] = {"twin": twin, "cls": cls}
    else:
        start = "    built = new(twin)\n"
        body = "".join(f"    s{i}(built, v{i})\n" for i in range(len(names)))
        scope = {"new": _new, "twin": cls, **{f"s{i}": setter for i, setter in enumerate(slot_setters(cls))}}
    exec(f"def build({arguments}):\n{start}{body}    return built\n", scope)  # made from field names
    built: Callable[..., T] = scope["build"]
    return built


def twin_of(cls: type) -> type | None:
    """The plain slotted class whose instances may take ``cls`` as their class (what :func:`builder` uses), or None."""
    return _twin(cls, tuple(field.name for field in attrs.fields(cls)))


def _twin(cls: type, names: tuple[str, ...]) -> type | None:
    """A plain class with ``cls``'s slots, whose instances may take ``cls`` as their class; ``None`` if none can."""
    plain = all(name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__") for name in names)
    if not names or not plain:
        return None
    slotted = [klass for klass in cls.__mro__[:-1] if klass.__dict__.get("__slots__", ())]
    if len(slotted) != 1 or any("__slots__" not in klass.__dict__ for klass in cls.__mro__[:-1]):
        return None  # a __dict__ somewhere, or slots from two classes: not one plain layout
    slots = tuple(slotted[0].__dict__["__slots__"])
    if not set(names) <= set(slots):
        return None
    twin = type(f"_{cls.__name__}Fields", (), {"__slots__": slots})
    trial: Any = _new(twin)
    try:
        trial.__class__ = cls
    except TypeError:  # the layouts differ after all
        return None
    return twin


def slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The ``__set__`` of each of an attrs slotted class's fields, in field order.

    A frozen class refuses ``setattr``; its slot descriptors set a field directly, and
    calling them is about twice as fast as ``object.__setattr__(obj, name, value)``,
    which looks the name up on every call.
    """
    return tuple(getattr(cls, field.name).__set__ for field in attrs.fields(cls))
