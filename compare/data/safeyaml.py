"""Bounded, strict YAML reading for hand-edited and uploaded files.

libyaml's recursive composer can crash the process on deeply nested input, so the text
is checked for size, and its nesting depth read from the (iterative) event parser,
*before* anything is composed. Aliases, custom tags and
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

_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CHECKED_SCALARS = {
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}

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


def _check_nesting(text: str, name: str, max_depth: int) -> list[int]:
    """Reject flow or block nesting deeper than ``max_depth`` before composing.

    The depth is read from libyaml's event stream: its parser keeps an explicit stack
    and is safe at any depth, unlike the recursive composer. Counting events, not
    brackets or indentation, cannot be fooled by one-line block nesting such as
    ``? ? ? x`` or ``: - - - x``. Returns the line of every alias, in document order
    (a composed alias is the anchored node itself, so only the events know where it is).
    """
    loader = _LOADER(text)
    depth = 0
    aliases: list[int] = []
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    raise DataError(
                        [Problem(name, event.start_mark.line + 1, "file", f"nested deeper than {max_depth}")]
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases.append(event.start_mark.line + 1)
    finally:
        loader.dispose()
    return aliases


def _walk(node: yaml.Node, path: Path, doc: YamlDocument, name: str, seen: set[int], aliases: list[int]) -> None:
    if id(node) in seen:
        # The first node met twice is the first alias in document order.
        line = aliases[0] if aliases else node.start_mark.line + 1
        raise DataError([Problem(name, line, _dotted(path), "YAML aliases are not allowed")])
    seen.add(id(node))
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _STANDARD_TAGS:
        raise DataError(
            [Problem(name, node.start_mark.line + 1, _dotted(path), f"YAML tag {node.tag!r} is not allowed")]
        )
    if isinstance(node, yaml.ScalarNode) and node.tag in _CHECKED_SCALARS:
        # Construct now so that 2021-02-30 or a 5,000-digit number is reported on its
        # line instead of escaping the parser as a bare ValueError.
        try:
            _CHECKED_SCALARS[node.tag](node)
        except (ValueError, OverflowError) as exc:
            raise DataError(
                [Problem(name, node.start_mark.line + 1, _dotted(path), f"invalid value {node.value[:40]!r}: {exc}")]
            ) from None
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
            _walk(value_node, (*path, key), doc, name, seen, aliases)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, name, seen, aliases)


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path) or "(document)"


def parse(text: str, name: str, *, max_depth: int = MAX_DEPTH) -> YamlDocument:
    """Parse one YAML document strictly; raise ``DataError`` with ``file:line`` on any fault."""
    loader = _LOADER(text)
    try:
        aliases = _check_nesting(text, name, max_depth)
        node = loader.get_single_node()
        doc = YamlDocument(data=None)
        if node is None:
            return doc
        _walk(node, (), doc, name, set(), aliases)
        if aliases:  # an alias used as a mapping key is never walked
            raise DataError([Problem(name, aliases[0], "file", "YAML aliases are not allowed")])
        doc.data = loader.construct_document(node)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DataError([Problem(name, line, "file", f"malformed YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(name, 1, "file", f"malformed YAML: {exc}")]) from None
    except (ValueError, OverflowError) as exc:  # a value no scalar check above caught
        raise DataError([Problem(name, 1, "file", f"invalid value: {exc}")]) from None
    finally:
        loader.dispose()


def load_bytes(raw: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> YamlDocument:
    """Decode and parse uploaded or on-disk bytes with all bounds applied."""
    return parse(decode(raw, name, max_bytes=max_bytes), name)
