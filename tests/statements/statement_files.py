"""What the statements tests share: the door case and its coil's supplier, a statements file
written from rows, a statement, the CLI run in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tmec.cli import main
from tmec.origin import load_case
from tmec.statements import Statement, parse_rows

ROOT = Path(__file__).resolve().parents[2]
DOOR = ROOT / "examples" / "stamped_body_part.yaml"  # COIL of unknown origin from Lakeshore
LAKESHORE = "Lakeshore Steel Service Center"


def statement_yaml(path: Path, *items: dict[str, Any]) -> Path:
    lines = ["statements:"]
    for item in items:
        first = True
        for k, v in item.items():
            lines.append(f"  {'-' if first else ' '} {k}: {json.dumps(v) if isinstance(v, str) else v}")
            first = False
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def coil(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "origin",
        "supplier": LAKESHORE,
        "part": "COIL",
        "hs": "7210.49",
        "origin": "originating",
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "signed_by": "J. Smith",
    }
    base.update(over)
    return base


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def qualify_json(*extra: str) -> tuple[int, dict[str, Any]]:
    r = run("qualify", str(DOOR), "--json", *extra)
    return r.exit_code, json.loads(r.output)


# -- validation ---------------------------------------------------------------------------------


def a_statement(**over: Any) -> Statement:
    row = coil(**over)
    (st,) = parse_rows([(1, row)], source="t")
    return st


def load_case_text(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return load_case(path)


def door_variant(tmp_path: Path, name: str, supplier: str = LAKESHORE) -> Path:
    text = DOOR.read_text().replace('id: "US-STAMP-DOOR-2025"', f'id: "{name}"')
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(f'supplier: "{LAKESHORE}"', f'supplier: "{supplier}"'), encoding="utf-8")
    return path
