"""The one loader for every YAML or JSON document a user gives tmec.

``yaml.safe_load`` constructs no objects but follows aliases: 200 bytes of nested aliases
("billion laughs") describe 10^9 values, and whoever walks them pays.  Nesting thousands of
levels deep exhausts the parser's recursion.  This loader counts while it composes — aliases,
values with aliases expanded, depth — and refuses the document at the first limit passed, with
the line where it happened (:mod:`tmec.core.input_limits` says how to raise each limit).  JSON
goes through :func:`json.loads` (no aliases) and the same depth and size limits.

The events come from libyaml's C parser when PyYAML has it (``yaml.CSafeLoader``'s parser): it
scans and parses about ten times faster than the pure-Python one, which made a YAML case body the
slowest part of ``POST /api/v1/qualify``.  Composing stays in Python, in this module, so every
event passes the same counters; PyYAML's reader still checks the text for characters YAML refuses
first, so both parsers refuse the same text with the same message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

from tmec.core.errors import InputError
from tmec.core.input_limits import MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES, read_input

__all__ = [
    "compose_yaml_text",
    "load_document",
    "load_json_text",
    "load_yaml_file",
    "load_yaml_text",
    "read_yaml_file_with_nodes",
]


class _Bounded(Composer):
    """A composer that counts aliases, expanded values and depth while it composes."""

    peek_event: Callable[[], Any]  # the parser's (pure-Python or libyaml)

    def _limits(self, source: str | None) -> None:
        self._source = source
        self._max_aliases = MAX_YAML_ALIASES.value()
        self._max_nodes = MAX_YAML_NODES.value()
        self._max_depth = MAX_YAML_DEPTH.value()
        self._aliases = 0
        self._nodes = 0  # values so far, each alias counted as the values it stands for
        self._depth = 0
        self._expanded: dict[str, int] = {}  # anchor -> the values under it, aliases expanded

    def _line(self) -> int:
        return int(self.peek_event().start_mark.line) + 1

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self._max_aliases:
                raise MAX_YAML_ALIASES.exceeded(
                    f"{self._aliases:,} aliases", self._max_aliases, source=self._source
                ).located(line=self._line())
            self._count(self._expanded.get(str(event.anchor), 1))
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > self._max_depth:
            raise MAX_YAML_DEPTH.exceeded(
                f"nested {self._depth} levels deep", self._max_depth, source=self._source
            ).located(line=self._line())
        before = self._nodes
        self._count(1)
        anchor = getattr(event, "anchor", None)
        node = super().compose_node(parent, index)
        self._depth -= 1
        if anchor is not None:
            self._expanded[str(anchor)] = self._nodes - before
        return node

    def _count(self, n: int) -> None:
        self._nodes += n
        if self._nodes > self._max_nodes:
            raise MAX_YAML_NODES.exceeded(
                f"{self._nodes:,} values or more", self._max_nodes, source=self._source
            ).located(line=self._line())


class _BoundedLoader(_Bounded, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader, bounded (when PyYAML was built without libyaml)."""

    def __init__(self, stream: str, source: str | None) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._limits(source)


_LOADER: Callable[[str, str | None], _Bounded] = _BoundedLoader
try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml
    pass
else:

    class _CBoundedLoader(_Bounded, CParser, SafeConstructor, Resolver):
        """libyaml's parser for the events; this module's composer (first in the MRO, so that its
        ``compose_node`` is the one called) and PyYAML's safe constructor and resolver."""

        def __init__(self, stream: str, source: str | None) -> None:
            Reader(stream)  # refuses control characters as the pure-Python loader does, same message
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._limits(source)

    _LOADER = _CBoundedLoader


def _marked(exc: yaml.YAMLError, source: str | None) -> InputError:
    if isinstance(exc, yaml.MarkedYAMLError):
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return InputError(f"malformed YAML: {exc.problem}", source=source, line=line)
    return InputError(f"malformed YAML: {exc}", source=source)


def _new_loader(text: str, source: str | None) -> Any:
    try:  # the reader refuses control characters as it starts
        return _LOADER(text, source)
    except yaml.YAMLError as exc:
        raise _marked(exc, source) from None


def load_yaml_text(text: str, *, source: str | None = None) -> Any:
    """One YAML document, within the limits."""
    loader = _new_loader(text, source)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _marked(exc, source) from None
    except ValueError as exc:
        # Values fail as they are built, not in the syntax: an unquoted invalid date (2023-02-29,
        # 0000-00-00), an integer of more than 4,300 digits.
        raise InputError(f"invalid value: {exc}", source=source) from None
    except RecursionError:  # a limit raised beyond what the interpreter can nest
        raise MAX_YAML_DEPTH.exceeded(
            "nested too deep to parse", MAX_YAML_DEPTH.value(), source=source
        ) from None
    finally:
        loader.dispose()


def compose_yaml_text(text: str, *, source: str | None = None) -> Any:
    """The YAML node graph (with marks: lines and columns), within the limits."""
    loader = _new_loader(text, source)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml_file_with_nodes(path: Path) -> tuple[Any, Any]:
    """A YAML file's data and its node graph (for the lines of its items), within every limit."""
    loader = _new_loader(_text(path), str(path))
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        raise _marked(exc, str(path)) from None
    except ValueError as exc:  # as in load_yaml_text
        raise InputError(f"malformed YAML: {exc}", source=str(path)) from None
    finally:
        loader.dispose()


def _json_depth_ok(data: Any, source: str | None) -> None:
    limit, nodes_limit = MAX_YAML_DEPTH.value(), MAX_YAML_NODES.value()
    stack: list[tuple[Any, int]] = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > nodes_limit:
            raise MAX_YAML_NODES.exceeded(f"{nodes:,} values or more", nodes_limit, source=source)
        if isinstance(value, dict | list):
            if depth > limit:
                raise MAX_YAML_DEPTH.exceeded(f"nested {depth} levels deep", limit, source=source)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


def load_json_text(text: str, *, source: str | None = None, **options: Any) -> Any:
    """One JSON document, within the depth and size limits (``options`` go to :func:`json.loads`)."""
    try:
        data = json.loads(text, **options)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", source=source, line=exc.lineno) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(f"invalid value: {exc}", source=source) from None
    except RecursionError:
        raise MAX_YAML_DEPTH.exceeded(
            "nested too deep to parse", MAX_YAML_DEPTH.value(), source=source
        ) from None
    _json_depth_ok(data, source)
    return data


def _text(path: Path) -> str:
    try:
        return read_input(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=str(path)) from None


def load_yaml_file(path: str | Path) -> Any:
    """A YAML file: size checked before it is read, then parsed within the limits."""
    return load_yaml_text(_text(Path(path)), source=str(path))


def load_document(path: str | Path) -> Any:
    """A YAML or JSON file (by its suffix), within every limit."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return load_json_text(_text(p), source=str(path))
    return load_yaml_text(_text(p), source=str(path))
