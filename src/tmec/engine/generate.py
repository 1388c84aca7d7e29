"""Synthetic portfolios and entry files: seeded, reproducible, any size.

Random choices are DuckDB ``hash(seed, row, salt)`` values, so the same seed
gives the same files on any machine with the same DuckDB version, at any thread
count, and a million rows take a fraction of a second.

BOMs are layered DAGs: finished goods, three layers of sub-assemblies and the
bought materials.  Each slot of a part picks its component from the next layer
or, less often, a deeper one (so goods are 3 to 6 levels deep), with a skew
toward the first parts of a layer (a few sub-assemblies and materials are used
very widely, most rarely).  Fan-out is skewed too (2 to 20, mean about 8).
Material codes and origins follow a North American automotive and machinery
mix; about a tenth of materials are of unknown origin and a few carry a
supplier's accumulation statement.  Transaction values are set from the rolled
up material cost, so some goods qualify and some do not.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tmec.engine.output import atomic_directory

__all__ = ["GOOD_CODES", "MATERIAL_CODES", "PortfolioSize", "generate_entries", "generate_portfolio"]

# (code, weight): finished goods of a North American parts and machinery maker.
GOOD_CODES = (
    ("870830", 6), ("870840", 5), ("870850", 5), ("870899", 8), ("848210", 4), ("850140", 3),
    ("850440", 3), ("854442", 4), ("940120", 3), ("841810", 2), ("730890", 2), ("840991", 3),
    ("870829", 4), ("853710", 2), ("870870", 2), ("841459", 2),
)  # fmt: skip
# (code, weight): bought materials: steel, aluminium, rubber, plastics, electronics, fasteners.
MATERIAL_CODES = (
    ("720851", 6), ("721049", 6), ("722830", 3), ("760110", 4), ("760612", 3), ("401110", 2),
    ("401693", 4), ("390110", 3), ("392690", 6), ("854449", 5), ("853650", 4), ("854231", 3),
    ("854110", 2), ("731815", 8), ("731816", 5), ("848299", 4), ("870899", 5), ("870829", 3),
    ("850300", 3), ("700711", 2), ("681381", 2), ("840999", 3), ("732690", 3), ("940199", 2),
    ("853690", 3), ("847150", 1), ("830230", 2), ("400211", 1), ("720712", 2), ("741300", 2),
)  # fmt: skip
ASSEMBLY_CODES = ("870899", "870829", "848299", "850300", "840999", "853710", "940199", "732690")

# Layer sizes per finished good, and the share of slots that reach deeper than the next layer.
LAYERS = (1, 2, 5, 8, 10, 49)  # goods, 4 assembly layers, bought materials: 75 parts per good


@dataclass(frozen=True)
class PortfolioSize:
    goods: int
    parts: int
    edges: int
    levels: int


def _weighted(codes: tuple[tuple[str, int], ...], pick: str) -> str:
    """A CASE expression choosing a code with the given weights from a hash value ``pick``."""
    total = sum(w for _, w in codes)
    parts, acc = [], 0
    for code, w in codes:
        acc += w
        parts.append(f"WHEN ({pick}) % {total} < {acc} THEN '{code}'")
    return "CASE " + " ".join(parts) + " END"


def _h(seed: int, *args: str) -> str:
    """``hash(seed, args...)``; an argument ``@name`` is the string literal ``'name'`` (a salt)."""
    quoted = (f"'{a[1:]}'" if a.startswith("@") else a for a in args)
    return f"CAST(hash({int(seed)}, {', '.join(quoted)}) >> 1 AS BIGINT)"


def _parts_sql(goods: int, seed: int) -> str:
    offsets, selects, start = [], [], 0
    for layer, per in enumerate(LAYERS):
        n = per * goods
        offsets.append((start, n))
        prefix = ("G", "A1-", "A2-", "A3-", "A4-", "P")[layer]
        h = _h(seed, "i", f"'{layer}'")
        if layer == 0:
            code = _weighted(GOOD_CODES, _h(seed, "i", "'good-hs'"))
        elif layer < len(LAYERS) - 1:
            code = (
                "("
                + "["
                + ", ".join(f"'{c}'" for c in ASSEMBLY_CODES)
                + f"])[1 + {h} % {len(ASSEMBLY_CODES)}]"
            )
        else:
            code = _weighted(MATERIAL_CODES, _h(seed, "i", "'mat-hs'"))
        o = f"{h} % 100"
        origin = (
            "CAST(NULL AS VARCHAR)"
            if layer < len(LAYERS) - 1
            else f"CASE WHEN {o} < 55 THEN 'originating' WHEN {o} < 90 THEN 'non_originating' "
            "ELSE 'unknown' END"
        )
        # Bought materials from 0.05 to about 400 per unit, most of them cheap.
        u = f"(({_h(seed, 'i', '@value')} % 1000000) / 1000000.0)"
        value = (
            "CAST(NULL AS DECIMAL(18,4))"
            if layer < len(LAYERS) - 1
            else f"CAST(round(0.05 + 400 * {u} * {u} * {u}, 4) AS DECIMAL(18,4))"
        )
        statement = (
            "CAST(NULL AS DECIMAL(18,4))"
            if layer < len(LAYERS) - 1
            else f"CASE WHEN {o} >= 55 AND {o} < 60 THEN CAST(round(({value}) * 0.4, 4) AS DECIMAL(18,4)) END"
        )
        country = (
            "CAST(NULL AS VARCHAR)"
            if layer < len(LAYERS) - 1
            else f"CASE WHEN {o} < 60 AND {o} >= 55 THEN 'MX' "
            f"WHEN {o} < 55 THEN (['US','MX','CA'])[1 + {h} % 3] "
            f"WHEN {o} < 90 THEN (['CN','DE','JP','KR','IN','BR'])[1 + {h} % 6] END"
        )
        selects.append(
            f"SELECT {layer} AS layer, CAST(i AS BIGINT) AS idx, "
            f"'{prefix}' || lpad(CAST(i AS VARCHAR), 7, '0') "
            f"AS part_id, {code} AS hs, {origin} AS origin, {value} AS value, {statement} AS statement_vnm, "
            f"{country} AS country FROM range({n}) t(i)"
        )
        start += n
    return " UNION ALL ".join(selects)


def _edges_sql(goods: int, seed: int) -> str:
    last = len(LAYERS) - 1
    selects = []
    for layer in range(last):
        slot = f"{_h(seed, 'p.idx', 'k', '@slot' + str(layer))}"
        # fan-out 2..20, skewed: mean about 8
        fan = f"(2 + floor(18.2 * pow(({_h(seed, 'p.idx', '@fan' + str(layer))} % 10000) / 10000.0, 2)))"
        # next layer two times in three, else any deeper layer (so depth varies from 3 to 6)
        deeper = last - layer
        target = (
            f"(CASE WHEN {slot} % 3 < 2 OR {deeper} = 1 THEN {layer + 1} "
            f"ELSE {layer + 2} + ({slot} // 3) % {max(deeper - 1, 1)} END)"
        )
        skew = f"pow((({_h(seed, 'p.idx', 'k', '@pick' + str(layer))}) % 1000000) / 1000000.0, 2.5)"
        q = f"{_h(seed, 'p.idx', 'k', '@qty' + str(layer))} % 20"
        qty = (
            f"CAST(CASE WHEN {q} < 12 THEN 1 WHEN {q} < 15 THEN 2 WHEN {q} < 17 THEN 4 "
            f"WHEN {q} = 17 THEN 0.5 WHEN {q} = 18 THEN 0.25 ELSE 1.5 END AS DECIMAL(9,3))"
        )
        selects.append(
            f"SELECT p.part_id AS parent, {target} AS t_layer, {skew} AS u, {qty} AS quantity, k "
            f"FROM parts p, range(21) r(k) WHERE p.layer = {layer} AND k < {fan}"
        )
    union = " UNION ALL ".join(selects)
    sizes = ", ".join(f"({i}, {LAYERS[i] * goods})" for i in range(len(LAYERS)))
    return (
        f"WITH slots AS ({union}), sizes(layer, n) AS (VALUES {sizes}), "
        "picked AS (SELECT s.parent, s.t_layer, CAST(floor(s.u * z.n) AS BIGINT) AS idx, s.quantity, s.k "
        "FROM slots s JOIN sizes z ON z.layer = s.t_layer) "
        "SELECT parent, c.part_id AS child, quantity FROM ("
        "SELECT *, row_number() OVER (PARTITION BY parent, t_layer, idx ORDER BY k) AS dup FROM picked) x "
        "JOIN parts c ON c.layer = x.t_layer AND c.idx = x.idx WHERE dup = 1"
    )


def generate_portfolio(
    directory: Path, *, goods: int = 100, seed: int = 1, fmt: str = "parquet", rules: bool = True
) -> PortfolioSize:
    """Write ``goods``, ``parts``, ``edges`` (and a ``rules.yaml``) into ``directory``, atomically."""
    conn = duckdb.connect()
    conn.execute(f"SET threads = {os.cpu_count() or 1}")
    conn.execute("SET enable_progress_bar = false")
    try:
        conn.execute(f"CREATE OR REPLACE TABLE parts AS {_parts_sql(goods, seed)}")
        conn.execute(f"CREATE OR REPLACE TABLE edges AS {_edges_sql(goods, seed)}")
        levels = _goods_table(conn, goods, seed)
        with atomic_directory(directory) as tmp:
            _write(conn, "goods", "SELECT * FROM goods ORDER BY good_id", tmp, fmt)
            _write(
                conn,
                "parts",
                "SELECT part_id, hs, origin, value, statement_vnm, country FROM parts ORDER BY layer, idx",
                tmp,
                fmt,
            )
            _write(
                conn, "edges", "SELECT parent, child, quantity FROM edges ORDER BY parent, child", tmp, fmt
            )
            if rules:
                (tmp / "rules.yaml").write_text(SYNTHETIC_RULES, encoding="utf-8")
        n_parts = _one(conn, "SELECT count(*) FROM parts")
        n_edges = _one(conn, "SELECT count(*) FROM edges")
        return PortfolioSize(goods, n_parts, n_edges, levels)
    finally:
        conn.close()


def _one(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = conn.execute(sql).fetchall()
    return int(row[0][0]) if row else 0


def _goods_table(conn: duckdb.DuckDBPyConnection, goods: int, seed: int) -> int:
    """Finished goods with costs set from their material cost (so outcomes vary).

    The cost here only sets plausible prices, so it is a float estimate rolled up
    layer by layer (every component sits in a deeper layer); the exact roll-up is
    the engine's job.
    """
    conn.execute(
        "CREATE OR REPLACE TABLE gen_cost AS "
        "SELECT part_id, layer, CAST(value AS DOUBLE) AS cost, 1 AS depth "
        f"FROM parts WHERE layer = {len(LAYERS) - 1}"
    )
    for layer in range(len(LAYERS) - 2, -1, -1):
        conn.execute(
            "INSERT INTO gen_cost SELECT e.parent, ANY_VALUE(p.layer), "
            "SUM(CAST(e.quantity AS DOUBLE) * c.cost), "
            "1 + MAX(c.depth) FROM edges e JOIN gen_cost c ON c.part_id = e.child "
            f"JOIN parts p ON p.part_id = e.parent WHERE p.layer = {layer} GROUP BY e.parent"
        )
    u = f"(({_h(seed, 'p.idx', '@markup')} % 10000) / 10000.0)"
    m = "COALESCE(c.cost, 0)"

    def money(expr: str) -> str:
        return f"CAST(round({expr}, 2) AS DECIMAL(18,4))"

    conn.execute(
        f"""CREATE OR REPLACE TABLE goods AS SELECT p.part_id AS good_id, p.hs,
        {money(f"{m} * (1.05 + 0.8 * {u}) + 5")} AS transaction_value,
        {money(f"{m} * 0.02")} AS international_shipping,
        {money(f"{m} * (0.15 + 0.3 * {u})")} AS other_product_costs,
        {money(f"{m} * 0.05")} AS period_costs,
        CAST(0 AS DECIMAL(18,4)) AS other_costs,
        {money(f"{m} * 0.01")} AS sales_promotion,
        {money(f"{m} * 0.005")} AS royalties,
        {money(f"{m} * 0.01")} AS shipping_packing,
        CAST(0 AS DECIMAL(18,4)) AS non_allowable_interest
        FROM parts p LEFT JOIN gen_cost c ON c.part_id = p.part_id WHERE p.layer = 0"""
    )
    return _one(conn, "SELECT max(depth) FROM gen_cost")


def _write(conn: duckdb.DuckDBPyConnection, name: str, sql: str, directory: Path, fmt: str) -> None:
    path = directory / f"{name}.{fmt}"
    options = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
    conn.execute(f"COPY ({sql}) TO '{path}' {options}")


# Illustrative rules for the synthetic goods, in the case-file ``rule:`` form.  Not the
# Annex 4-B text: a portfolio without rules.yaml uses the bundled Annex 4-B rules.
SYNTHETIC_RULES = """\
# Rules for the synthetic portfolio written by `tmec generate` (illustrative shapes of
# Annex 4-B rules: a tariff shift, an RVC, or either).  Delete this file to use the
# bundled Annex 4-B rules instead.
- hs: "8708"
  rule:
    any_of:
      - {change: heading, except: ["8708.99"], rvc: {transaction_value: 72, net_cost: 70}}
      - {change: subheading, rvc: {transaction_value: 76, net_cost: 72}}
- hs: "8482"
  rule: {change: heading, except: ["8482.99"], rvc: {transaction_value: 70, net_cost: 70}}
- hs: "85"
  rule:
    any_of:
      - {change: heading}
      - {rvc: {transaction_value: 74, net_cost: 71}}
- hs: "84"
  rule: {rvc: {net_cost: 70}}
- hs: "9401"
  rule: {change: heading, except: ["9401.90"], rvc: {transaction_value: 72, net_cost: 70}}
- hs: "7308"
  rule: {change: heading, except: ["72.08-72.16"]}
"""


TRADE_CHAPTERS = frozenset({"72", "73", "76", "84", "85", "87", "94"})


def generate_entries(
    path: Path, *, lines: int = 1000, seed: int = 1, year: int = 2025, fmt: str | None = None
) -> int:
    """Write ``lines`` customs entry lines of one year to ``path`` (.parquet or .csv), atomically.

    Codes are the tariff items of the bundled schedule in force that year; origins
    are mostly Mexico and Canada (about half with a USMCA claim), then China,
    Germany, Japan, Korea, Vietnam.  Metal goods report their steel or aluminium
    value and, some, where the metal was melted or smelted; vehicles report their
    non-US content; most lines report a weight and a quantity (for specific rates).  Columns:
    those of :mod:`tmec.engine.entry_tables`.
    """
    from tmec.engine.output import atomic_file
    from tmec.tariffs import default_tables

    fmt = fmt or path.suffix.lstrip(".") or "parquet"
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    # codes in force all year (a line of a revision in the middle of the year would be refused on
    # earlier dates); four lines in five from the chapters of this trade
    codes = sorted(
        {
            line.hts
            for line in default_tables().schedule
            if (line.valid_from is None or line.valid_from <= start)
            and (line.valid_to is None or line.valid_to >= end)
            and len(line.hts) >= 8
        }
    )
    # an importer's year uses a few hundred codes, not the whole schedule: every n-th code, 240 of
    # the chapters of this trade and 60 of the others
    trade = [c for c in codes if c[:2] in TRADE_CHAPTERS] or codes
    other = [c for c in codes if c[:2] not in TRADE_CHAPTERS] or codes
    trade, codes = trade[:: max(1, len(trade) // 240)], other[:: max(1, len(other) // 60)]
    h = _h(seed, "i", "@entry")
    o = f"({_h(seed, 'i', '@origin')} % 100)"
    origin = (
        f"CASE WHEN {o} < 35 THEN 'MX' WHEN {o} < 55 THEN 'CA' WHEN {o} < 72 THEN 'CN' "
        f"WHEN {o} < 80 THEN 'DE' WHEN {o} < 88 THEN 'JP' WHEN {o} < 94 THEN 'KR' ELSE 'VN' END"
    )
    u = f"(({_h(seed, 'i', '@value')} % 1000000) / 1000000.0)"
    value = f"CAST(round(50 + 250000 * {u} * {u} * {u}, 2) AS DECIMAL(18,2))"
    pick = _h(seed, "i", "@hts")

    def one_of(pool: list[str]) -> str:
        return "([" + ", ".join(f"'{c}'" for c in pool) + f"])[1 + ({pick} // 5) % {len(pool)}]"

    hts = f"CASE WHEN {pick} % 5 = 0 THEN {one_of(codes)} ELSE {one_of(trade)} END"
    share = f"(({h} // 7) % 90 + 5) / 100.0"
    rows = f"SELECT i, {hts} AS hts, {origin} AS origin, {value} AS value FROM range({int(lines)}) t(i)"
    melted = f"(['US', 'MX', 'CA', 'CN', 'unknown'])[1 + {h} % 5]"
    sql = f"""WITH base AS ({rows})
        SELECT 'E' || lpad(CAST(i // 8 AS VARCHAR), 9, '0') || '-' || CAST(i % 8 + 1 AS VARCHAR) AS line,
        DATE '{start.isoformat()}' + CAST({h} % {(end - start).days} AS INTEGER) AS entry_date,
        hts, origin, value,
        CASE WHEN origin IN ('MX', 'CA') AND {h} % 5 <> 0 THEN 'yes' ELSE 'no' END AS usmca,
        CASE WHEN (hts LIKE '72%' OR hts LIKE '73%' OR hts LIKE '8708%' OR hts LIKE '9403%') AND {h} % 4 <> 0
             THEN CAST(round(value * {share}, 2) AS DECIMAL(18,2)) END AS steel_value,
        CASE WHEN hts LIKE '76%' AND {h} % 4 <> 0
             THEN CAST(round(value * {share}, 2) AS DECIMAL(18,2)) END AS aluminum_value,
        CASE WHEN (hts LIKE '8703%' OR hts LIKE '8704%') AND {h} % 3 <> 0
             THEN CAST(round(value * {share}, 2) AS DECIMAL(18,2)) END AS non_us_content,
        CASE WHEN (hts LIKE '72%' OR hts LIKE '73%') AND {h} % 3 = 0 THEN {melted} END AS melted_poured,
        CASE WHEN hts LIKE '76%' AND {h} % 3 = 0 THEN (['US', 'CA', 'RU', 'unknown'])[1 + {h} % 4] END
             AS smelted_cast,
        CASE WHEN {h} % 7 <> 0 THEN CAST(round(value / 3 + 1, 3) AS DECIMAL(18,3)) END AS weight_kg,
        CASE WHEN {h} % 7 <> 0 THEN CAST({h} % 500 + 1 AS DECIMAL(18,3)) END AS quantity,
        CASE WHEN {h} % 7 <> 0 AND {h} % 2 = 0
             THEN CAST(round((value / 3 + 1) * (({h} // 11) % 40) / 100, 3) AS DECIMAL(18,3)) END
             AS metal_weight_kg

        FROM base ORDER BY i"""
    conn = duckdb.connect()
    conn.execute("SET enable_progress_bar = false")
    try:
        with atomic_file(path) as tmp:
            options = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
            conn.execute(f"COPY ({sql}) TO '{tmp}' {options}")
    finally:
        conn.close()
    return lines
