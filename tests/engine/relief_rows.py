"""Entry lines that turn on a declared fact (``metals_relief``), priced in bulk and one by one."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.engine.test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine
from tmec.engine.exposure import price_exposure
from tmec.tariffs import default_tables

Row = tuple[str, str, str, str, str]  # entry date, HTS, origin, claim (usmca or program), metals_relief


def priced_alike(
    duck: Engine, tmp_path: Path, rows: list[Row], claim: str = "usmca", basis: str = "liability"
) -> dict[int, list[tuple[str, Decimal, Decimal]]]:
    """Price ``rows`` with the engine and with ``price_entry`` on ``basis``; assert every line and the
    total agree and return the lines by source line (the CSV's: the first row is line 2). ``claim``
    names the column of each row's fourth field (``usmca`` or ``program``)."""
    entries = tmp_path / "entries.csv"
    body = "".join(
        f"{n},{day},{hts},{origin},{10000 + n},{claimed},{relief}\n"
        for n, (day, hts, origin, claimed, relief) in enumerate(rows)
    )
    entries.write_text(f"line,entry_date,hts,origin,value,{claim},metals_relief\n" + body, encoding="utf-8")
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out, basis=basis)
    want = by_hand(entries, default_tables(), basis)
    assert engine_lines(out) == want
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)
    assert x.duty > Decimal(0)
    return want
