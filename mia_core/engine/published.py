"""The features techniques publish: ``<instance name>.<output>``, and what a missing name says."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mia_core.errors import MiaError

if TYPE_CHECKING:
    from ports.technique import Technique


class FeatureMap(dict[str, float]):
    """The engine's latest technique outputs; a missing name is a KeyError that lists what is published.

    A plain dict for every lookup that succeeds; only a failed ``[]`` lookup costs more.
    """

    def __missing__(self, key: str) -> float:
        published = ", ".join(sorted(self)) or "nothing yet"
        raise KeyError(
            f"no feature {key!r} is published; published: {published} (a technique publishes "
            "'<instance name>.<output>', the instance name being its YAML 'as:' name, else its registered name)"
        )


#: A technique as the engine publishes it: the technique, its prefix ``"<instance name>."``, its place in the
#: list, its declared outputs as a set and in order, and the published name of each output in that order.
Publisher = tuple["Technique", str, int, frozenset[str], tuple[str, ...], tuple[str, ...]]


class DuplicateNameError(MiaError):
    """Two techniques of one engine would publish under one name."""


def publishing(techniques: Sequence[Technique], names: Sequence[str] | None) -> list[Publisher]:
    """Each technique with the prefix it publishes under, its place in the list and its declared outputs.

    ``names`` are the instance names (YAML ``as:``) in the techniques' order; without
    them each technique publishes under its own ``name``. Two techniques publishing
    under one name would overwrite each other's outputs: that is an error. The published
    names are worked out once: an ``update`` whose keys come in the declared order (the
    usual case) is published without building a name per value.
    """
    chosen = [t.name for t in techniques] if names is None else list(names)
    if len(chosen) != len(techniques):
        raise ValueError(f"{len(chosen)} technique names for {len(techniques)} techniques")
    seen: set[str] = set()
    for name in chosen:
        if name in seen:
            raise DuplicateNameError(
                f"two techniques publish under the name {name!r}; give each instance its own 'as:' name"
            )
        seen.add(name)
    found: list[Publisher] = []
    for i, (technique, name) in enumerate(zip(techniques, chosen, strict=True)):
        order = tuple(technique.outputs)
        found.append((technique, name + ".", i, frozenset(order), order, tuple(f"{name}.{key}" for key in order)))
    return found
