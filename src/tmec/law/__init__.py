"""The law as data: dated parameters (``params/``) and tables, each with its source.

Nothing here computes; this module only finds and loads the packaged files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from tmec.core.errors import InputError
from tmec.core.params import ParameterSet, parse_parameter

LAW_DIR = Path(__file__).resolve().parent
PARAMS_DIR = LAW_DIR / "params"

__all__ = ["LAW_DIR", "PARAMS_DIR", "build_parameters", "load_parameters", "load_yaml", "parameter_files"]


def load_yaml(path: Path) -> Any:
    """Read one YAML data file; a syntax error names the file and line.

    The files packaged under ``LAW_DIR`` are ours: libyaml's loader when the wheel has it (the same
    safe subset, several times faster; the chapter 87 rules and the parameters are read at every
    start).  Any other file is the user's and goes through the bounded loader (input limits).
    """
    import yaml  # not at import: the compiled law is read without it (tmec.law.compiled)

    from tmec.core.safe_yaml import load_yaml_file

    if not path.resolve().is_relative_to(LAW_DIR):
        return load_yaml_file(path)
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(f"malformed YAML: {exc.problem}", source=str(path), line=line) from None


def parameter_files() -> list[Path]:
    return sorted(PARAMS_DIR.rglob("*.yaml"))


def parameter_name(path: Path) -> str:
    """``params/usmca/de_minimis.yaml`` -> ``usmca.de_minimis``."""
    return ".".join(path.relative_to(PARAMS_DIR).with_suffix("").parts)


@cache
def load_parameters() -> ParameterSet:
    """Every bundled legal parameter, loaded once (as an earlier run built them when nothing they are
    made of has changed: :mod:`tmec.law.compiled`)."""
    from tmec.law.compiled import compiled

    files = parameter_files()
    return compiled("parameters", files, lambda: build_parameters(files), ParameterSet)


def build_parameters(files: list[Path]) -> ParameterSet:
    """The parameters read from ``files`` and built."""
    return ParameterSet(
        {parameter_name(p): parse_parameter(parameter_name(p), load_yaml(p), source=str(p)) for p in files}
    )
