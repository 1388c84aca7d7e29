"""Lines that declare several facts (``metals_relief`` as a set) in bulk as one by one, on DuckDB and
Spark: a Chinese starter motor declared a vehicle part and a Section 301 exclusion (both change its
duty), the same set written in another order, case and spacing, a Japanese certified part that is
also a 33(g) vehicle part, and a fact declared with one no measure of the line turns on."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest
from tests.engine.relief_rows import priced_alike
from tests.engine.test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine, InputErrors
from tmec.engine.entry_tables import CLEAN
from tmec.engine.exposure import price_exposure
from tmec.tariffs import default_tables
from tmec.tariffs.declared import canonical

STARTER = "8511.40.00.00"  # a general-purpose provision of note 33(g) that exclusion 20(vvv)(iii)(54) names
ROWS = [
    ("2026-03-02", STARTER, "CN", "", "vehicle_part;s301_exclusion"),
    ("2026-03-02", STARTER, "CN", "", " S301_Exclusion ; vehicle_part ;vehicle_part"),
    ("2026-03-02", STARTER, "CN", "", "vehicle_part"),
    ("2026-03-02", STARTER, "CN", "", "s301_exclusion"),
    ("2026-03-02", STARTER, "CN", "", ""),
    ("2026-11-10", STARTER, "CN", "", "s301_exclusion;vehicle_part"),  # the exclusion has lapsed
    ("2026-03-02", STARTER, "CN", "", "vehicle_part;not_wood_cabinet"),
    ("2026-03-02", "8708.99.68.90", "JP", "", "auto_part_certified;vehicle_part"),
    ("2026-03-02", "8501.40.40.20", "CN", "", "s301_exclusion;vehicle_part"),
]


def _lines(want: dict[int, list[tuple[str, object, object]]], n: int) -> list[str]:
    return [m for m, _, _ in want[n + 2]]


def test_two_declared_facts_price_as_price_entry(duck: Engine, tmp_path: Path) -> None:
    want = priced_alike(duck, tmp_path, ROWS)
    both = _lines(want, 0)
    assert any(m.startswith("s301_exclusion") for m in both), both
    assert "s232_auto_parts_declared" in both, both
    assert _lines(want, 1) == both  # the same set, written otherwise
    assert _lines(want, 2) != both and _lines(want, 3) != both  # each fact alone prices otherwise


def test_a_set_written_otherwise_makes_one_pricing_key(duck: Engine) -> None:
    """The engine reads a set as :func:`canonical` writes it: one text, so one key per set."""
    texts = ["vehicle_part;s301_exclusion", " S301_Exclusion ; vehicle_part ;vehicle_part", " None "]
    texts += [";", " "]
    values = ", ".join(f"('{t}')" for t in texts)
    read = CLEAN["relief_text"]("t")
    got = [r[0] for r in duck.conn.execute(f"SELECT {read} FROM (VALUES {values}) v(t)").fetchall()]
    assert (
        got
        == [canonical(t) for t in texts]
        == [
            "s301_exclusion;vehicle_part",
            "s301_exclusion;vehicle_part",
            "none",
            None,
            None,
        ]
    )


def test_two_exclusive_facts_are_refused_naming_the_line(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    entries.write_text(
        "entry_date,hts,origin,value,metals_relief\n"
        f"2026-03-02,{STARTER},CN,10,vehicle_part;s301_exclusion\n"
        "2026-06-10,8413.81.00,DE,10,motorcycle_parts; equipment_parts\n"
        "2026-06-10,8413.81.00,DE,10,none;equipment_parts\n",
        encoding="utf-8",
    )
    out = tmp_path / "lines.parquet"
    with pytest.raises(InputErrors) as info:
        price_exposure(duck, entries, lines_out=out)
    text = str(info.value)
    assert "entries.csv:2" not in text
    assert (
        "entries.csv:3: metals_relief: equipment_parts and motorcycle_parts cannot both be declared for one "
        "line: the reliefs of U.S. note 16 are mutually exclusive" in text
    )
    assert "entries.csv:4: metals_relief: equipment_parts and none cannot both be declared" in text
    assert not out.exists()


@pytest.mark.spark
def test_two_declared_facts_on_spark(spark_engine: Engine, tmp_path: Path) -> None:
    want = priced_alike(spark_engine, tmp_path, ROWS)
    assert _lines(want, 1) == _lines(want, 0)


def test_a_parquet_column_declares_sets_as_a_csv_one(duck: Engine, tmp_path: Path) -> None:
    """The same lines from Parquet: its metals_relief column is read as the CSV's."""
    priced_alike(duck, tmp_path, ROWS)  # writes entries.csv
    entries = tmp_path / "entries.parquet"
    pq.write_table(pv.read_csv(tmp_path / "entries.csv"), entries)
    out = tmp_path / "from_parquet.parquet"
    price_exposure(duck, entries, lines_out=out)
    rows = {n + 1: lines for n, lines in engine_lines(out).items()}  # a Parquet row's number; a CSV's line
    assert rows == by_hand(tmp_path / "entries.csv", default_tables())
