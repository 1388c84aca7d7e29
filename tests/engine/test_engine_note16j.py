"""U.S. note 16(j) (Proc. 11032 clause (2)(d)): a USMCA (c)(xi) steel derivative of Canada or Mexico
split by its U.S. parts between 9903.82.20 and 9903.82.21 — the bulk engine equals ``price_entry``
line by line, on DuckDB and on Spark, from CSV and from Parquet with amounts of two places."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from test_engine_exposure import by_hand, engine_lines

from tmec.core.errors import InputError
from tmec.engine import Engine
from tmec.engine.exposure import load_scenario, price_exposure
from tmec.engine.pricing_keys import least_share
from tmec.tariffs import default_tables

# (date, code, origin, value, usmca, U.S. parts): 8429.51.10 (front-end loaders) is on list (c)(xi)
# from 2026-06-08; before it, and for other origins or without the claim, the parts change nothing.
LINES = [
    ("2026-06-10", "8429.51.10", "MX", "100000", "yes", "30000"),  # non-U.S. content 70 % of the value
    ("2026-06-10", "8429.51.10", "CA", "100000", "yes", "50000"),  # the minimum: 60 % of the value
    ("2026-06-10", "8429.51.10", "MX", "100000", "yes", ""),  # not given: the full value, and a question
    ("2026-06-11", "8429.51.10", "MX", "100000", "yes", "0"),  # no U.S. parts: no 9903.82.21 line
    ("2026-06-12", "8429.51.10", "CA", "2500.5", "yes", "2500.5"),  # wholly of U.S. parts
    ("2026-06-12", "8429.51.10", "MX", "100.01", "yes", "50"),  # 60 % of it is 60.006
    ("2026-07-01", "8429.51.10", "MX", "1234.5679", "yes", "600.1234"),  # 60 % is 740.74074: up
    ("2026-07-01", "8429.51.10", "MX", "1234.57", "yes", "400.01"),
    ("2026-06-05", "8429.51.10", "MX", "100000", "yes", "30000"),  # before (c)(xi): Annex I-B, 25 %
    ("2026-06-10", "8429.51.10", "MX", "100000", "no", "30000"),  # no claim: 9903.82.09 on the value
    ("2026-06-10", "8429.51.10", "DE", "100000", "no", "30000"),  # a partner: 15 % in all (9903.82.22)
    ("2026-06-10", "7208.51.00", "MX", "100000", "yes", "30000"),  # not (c)(xi): Annex I-A, 50 %
]
HEADER = (
    "entry_date,hts,origin,value,usmca,us_parts_value,metals_relief,melted_poured,weight_kg,metal_weight_kg"
)


def _csv(path: Path, lines: list[tuple[str, ...]] = LINES) -> Path:
    rows = [",".join((*ln, "none", "MX", "1000", "900")) for ln in lines]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _split(lines: dict[int, list[tuple[str, Decimal, Decimal]]], line: int) -> dict[str, Decimal]:
    return {m: base for m, base, _ in lines[line] if m.startswith("s232_2026_xi_usmca")}


def test_the_split_by_us_parts_equals_price_entry_line_by_line(duck: Engine, tmp_path: Path) -> None:
    entries = _csv(tmp_path / "entries.csv")
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    want = by_hand(entries, default_tables())
    got = engine_lines(out)
    assert got == want
    remainder = "s232_2026_xi_usmca:remainder"
    assert _split(got, 2) == {"s232_2026_xi_usmca": Decimal(70000), remainder: Decimal(30000)}
    assert _split(got, 3) == {"s232_2026_xi_usmca": Decimal(60000), remainder: Decimal(40000)}
    assert _split(got, 4) == {"s232_2026_xi_usmca": Decimal(100000)}  # the upper bound
    assert _split(got, 5) == {"s232_2026_xi_usmca": Decimal(100000)}
    assert _split(got, 7) == {"s232_2026_xi_usmca": Decimal("60.006"), remainder: Decimal("40.004")}
    assert _split(got, 8) == {"s232_2026_xi_usmca": Decimal("740.7408"), remainder: Decimal("493.8271")}
    assert not _split(got, 10) and not _split(got, 11) and not _split(got, 12)
    duty = {m: d for m, _, d in got[2]}
    assert duty["s232_2026_xi_usmca"] == Decimal("17500.00") and duty[remainder] == 0
    # the totals name the line without its U.S. parts, with the question the oracle asks
    asked = [q for q in x.questions if "produced in the United States" in q["question"]]
    assert [(q["lines"], q["value"]) for q in asked] == [(1, Decimal(100000))]
    assert "upper bound" in asked[0]["question"]
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)


def test_parquet_amounts_of_two_places_keep_the_minimum_to_four(duck: Engine, tmp_path: Path) -> None:
    """A file whose amounts are DECIMAL(18,2) is priced in its own type, but the minimum base (60 %
    of 100.01 = 60.006) and the U.S. parts it leaves keep their four places."""
    entries = _csv(tmp_path / "entries.csv", [ln for ln in LINES if len(ln[3].partition(".")[2]) <= 2])
    table = pacsv.read_csv(entries)
    two = pa.decimal128(18, 2)
    table = table.set_column(3, "value", table.column("value").cast(two))
    at = table.schema.get_field_index("us_parts_value")
    table = table.set_column(at, "us_parts_value", table.column(at).cast(two))
    parquet = tmp_path / "entries.parquet"
    pq.write_table(table, parquet)
    out = tmp_path / "lines.parquet"
    price_exposure(duck, parquet, lines_out=out)
    want = by_hand(entries, default_tables())  # numbered by the CSV's lines; the Parquet's rows from 1
    assert engine_lines(out) == {line - 1: duties for line, duties in want.items()}


@pytest.mark.spark
def test_the_split_on_spark_equals_price_entry(spark_engine: Engine, tmp_path: Path) -> None:
    entries = _csv(tmp_path / "entries.csv")
    out = tmp_path / "lines.parquet"
    price_exposure(spark_engine, entries, lines_out=out)
    assert engine_lines(out) == by_hand(entries, default_tables())


SCENARIO = """\
name: "a second minimum"
scopes:
  loaders:
    items: ["8429.51"]
measures:
  - id: scenario_split
    program: s232_metals
    title: "Scenario: loaders split at 30 % with a 10 % minimum"
    heading: "9903.82.20"
    rate: 30
    base: non_us_parts
    minimum_duty: 10
    remainder_heading: "9903.82.21"
    scope: loaders
    origins: [MX]
    valid_from: 2026-06-08
    reference: "scenario"
    confidence: L
"""


def test_a_second_minimum_share_is_refused_by_the_bulk_engine(tmp_path: Path) -> None:
    """The engine's SQL takes one share of the value for the minimum: a scenario with another is
    refused with the shares named, never priced at the wrong one."""
    assert least_share(default_tables()) == Decimal("0.6")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    _, tables = load_scenario(scenario, default_tables())
    with pytest.raises(InputError, match=r"one minimum share .* found 0\.3333"):
        least_share(tables)
