"""Reading a case file (YAML or JSON) from disk: the one place ``tmec.origin`` touches a file.

Kept apart from :mod:`tmec.origin.case` so that parsing stays pure and the
engine can hand ``parse_case`` mappings it read itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tmec.core.errors import InputError
from tmec.core.input_limits import check_materials, read_input
from tmec.core.safe_yaml import compose_yaml_text, load_document
from tmec.origin.case import Case, parse_case

__all__ = ["load_case", "read_mapping"]


def read_mapping(path: str | Path) -> Any:
    """The YAML or JSON document in ``path``, within the input limits (size, aliases, depth, count of
    materials); syntax errors name the file and line."""
    data = load_document(path)
    check_materials(data, source=str(path))
    return data


def load_case(path: str | Path, *, locale: str | None = None) -> Case:
    """Read and validate a case file; an error in a YAML file also names the line of the field.

    Amounts are read in the case's own ``locale:``, else in ``locale``."""
    data = read_mapping(path)
    try:
        return parse_case(data, source=str(path), locale=locale)
    except InputError as exc:
        if exc.line is None and exc.field and Path(path).suffix.lower() != ".json":
            line = line_of(read_input(path).decode("utf-8-sig", "replace"), exc.field)
            if line is not None:
                raise exc.located(line=line) from None
        raise


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def line_of(text: str, field: str) -> int | None:
    """The 1-based line of ``field`` (``materials[2].value``) in a YAML document, or None."""
    try:
        node: Any = compose_yaml_text(text)
    except (yaml.YAMLError, InputError):
        return None
    line = None
    for key, index in _STEP.findall(field):
        if node is None:
            break
        if index and isinstance(node, yaml.SequenceNode):
            i = int(index)
            node = node.value[i] if i < len(node.value) else None
        elif key and isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == key]
            if not found:
                break  # a missing field: the line of the mapping that lacks it
            node = found[0][1]
        else:
            break
        if node is not None:
            line = node.start_mark.line + 1
    return line
