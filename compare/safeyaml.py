"""Bounded, strict YAML reading for hand-edited and uploaded files.

libyaml's C parser can crash the process on deeply nested input, so the text is
checked for size and nesting *before* any parser sees it. Aliases, custom tags and
duplicate keys are refused: curated data has no use for them and they hide mistakes
(a duplicate key silently drops a value) or attacks (alias bombs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from compare.problems import DataError, Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}

Path = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed data plus the line of every key path, for ``file:line`` messages."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Line of the longest known prefix of ``path`` (1 if none)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


def decode(raw: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> str:
    """Bytes to text, refusing oversized, binary and non-UTF-8 input."""
    if len(raw) > max_bytes:
        raise DataError([Problem(name, 1, "file", f"too large: {len(raw):,} bytes (limit {max_bytes:,})")])
    if b"\x00" in raw:
        raise DataError([Problem(name, 1, "file", "binary content (NUL bytes), not text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(name, line, "file", f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")]) from None


def _check_nesting(text: str, name: str, max_depth: int) -> None:
    """Reject flow or block nesting deeper than ``max_depth`` before parsing."""
    # Brackets inside quoted strings are counted too: over-counting is harmless,
    # and a quote-aware scan could be fooled into skipping a real nesting bomb.
    depth = 0
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise DataError([Problem(name, line, "file", f"nested deeper than {max_depth}")])
        elif ch in "]}":
            depth = max(0, depth - 1)
    for number, text_line in enumerate(text.splitlines(), 1):
        stripped = text_line.lstrip(" -")
        indent = len(text_line) - len(stripped)
        if stripped and not stripped.startswith("#") and indent > 2 * max_depth:
            raise DataError([Problem(name, number, "file", f"nested deeper than {max_depth}")])


def _walk(node: yaml.Node, path: Path, doc: YamlDocument, name: str, seen: set[int]) -> None:
    if id(node) in seen:
        raise DataError([Problem(name, node.start_mark.line + 1, _dotted(path), "YAML aliases are not allowed")])
    seen.add(id(node))
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _STANDARD_TAGS:
        raise DataError(
            [Problem(name, node.start_mark.line + 1, _dotted(path), f"YAML tag {node.tag!r} is not allowed")]
        )
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise DataError([Problem(name, key_node.start_mark.line + 1, _dotted(path), "keys must be plain text")])
            key = key_node.value
            if key == "<<":
                raise DataError(
                    [Problem(name, key_node.start_mark.line + 1, _dotted(path), "YAML merge keys are not allowed")]
                )
            if key in keys:
                raise DataError(
                    [
                        Problem(
                            name,
                            key_node.start_mark.line + 1,
                            _dotted((*path, key)),
                            f"duplicate key (first defined on line {keys[key]})",
                        )
                    ]
                )
            keys[key] = key_node.start_mark.line + 1
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), doc, name, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, name, seen)


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path) or "(document)"


def parse(text: str, name: str, *, max_depth: int = MAX_DEPTH) -> YamlDocument:
    """Parse one YAML document strictly; raise ``DataError`` with ``file:line`` on any fault."""
    _check_nesting(text, name, max_depth)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        doc = YamlDocument(data=None)
        if node is None:
            return doc
        _walk(node, (), doc, name, set())
        doc.data = loader.construct_document(node)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DataError([Problem(name, line, "file", f"malformed YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(name, 1, "file", f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()


def load_bytes(raw: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> YamlDocument:
    """Decode and parse uploaded or on-disk bytes with all bounds applied."""
    return parse(decode(raw, name, max_bytes=max_bytes), name)
