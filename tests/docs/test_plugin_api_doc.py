"""docs/plugin_api.md runs as written and names every public field of the objects it documents.

The page's ``python`` blocks are executed in order in one namespace (the example
package of docs/examples importable), so an example that no longer matches the code
fails here; its ``yaml`` blocks are planned by test_yaml_examples.py. For each object,
every public field, property and method found in the code must be written in
backticks in the object's section, so a field added to ``Bar`` or ``Signal`` fails until
it is documented.
"""

from __future__ import annotations
import __future__

import enum
import inspect
import sys
from collections.abc import Iterator

import attrs
import pytest

from adapters.bootstrap.standalone import StandaloneBuildContext
from mia_core.calc.session_calendar import SessionCalendar
from mia_core.calc.technique_base import Feature
from mia_core.instruments import Instrument
from mia_core.market import Bar
from mia_core.orders import Position
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from ports.components import BuildContext
from ports.context import StrategyContext
from ports.technique import Technique, VectorisedTechnique
from ports.tick_strategy import TickStrategy

from .markdown import DOCS, fenced_blocks, section

API_MD = (DOCS / "plugin_api.md").read_text()
EXAMPLE_PLUGIN = DOCS / "examples" / "mia-example-strategy"

# section heading -> the objects whose public members that section must name
SECTIONS: dict[str, tuple[type, ...]] = {
    "`Instrument`": (Instrument,),
    "`Bar`": (Bar,),
    "`BarSeries`": (BarSeries,),
    "`Direction` and `Signal`": (Direction, Signal),
    "`Position`": (Position,),
    "The strategy context": (StrategyContext,),
    "Techniques: the two forms": (Technique, VectorisedTechnique, Feature),
    "`BuildContext` and `StandaloneBuildContext`": (BuildContext, StandaloneBuildContext, SessionCalendar),
    "Tick strategies: `on_tick`": (TickStrategy,),
}
# the methods a Feature subclass implements are part of its contract though underscored
EXTRA = {Feature: ("_reset", "_step", "_columns")}


def public_names(cls: type) -> list[str]:
    """Fields, enum members, properties, methods and constructor parameters a plugin can use."""
    names: list[str] = []
    if issubclass(cls, enum.Enum):
        names += [member.name for member in cls]
    if attrs.has(cls):
        names += [field.alias or field.name for field in attrs.fields(cls) if field.init]
    names += list(inspect.get_annotations(cls))
    for klass in reversed(cls.__mro__[:-1]):
        if klass.__module__.startswith(("typing", "enum", "builtins")) or klass in (int,):
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and (callable(value) or isinstance(value, property | classmethod)):
                names.append(name)
    if "__init__" in vars(cls) and not attrs.has(cls) and not getattr(cls, "_is_protocol", False):
        names += [p for p in inspect.signature(cls.__init__).parameters if p != "self"]  # type: ignore[misc]
    names = [name for name in names if not name.startswith("_")] + list(EXTRA.get(cls, ()))
    return list(dict.fromkeys(names))


@pytest.mark.parametrize("heading", sorted(SECTIONS))
def test_every_public_field_is_named_in_its_section(heading: str) -> None:
    text = "\n".join(section(API_MD, f"{heading}").lines)
    for cls in SECTIONS[heading]:
        names = public_names(cls)
        assert names, f"{cls.__name__} has no public members?"
        missing = [name for name in names if f"`{name}" not in text and f" {name}(" not in text]
        assert missing == [], f"docs/plugin_api.md, section {heading}: name {cls.__name__}'s {missing}"


def test_the_walk_finds_fields_members_and_parameters() -> None:
    assert public_names(Position) == ["instrument", "quantity", "average_price", "is_flat"]
    assert public_names(Direction) == ["SHORT", "FLAT", "LONG"]
    assert "locate" in public_names(SessionCalendar) and "_lists" not in public_names(SessionCalendar)
    assert {"instrument", "mode", "clock", "sessions", "shared"} <= set(public_names(StandaloneBuildContext))


@pytest.fixture
def example_importable() -> Iterator[None]:
    sys.path.insert(0, str(EXAMPLE_PLUGIN))
    try:
        yield
    finally:
        sys.path.remove(str(EXAMPLE_PLUGIN))
        for name in [n for n in sys.modules if n.startswith("mia_example_strategy")]:
            del sys.modules[name]


def test_every_python_block_runs_in_order(example_importable: None) -> None:
    blocks = [b for b in fenced_blocks(API_MD) if b.lang == "python"]
    assert len(blocks) >= 8
    namespace: dict[str, object] = {"__name__": "plugin_api_doc"}
    flags = __future__.annotations.compiler_flag  # signature-only blocks name types they do not import
    for block in blocks:
        code = compile(block.text, f"docs/plugin_api.md:{block.line}", "exec", flags=flags, dont_inherit=True)
        try:
            exec(code, namespace)
        except Exception as exc:
            pytest.fail(f"docs/plugin_api.md, the python block at line {block.line}: {type(exc).__name__}: {exc}")


def test_the_failure_section_points_at_the_guide_s_tables() -> None:
    failing = "\n".join(section(API_MD, "When a plugin fails").lines)
    guide = (DOCS / "plugins.md").read_text()
    for anchor, heading in (("when-a-component-fails-during-a-run", "## When a component fails during a run"),
                            ("when-a-plugin-is-broken", "## When a plugin is broken")):
        assert f"(plugins.md#{anchor})" in failing and heading in guide


def test_the_page_is_linked_from_the_plugin_guide_and_the_readme() -> None:
    assert "(plugin_api.md)" in (DOCS / "plugins.md").read_text()
    assert "(docs/plugin_api.md)" in (DOCS.parent / "README.md").read_text()
