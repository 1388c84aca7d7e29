"""Damaged inputs for every command that reads a file: exit 0/1/2, never a traceback or a crash."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import harness
from tests.fuzz.conftest import EXAMPLES, Workspace, fuzz_settings, slow_fuzz_settings
from tests.fuzz.mutate import (
    damaged_bytes,
    damaged_csv,
    damaged_document,
    damaged_rows,
    read_rows,
)

CASES = sorted(p.name for p in EXAMPLES.glob("*.yaml") if p.name not in {"certifier.yaml"})


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tmec-fuzz-") as d:
        yield Path(d)


def attempt(target: str, args: list[str], data: bytes, ws: Workspace | None = None) -> None:
    harness.check(harness.run(target, args, env=ws.env if ws else None), data)


@pytest.mark.parametrize("example", CASES)
@fuzz_settings
@given(data=st.data())
def test_case_files(example: str, data: st.DataObject) -> None:
    raw = data.draw(damaged_document((EXAMPLES / example).read_bytes()))
    suffix = data.draw(st.sampled_from([".yaml", ".json"]))
    with scratch() as d:
        case = d / f"case{suffix}"
        case.write_bytes(raw)
        attempt("case (qualify)", ["qualify", str(case), *data.draw(st.sampled_from([[], ["--json"]]))], raw)


@fuzz_settings
@given(data=st.data())
def test_bom_spreadsheet_csv(data: st.DataObject) -> None:
    raw = data.draw(damaged_csv((EXAMPLES / "wheel_bom.csv").read_bytes()))
    with scratch() as d:
        (d / "bom.csv").write_bytes(raw)
        attempt(
            "BOM spreadsheet CSV (qualify --bom)",
            ["qualify", "--bom", str(d / "bom.csv"), "--good", str(EXAMPLES / "wheel_good.yaml")],
            raw,
        )


@fuzz_settings
@given(data=st.data())
def test_bom_spreadsheet_xlsx(data: st.DataObject) -> None:
    rows = data.draw(damaged_rows(read_rows((EXAMPLES / "wheel_bom.csv").read_bytes())))
    with scratch() as d:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        path = d / "bom.xlsx"
        book.save(path)
        raw = path.read_bytes()
        if data.draw(st.integers(0, 4)) == 0:
            raw = data.draw(damaged_bytes(raw))
            path.write_bytes(raw)
        attempt(
            "BOM spreadsheet XLSX (qualify --bom)",
            ["qualify", "--bom", str(path), "--good", str(EXAMPLES / "wheel_good.yaml")],
            repr(rows).encode(),
        )


def _xlsx_cell(value: str) -> object:
    """Numbers as numbers (as a spreadsheet holds them); text a cell cannot hold is dropped."""
    try:
        return float(value) if value.strip() and not value.strip().isalpha() else value
    except ValueError:
        return "".join(ch for ch in value if ch.isprintable())


@fuzz_settings
@given(data=st.data())
def test_good_file_for_a_bom(data: st.DataObject) -> None:
    raw = data.draw(damaged_document((EXAMPLES / "wheel_good.yaml").read_bytes()))
    with scratch() as d:
        (d / "good.yaml").write_bytes(raw)
        attempt(
            "good file (qualify --good)",
            ["qualify", "--bom", str(EXAMPLES / "wheel_bom.csv"), "--good", str(d / "good.yaml")],
            raw,
        )


@fuzz_settings
@given(data=st.data())
def test_entries_for_duty(workspace: Workspace, data: st.DataObject) -> None:
    raw = data.draw(damaged_csv(workspace.entries_csv.read_bytes()))
    with scratch() as d:
        (d / "entries.csv").write_bytes(raw)
        attempt(
            "entry file CSV (duty --entries)", ["duty", "--entries", str(d / "entries.csv"), "--json"], raw
        )


@fuzz_settings
@given(data=st.data())
def test_entries_for_exposure(workspace: Workspace, data: st.DataObject) -> None:
    parquet = data.draw(st.booleans())
    with scratch() as d:
        if parquet and data.draw(st.booleans()):
            raw = data.draw(damaged_bytes(workspace.entries_parquet.read_bytes()))
            path = d / "entries.parquet"
            path.write_bytes(raw)
        elif parquet:
            rows = data.draw(damaged_rows(read_rows(workspace.entries_csv.read_bytes())))
            header, body = (rows[0], rows[1:]) if rows else ([], [])
            names = [h or f"c{i}" for i, h in enumerate(header)]
            columns = {
                n: [r[i] if i < len(r) else None for r in body] for i, n in enumerate(dict.fromkeys(names))
            }
            path = d / "entries.parquet"
            pq.write_table(pa.table(columns) if columns else pa.table({"x": []}), path)
            raw = repr(rows).encode()
        else:
            raw = data.draw(damaged_csv(workspace.entries_csv.read_bytes()))
            path = d / "entries.csv"
            path.write_bytes(raw)
        attempt(
            f"entry file {'Parquet' if parquet else 'CSV'} (exposure)",
            ["exposure", str(path)],
            raw,
            workspace,
        )


@fuzz_settings
@given(data=st.data())
def test_scenarios(workspace: Workspace, data: st.DataObject) -> None:
    raw = data.draw(damaged_document((EXAMPLES / "scenarios" / "steel-mx-75.yaml").read_bytes()))
    with scratch() as d:
        (d / "scenario.yaml").write_bytes(raw)
        attempt(
            "scenario (exposure --scenario)",
            ["exposure", str(workspace.entries_csv), "--scenario", str(d / "scenario.yaml")],
            raw,
            workspace,
        )


@slow_fuzz_settings
@given(data=st.data())
def test_bom_directories(workspace: Workspace, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["parts.csv", "edges.csv", "goods.csv", "rules.yaml"]))
    with scratch() as d:
        bom = workspace.copy_portfolio(d / "bom")
        original = (bom / name).read_bytes()
        raw = data.draw(damaged_document(original) if name.endswith(".yaml") else damaged_csv(original))
        (bom / name).write_bytes(raw)
        attempt(
            f"BOM directory: {name} (portfolio qualify)",
            ["portfolio", "qualify", str(bom), "--date", "2025-06-01", "--out", str(d / "r.parquet")],
            raw,
        )


@slow_fuzz_settings
@given(data=st.data())
def test_changed_parts(workspace: Workspace, data: st.DataObject) -> None:
    part = read_rows((workspace.portfolio / "parts.csv").read_bytes())[3][0]
    valid = f"part_id,origin,value\n{part},originating,12.50\n".encode()
    raw = data.draw(damaged_csv(valid))
    with scratch() as d:
        (d / "changed.csv").write_bytes(raw)
        attempt(
            "changed parts (portfolio qualify --changed)",
            [
                "portfolio",
                "qualify",
                str(workspace.portfolio),
                "--date",
                "2025-06-01",
                "--changed",
                str(d / "changed.csv"),
                "--out",
                str(d / "r.parquet"),
            ],
            raw,
        )


@fuzz_settings
@given(data=st.data())
def test_vehicle_files(data: st.DataObject) -> None:
    raw = data.draw(damaged_csv((EXAMPLES / "pickup_vehicles.csv").read_bytes()))
    with scratch() as d:
        (d / "vehicles.csv").write_bytes(raw)
        cases = [str(EXAMPLES / "pickup_mx_crew_cab.yaml"), str(EXAMPLES / "pickup_mx_regular_cab.yaml")]
        attempt(
            "vehicle file (average --vehicles)",
            ["average", *cases, "--vehicles", str(d / "vehicles.csv")],
            raw,
        )


@fuzz_settings
@given(data=st.data())
def test_certifier_files(workspace: Workspace, data: st.DataObject) -> None:
    raw = data.draw(damaged_document((EXAMPLES / "certifier.yaml").read_bytes()))
    with scratch() as d:
        (d / "certifier.yaml").write_bytes(raw)
        attempt(
            "certifier file (certify --certifier)",
            [
                "certify",
                str(EXAMPLES / "bearing.yaml"),
                "--certifier",
                str(d / "certifier.yaml"),
                "--invoice",
                "F-2",
                "--out",
                str(d / "out"),
            ],
            raw,
            workspace,
        )


@pytest.mark.parametrize("name", ["certificate.json", "certificate.pdf"])
@fuzz_settings
@given(data=st.data())
def test_certificates(workspace: Workspace, name: str, data: st.DataObject) -> None:
    original = (workspace.root / "cert" / name).read_bytes()
    raw = data.draw(damaged_document(original) if name.endswith(".json") else damaged_bytes(original))
    with scratch() as d:
        (d / name).write_bytes(raw)
        attempt(
            f"certificate {name.split('.')[1].upper()} (verify)",
            ["verify", str(d / name), "--key", str(workspace.public_key)],
            raw,
            workspace,
        )
