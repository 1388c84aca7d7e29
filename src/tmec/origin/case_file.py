"""Reading a case file (YAML or JSON) from disk: the one place ``tmec.origin`` touches a file.

Kept apart from :mod:`tmec.origin.case` so that parsing stays pure and the
engine can hand ``parse_case`` mappings it read itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tmec.core.errors import InputError
from tmec.origin.case import Case, parse_case

__all__ = ["load_case", "read_mapping"]


def read_mapping(path: str | Path) -> Any:
    """The YAML or JSON document in ``path``; syntax errors name the file and line."""
    p = Path(path)
    source = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", source=source) from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg}", source=source, line=exc.lineno) from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(f"malformed YAML: {exc.problem}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", source=source) from None


def load_case(path: str | Path) -> Case:
    """Read and validate a case file."""
    return parse_case(read_mapping(path), source=str(path))
