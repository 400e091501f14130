"""Read a system YAML safely: size and alias limits, duplicate keys, ``${NAME:default}`` in scalars after parsing."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.redaction import EnvValue, Redactor

MAX_BYTES = 1_000_000
"""A system file may hold at most this many bytes."""
MAX_ALIASES = 100
"""At most this many ``*alias`` references in one file."""
MAX_VALUES = 100_000
"""At most this many values (mappings, lists and scalars) once aliases are expanded."""
MAX_DEPTH = 100
"""At most this many levels of nesting."""

MARKER = re.compile(r"\${(?P<name>[^}^{:]+)(?P<separator>:?)(?P<default>.*?)}")
_TYPED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
_STR = "tag:yaml.org,2002:str"
_KINDS = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
}


@attrs.frozen
class YamlDocument:
    """A parsed system file: its data, the line of each key path, and the settings taken from the environment."""

    source: str
    data: dict[str, Any]
    lines: dict[str, int]
    redactor: Redactor

    def explain(self, error: ConfigError) -> ConfigError:
        """``error`` with the line of its key path and no value taken from the environment."""
        line = error.line or _line_of(self.lines, error.path)
        return ConfigError(error.source, error.path, self.redactor.redact(error.message, error.path), line)


def _line_of(lines: dict[str, int], path: str) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


class _Markers:
    """``${NAME:default}`` markers swapped for YAML-neutral tokens before parsing, resolved per scalar after."""

    def __init__(self, text: str) -> None:
        nonce = secrets.token_hex(6)
        while nonce in text:  # pragma: no cover - a 48-bit collision
            nonce = secrets.token_hex(6)
        self.found: dict[str, re.Match[str]] = {}

        def swap(match: re.Match[str]) -> str:
            token = f"MIAENV{nonce}X{len(self.found)}X"
            self.found[token] = match
            return token

        self.text = MARKER.sub(swap, text)
        self.pattern = re.compile(f"MIAENV{nonce}X[0-9]+X")

    def restore(self, text: str) -> str:
        """``text`` (an error message quoting the file) with the markers as written."""
        return self.pattern.sub(lambda m: self.found[m.group()].group(), text)


def read_document(path: str | Path) -> YamlDocument:
    """Parse ``path``; every refusal is a ConfigError naming the file, the key path and the line."""
    source = str(path)
    if not Path(path).is_file():
        raise ConfigError(source, "(file)", "no such file")
    raw = Path(path).read_bytes()
    if len(raw) > MAX_BYTES:
        raise ConfigError(source, "(file)", f"{len(raw):,} bytes; a system file may hold at most {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            source, "(file)", f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column}; save it as UTF-8", line
        ) from exc
    markers = _Markers(text)
    loader = yaml.SafeLoader(markers.text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise ConfigError(source, "(syntax)", markers.restore(str(exc)).replace("\n", " ")) from exc
    except RecursionError as exc:
        raise ConfigError(source, "(syntax)", f"nested too deeply; at most {MAX_DEPTH} levels") from exc
    finally:
        loader.dispose()
    if node is None:
        raise ConfigError(source, "(top level)", "the file is empty; expected a mapping of settings")
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise ConfigError(source, "(top level)", f"expected a mapping of settings, got {kind}", _line(node))
    walk = _Walk(source, markers)
    walk.check(node, "", 0)
    data = _construct(source, node, walk)
    return YamlDocument(source, data, walk.lines, Redactor(tuple(walk.env)))


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _key_text(key: Node) -> str:
    return str(key.value) if isinstance(key, ScalarNode) else "?"


class _Walk:
    """One pass over the node tree: limits, duplicate keys, environment values, the line of each key path."""

    def __init__(self, source: str, markers: _Markers) -> None:
        self.source = source
        self.markers = markers
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()
        self.aliases = 0
        self.lines: dict[str, int] = {}
        self.env: list[EnvValue] = []
        self.paths: dict[int, str] = {}

    def fail(self, path: str, message: str, node: Node) -> ConfigError:
        return ConfigError(self.source, path or "(top level)", message, _line(node))

    def check(self, node: Node, path: str, depth: int) -> int:
        """The number of values under ``node`` (aliases expanded); raises at the first refusal."""
        key = id(node)
        if key in self.open:
            raise self.fail(path, "an alias refers to the mapping or list that contains it", node)
        if key in self.sizes:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self.fail(path, f"more than {MAX_ALIASES} aliases (*name); write the values out", node)
            return self.sizes[key]
        if depth > MAX_DEPTH:
            raise self.fail(path, f"nested too deeply; at most {MAX_DEPTH} levels", node)
        self.open.add(key)
        self.paths.setdefault(key, path)
        size = 1 + sum(self.check(child, child_path, depth + 1) for child, child_path in self._children(node, path))
        self.open.discard(key)
        if isinstance(node, ScalarNode) and self.markers.pattern.search(node.value):
            self._interpolate(node, path)
        self.sizes[key] = size
        if size > MAX_VALUES:
            raise self.fail(path, f"more than {MAX_VALUES:,} values once aliases are expanded (an alias bomb?)", node)
        return size

    def _children(self, node: Node, path: str) -> Iterator[tuple[Node, str]]:
        if isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                yield item, f"{path}[{i}]"
        elif isinstance(node, MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = _key_text(key)
                child = f"{path}.{name}" if path else name
                if isinstance(key, ScalarNode) and name != "<<":
                    if name in seen:
                        raise self.fail(
                            child, f"duplicate key: {name!r} is already set at line {seen[name]}; write each key once "
                            "(merge the two blocks)", key)
                    seen[name] = _line(key)
                    self.lines.setdefault(child, _line(key))
                yield key, child + "(key)"
                yield value, child

    def _interpolate(self, node: ScalarNode, path: str) -> None:
        names: list[str] = []
        texts: list[str] = []

        def value_of(token: re.Match[str]) -> str:
            match = self.markers.found[token.group()]
            name = match.group("name")
            value = os.environ.get(name)
            if value is None:
                if match.group("separator") != ":":
                    raise self.fail(
                        "(environment)", f"environment variable {name!r} is not set (used at {path or 'a key'}); "
                        "set it or give a default as ${NAME:default}", node)
                return match.group("default")
            names.append(name)
            texts.append(value)
            return value

        text = self.markers.pattern.sub(value_of, node.value)
        node.value = text
        if node.tag == _STR and node.style is None and "\n" not in text and text == text.strip():
            tag = yaml.SafeLoader.resolve(yaml.SafeLoader, ScalarNode, text, (True, False))  # type: ignore[arg-type]
            node.tag = tag if tag in _TYPED else _STR
        else:
            node.tag = _STR
        if names:
            self.env.append(EnvValue(path, tuple(names), tuple(texts)))


def _construct(source: str, node: Node, walk: _Walk) -> dict[str, Any]:
    loader = yaml.SafeLoader("")
    try:
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. a date that does not exist: 2024-02-30
        bad = _bad_scalar(node, loader)
        if bad is None:
            raise ConfigError(source, "(syntax)", str(exc).replace("\n", " ")) from exc
        path = walk.paths.get(id(bad), "(top level)")
        reason = str(exc).split("\n")[0]
        raise ConfigError(source, path, f"{bad.value!r} is not a valid {_KINDS.get(bad.tag, 'value')}: {reason}",
                          _line(bad)) from exc
    finally:
        loader.dispose()
    assert isinstance(data, dict)  # the root is a mapping node
    return data


def _bad_scalar(root: Node, loader: yaml.SafeLoader) -> ScalarNode | None:
    """The first scalar that fails to construct (after the document as a whole did)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            try:
                loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError):
                return node
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
    return None
