"""Strict UTF-8 scan of a CSV file (compressed or not): every line holding bytes that are not UTF-8 text."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import attrs

BLOCK = 1 << 22


@attrs.frozen
class BadBytes:
    """One line with undecodable bytes: the 1-based line, the column's header name and the raw field."""

    line: int
    column: str
    raw: bytes


def _open(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".xz"):
        return lzma.open(path, "rb")
    if name.endswith(".zip"):
        archive = zipfile.ZipFile(path)
        return archive.open(archive.namelist()[0])
    return path.open("rb")


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    """Blocks of whole lines."""
    rest = b""
    while chunk := handle.read(BLOCK):
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            yield data[:cut]
            rest = data[cut:]
        else:
            rest = data
    if rest:
        yield rest


def _field(line: bytes, header: list[str], delimiter: bytes) -> tuple[str, bytes]:
    for index, field in enumerate(line.split(delimiter)):
        try:
            field.decode("utf-8")
        except UnicodeDecodeError:
            return (header[index] if index < len(header) else f"field {index + 1}"), field.rstrip(b"\r\n")
    return "(line)", line.rstrip(b"\r\n")


def scan_utf8(path: Path, delimiter: str) -> list[BadBytes]:
    """Lines of ``path`` that are not valid UTF-8, in file order (fast path: whole blocks decode at once)."""
    found: list[BadBytes] = []
    header: list[str] = []
    line_no = 0
    sep = delimiter.encode()
    with _open(path) as handle:
        for block in _blocks(handle):
            lines = block.splitlines(keepends=True)
            if not header and lines:
                header = [name.strip() for name in lines[0].decode("utf-8", "replace").rstrip("\r\n").split(delimiter)]
            try:
                block.decode("utf-8")
            except UnicodeDecodeError:
                for offset, line in enumerate(lines, start=line_no + 1):
                    try:
                        line.decode("utf-8")
                    except UnicodeDecodeError:
                        column, raw = _field(line, header, sep)
                        found.append(BadBytes(offset, column, raw))
            line_no += len(lines)
    return found
