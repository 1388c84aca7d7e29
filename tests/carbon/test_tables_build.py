"""The compiled CBAM tables are what tools/law/build_cbam.py makes from shared/data/cbam, byte for byte."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tmec.law.carbon import CARBON_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.shared_data
def test_regenerated_tables_are_identical(shared_data: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_cbam", ROOT / "tools" / "law" / "build_cbam.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(shared_data / "cbam")
    assert set(built) == {"cbam_tables.json", "cbam_defaults.jsonl", "NOTICE", "LICENSE-Apache-2.0"}
    for name, blob in built.items():
        assert (CARBON_DIR / name).read_bytes() == blob, f"{name} differs: run tools/law/build_cbam.py"


def test_tables_record_source_act_checksum_and_licence() -> None:
    import json

    tables = json.loads((CARBON_DIR / "cbam_tables.json").read_text(encoding="utf-8"))
    assert "Apache-2.0" in tables["licence"]
    for key in ("goods", "defaults", "annex_iv", "benchmarks", "downstream"):
        src = tables["sources"][key]
        assert len(src["sha256"]) == 64 and src["act"] and src["date"]
    assert "PROPOSAL" in tables["sources"]["downstream"]["act"]
    assert (CARBON_DIR / "NOTICE").read_text(encoding="utf-8").startswith("OpenCBAM Core")
