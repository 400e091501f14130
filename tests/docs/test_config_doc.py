"""docs/config.md documents every key of the schema, with the type and default the code has.

Keys are discovered from the code: the attrs fields of SystemSettings (recursively),
the component sections, and the settings class of every component MIA's own
distribution registers. A key added to the code and not to the page fails here, and
so does a documented key the code no longer has.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import yaml

from adapters.bootstrap.plugins import discover
from adapters.bootstrap.schema import COMPONENT_SECTIONS, TOP_LEVEL_KEYS, SystemSettings
from adapters.bootstrap.structure import describe_type
from mia_core.validation import range_of
from ports.components import ComponentKind, ComponentSpec

from .markdown import DOCS, Section, section, sections

CONFIG_MD = (DOCS / "config.md").read_text()
OUR_DISTRIBUTION = "mia-trading"


@attrs.frozen
class Key:
    path: str
    type: str
    default: str | None  # None: a nested mapping, whose keys are listed themselves
    range: str | None = None  # the allowed interval of a number, e.g. (0, 100]
    numeric: bool = False


def is_numeric(tp: Any) -> bool:
    args = typing.get_args(tp) or (tp,)
    return any(a in (int, float) for a in args)


def render_default(value: Any) -> str | None:
    """A default as config.md writes it: YAML in backticks, ``required`` when there is none."""
    if value is attrs.NOTHING:
        return "required"
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        value = value.factory()
    if attrs.has(type(value)):
        return None
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, bool | list | tuple) or value == "":
        return f"`{yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...').strip()}`"
    return f"`{value}`"


def keys_of(cls: type, prefix: str = "") -> Iterator[Key]:
    """Every settable key of attrs class ``cls``, nested classes' keys as dotted paths."""
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        if not field.init:
            continue
        name, tp = field.alias or field.name, hints[field.name]
        found = range_of(field.validator)
        yield Key(prefix + name, describe_type(tp), render_default(field.default), found.text if found else None,
                  is_numeric(tp))
        if isinstance(tp, type) and attrs.has(tp):
            yield from keys_of(tp, f"{prefix}{name}.")


def builtin_components() -> list[ComponentSpec]:
    host = discover()
    specs = [host.component(kind, name) for kind in ComponentKind for name in host.names(kind)]
    return [spec for spec, provider in specs if provider.distribution == OUR_DISTRIBUTION]


BUILTINS = builtin_components()


def component_section(spec: ComponentSpec) -> Section:
    found = [s for s in sections(CONFIG_MD) if s.level == 3 and s.heading.startswith(f"`{spec.name}` ")]
    assert len(found) == 1, f"docs/config.md needs one '### `{spec.name}` — {spec.kind.value} ...' section"
    assert spec.kind.value in found[0].heading
    return found[0]


def check_rows(rows: dict[str, list[str]], keys: list[Key], where: str) -> None:
    for key in keys:
        row = rows.get(f"`{key.path}`")
        assert row is not None, f"{where}: document `{key.path}` ({key.type}) in docs/config.md"
        assert len(row) == 4, f"{where}: the row of `{key.path}` needs key | type | default | meaning"
        _, documented_type, default, meaning = row
        assert documented_type == key.type, f"{where}: `{key.path}` is {key.type!r}, not {documented_type!r}"
        assert default == (key.default or ""), f"{where}: default of `{key.path}` is {key.default}, not {default}"
        assert meaning, f"{where}: say what `{key.path}` means"
        if key.range is not None:
            assert f"Range `{key.range}`" in meaning, f"{where}: say `{key.path}`'s range: Range `{key.range}`"
    documented = {name for name in rows if name.startswith("`")}
    assert documented <= {f"`{key.path}`" for key in keys}, f"{where}: documents keys the code does not have"


# Kinds of built-in components whose every number must have a Range (issue 22): all of them.
RANGED_KINDS = set(ComponentKind)


@pytest.mark.parametrize(
    "cls", [SystemSettings, *(s.config_class for s in BUILTINS if s.kind in RANGED_KINDS)], ids=lambda c: c.__name__
)
def test_every_number_of_the_system_settings_and_built_in_components_has_a_range(cls: type) -> None:
    missing = [key.path for key in keys_of(cls) if key.numeric and key.range is None]
    assert not missing, f"{cls.__name__}: give {missing} a mia_core.validation.Range (within(low, high))"


def test_the_schema_is_what_these_tests_walk() -> None:
    assert set(TOP_LEVEL_KEYS) == {f.alias or f.name for f in attrs.fields(SystemSettings)} | set(COMPONENT_SECTIONS)


def test_every_top_level_setting_is_documented_with_its_type_and_default() -> None:
    rows = section(CONFIG_MD, "Top-level settings").rows()
    check_rows(rows, list(keys_of(SystemSettings)), "Top-level settings")


def test_every_component_section_is_documented() -> None:
    rows = section(CONFIG_MD, "Component sections").rows()
    for name, (kind, is_list, required) in COMPONENT_SECTIONS.items():
        row = rows.get(f"`{name}`")
        assert row is not None, f"document the section `{name}` in docs/config.md"
        assert row[1] == (f"a list of {kind.value}" if is_list else f"one {kind.value}")
        assert row[2] == ("yes" if required else "no")
    for entry_key in ("`use`", "`as`"):
        assert entry_key in rows


@pytest.mark.parametrize("spec", BUILTINS, ids=lambda s: f"{s.kind.value}:{s.name}")
def test_every_built_in_component_setting_is_documented(spec: ComponentSpec) -> None:
    check_rows(component_section(spec).rows(), list(keys_of(spec.config_class)), f"`{spec.name}`")


def test_only_registered_built_ins_have_a_section() -> None:
    built_in = section(CONFIG_MD, "Built-in components")
    headings = [s.heading for s in sections("\n".join(built_in.lines)) if s.level == 3]
    names = {spec.name for spec in BUILTINS}
    assert {heading.split("`")[1] for heading in headings} == names


@attrs.frozen
class Inner:
    depth: int = 3


@attrs.frozen
class Outer:
    path: str
    inner: Inner = attrs.Factory(Inner)
    tags: list[str] = attrs.Factory(list)
    note: str | None = None
    level: ComponentKind = ComponentKind.STRATEGY
    flag: bool = False


def test_the_walk_finds_nested_and_required_keys() -> None:
    assert list(keys_of(Outer)) == [
        Key("path", "a string", "required"),
        Key("inner", "a mapping", None),
        Key("inner.depth", "an integer", "`3`", None, True),
        Key("tags", "list of a string", "`[]`"),
        Key("note", "a string or null", "`null`"),
        Key("level", describe_type(ComponentKind), "`strategy`"),
        Key("flag", "true/false", "`false`"),
    ]
