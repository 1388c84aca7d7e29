"""Reading a producer's actual data for ``tmec carbon``: YAML, CSV, the EU communication
template (.xlsx) or a signed emissions declaration (.json, ``tmec carbon sign-emissions``)."""

from __future__ import annotations

from pathlib import Path

from tmec.carbon.actual import ActualData, parse_actual, parse_actual_csv
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.law import load_yaml

__all__ = ["read_actual"]


def read_actual(path: Path) -> ActualData:
    source = str(path)
    if not path.is_file():
        raise InputError("no such file", source=source)
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return parse_actual(load_yaml(path), source=source)
    if suffix == ".csv":
        try:
            text = read_input(path).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the file: {exc}", source=source) from None
        return parse_actual_csv(text, source=source)
    if suffix == ".xlsx":
        from tmec.cli._carbon_template import read_template

        return read_template(path)
    if suffix == ".json":
        from tmec.certify.emissions import actual_from_envelope
        from tmec.certify.verify import read_certificate

        return actual_from_envelope(read_certificate(path), source=source)[0]
    raise InputError(
        "expected a .yaml, .csv, .xlsx (EU communication template) or .json (signed declaration) file, "
        f"found {suffix or 'no extension'!r}",
        source=source,
    )
