"""Bad input is reported with file and line (first 20, then a count), exit 2, and nothing is written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.core.errors import InputError
from tmec.engine import Engine, InputErrors, generate_portfolio, load_bom, load_portfolio, write_table
from tmec.engine.output import atomic_file

GOODS = "good_id,hs,transaction_value\nG1,870830,100\n"
PARTS = (
    "part_id,hs,origin,value\nG1,870830,,\nA,870899,,\nB,720851,non_originating,10\nC,392690,originating,5\n"
)


def _dir(tmp_path: Path, edges: str, parts: str = PARTS, goods: str = GOODS) -> Path:
    (tmp_path / "goods.csv").write_text(goods)
    (tmp_path / "parts.csv").write_text(parts)
    (tmp_path / "edges.csv").write_text(edges)
    return tmp_path


def test_malformed_rows_first_20_then_count(duck: Engine, tmp_path: Path) -> None:
    bad = "".join(f"X{i},7208.51,maybe,-{i}\n" for i in range(30))
    d = _dir(tmp_path, "parent,child,quantity\nG1,A,1\nA,B,1\n", parts=PARTS + bad)
    with pytest.raises(InputErrors) as info:
        load_bom(duck.conn, d)
    err = info.value
    assert err.total == 30  # one message per malformed row: its first problem
    assert len(err.problems) == 20
    first = err.problems[0]
    assert first[0].endswith("parts.csv") and first[1] == 6
    assert "origin: expected originating, non_originating or unknown, found 'maybe'" in first[2]
    assert "... and 10 more" in str(err)


def test_cli_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    d = _dir(tmp_path, "parent,child,quantity\nG1,B,0\nG1,NOPE,1\n")
    result = CliRunner().invoke(main, ["portfolio", "qualify", str(d), "--date", "2026-01-05"])
    assert result.exit_code == 2, result.output
    assert "edges.csv:2: quantity: expected a number greater than 0" in result.output
    assert "edges.csv:3: child: NOPE is not in parts" in result.output
    assert not (d / "qualification.parquet").exists()


def test_cycle_is_named(duck: Engine, tmp_path: Path) -> None:
    d = _dir(tmp_path, "parent,child,quantity\nG1,A,1\nA,C,1\nC,A,2\nA,B,1\n")
    with pytest.raises(InputError, match=r"cycle in the bill of materials: A -> C -> A"):
        load_portfolio(duck, d, __import__("datetime").date(2026, 1, 5))


def test_generator_is_reproducible(tmp_path: Path) -> None:
    def digest(d: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}

    a, b, c = (tmp_path / n for n in "abc")
    generate_portfolio(a, goods=20, seed=5, fmt="csv")
    generate_portfolio(b, goods=20, seed=5, fmt="csv")
    generate_portfolio(c, goods=20, seed=6, fmt="csv")
    assert digest(a) == digest(b)
    assert digest(a)["edges.csv"] != digest(c)["edges.csv"]


def test_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    import pyarrow as pa

    target = tmp_path / "out.parquet"

    def interrupted() -> None:
        with atomic_file(target) as tmp:
            tmp.write_bytes(b"half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert list(tmp_path.iterdir()) == []
    write_table(pa.table({"a": [1]}), target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_a_bought_part_without_value_is_bad_input_not_zero(duck: Engine, tmp_path: Path) -> None:
    # B is bought (no components) and has no value: counting it as 0 would overstate the RVC.
    parts = PARTS.replace("B,720851,non_originating,10", "B,720851,non_originating,")
    d = _dir(tmp_path, "parent,child,quantity\nG1,A,1\nA,B,1\nA,C,1\n", parts=parts)
    with pytest.raises(InputErrors) as info:
        load_bom(duck.conn, d)
    assert [(p[1], p[2]) for p in info.value.problems] == [
        (4, "value: required for a bought part (one with no components in edges)")
    ]


def test_a_missing_value_column_is_named(duck: Engine, tmp_path: Path) -> None:
    d = _dir(tmp_path, "parent,child,quantity\nG1,B,1\n", parts=PARTS.replace("value", "valu"))
    with pytest.raises(InputError, match="value"):
        load_bom(duck.conn, d)


def test_a_malformed_code_is_reported_with_its_line_among_the_others(duck: Engine, tmp_path: Path) -> None:
    parts = PARTS + "D,9999x,unknown,1\nE,720851,maybe,1\n"
    d = _dir(tmp_path, "parent,child,quantity\nG1,A,1\nA,B,1\n", parts=parts)
    with pytest.raises(InputErrors) as info:
        load_bom(duck.conn, d)
    lines = {p[1] for p in info.value.problems}
    assert lines == {6, 7}
    assert all(p[0].endswith("parts.csv") for p in info.value.problems)


@pytest.mark.parametrize(
    ("value", "quantity", "message"),
    [
        # the roll-up holds 10 digits before the point per unit: a larger value is named with its line
        ("12000000000", "1", "parts.csv:4: value: at most 9999999999.9999 per unit"),
        # quantities can carry a sum past it: the level and the part are named, never a rounding
        ("6000000000", "2", "a part's value per unit reaches 10^10 at level 1 of the roll-up (first: A)"),
        # a quantity past its type (DECIMAL(9,3)) is named too, not read as blank
        (
            "10",
            "1000000",
            "edges.csv:3: quantity: expected a quantity below 1,000,000 with at most 3 decimals",
        ),
    ],
    ids=["value", "sum", "quantity"],
)
def test_amounts_beyond_the_roll_up_are_bad_input(
    tmp_path: Path, value: str, quantity: str, message: str
) -> None:
    parts = PARTS.replace("B,720851,non_originating,10", f"B,720851,non_originating,{value}")
    d = _dir(tmp_path, f"parent,child,quantity\nG1,A,1\nA,B,{quantity}\nA,C,1\n", parts=parts)
    result = CliRunner().invoke(main, ["portfolio", "qualify", str(d), "--date", "2026-01-05"])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (d / "qualification.parquet").exists()


def test_a_change_beyond_the_roll_up_is_refused(duck: Engine, tmp_path: Path) -> None:
    """A change that would carry a sum past the range: refused as bad input, the portfolio as it was
    (the delta declines, the roll-up again names the level); a changes file's value past the
    range is refused with its line."""
    import datetime as dt
    from decimal import Decimal

    from tmec.engine.whereused import Change, load_changes, requalify

    d = _dir(tmp_path, "parent,child,quantity\nG1,A,1\nA,B,2\nA,C,1\n")
    p = load_portfolio(duck, d, dt.date(2026, 1, 5))
    from tmec.engine import qualify_goods

    before = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
    requalify(p, [Change("C", value=Decimal("6"))])  # the delta path is ready
    results = dict(p.results)
    with pytest.raises(InputError, match=r"reaches 10\^10 at level 1"):
        requalify(p, [Change("B", value=Decimal("6000000000"))])
    assert p.results == results and set(results) == set(before)
    again = requalify(p, [Change("B", value=Decimal("11"))])
    assert again.goods and again.goods[0].good_id == "G1"
    changes = tmp_path / "changes.csv"
    changes.write_text("part_id,value\nB,12\nB,10000000000\n")
    with pytest.raises(InputError, match=r"changes.csv.*3.*value: at most 9999999999.9999 per unit"):
        load_changes(changes)


def test_a_goods_amount_past_its_type_is_named(tmp_path: Path) -> None:
    """An amount past DECIMAL(18,4) would read as blank (0 for a cost line): it is bad input."""
    goods = "good_id,hs,transaction_value,royalties\nG1,870830,100,1000000000000000\n"
    d = _dir(tmp_path, "parent,child,quantity\nG1,A,1\nA,B,1\n", goods=goods)
    result = CliRunner().invoke(main, ["portfolio", "qualify", str(d), "--date", "2026-01-05"])
    assert result.exit_code == 2, result.output
    assert (
        "goods.csv:2: royalties: expected an amount below 100,000,000,000,000 with at most 4 decimals"
        in result.output
    )


def test_a_damaged_table_is_bad_input_and_a_failure_of_duckdb_is_not(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BOM table DuckDB cannot read is bad input naming it; DuckDB failing on tables it could read
    (an overflow, out of memory) names what failed and is never "cannot read the tables"."""
    from tmec.engine import bom_tables
    from tmec.engine.duck_errors import EngineFailure

    good = tmp_path / "good"
    generate_portfolio(good, goods=3, seed=4)
    damaged = tmp_path / "damaged"
    generate_portfolio(damaged, goods=3, seed=4)
    data = bytearray((damaged / "parts.parquet").read_bytes())
    data[len(data) // 3 : len(data) // 3 + 200] = b"\xab" * 200
    (damaged / "parts.parquet").write_bytes(bytes(data))
    with pytest.raises(InputError) as bad:
        load_bom(duck.conn, damaged)
    assert "damaged/parts.parquet: cannot read the file: " in str(bad.value)  # the table, named

    def overflowing(conn: object, directory: Path, locale: str | None) -> object:
        return duck.conn.execute("SELECT 9223372036854775807::BIGINT * 2").fetchall()

    monkeypatch.setattr(bom_tables, "_load_bom", overflowing)
    with pytest.raises(EngineFailure) as failed:
        load_bom(duck.conn, good)
    text = str(failed.value)
    assert not isinstance(failed.value, InputError) and "cannot read" not in text
    assert "validating the bill of materials" in text and "Overflow" in text
