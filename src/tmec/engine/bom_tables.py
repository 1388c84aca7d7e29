"""The BOM_DIR layout, and its validation before anything is computed.

A portfolio is three tables, each a ``.csv`` (header row) or a ``.parquet`` file:

``goods``  the finished goods, one row each
    ``good_id`` (a ``part_id``), ``hs`` (6-10 digits), ``transaction_value``,
    ``international_shipping``, ``other_product_costs``, ``period_costs``,
    ``other_costs``, ``sales_promotion``, ``royalties``, ``shipping_packing``,
    ``non_allowable_interest`` (amounts per unit of the good; absent or blank = 0
    except ``transaction_value``), optional ``description``, ``end_use``.
``parts``  every part, bought or made
    ``part_id``, ``hs``, ``origin`` (``originating`` | ``non_originating`` |
    ``unknown``; blank = unknown, which counts as non-originating), ``value`` per
    unit (bought parts), optional ``statement_vnm`` (the VNM per unit in the
    producer's accumulation statement, UR s.9), ``description``, ``country``,
    ``supplier``.  A part with components in ``edges`` is self-produced, not
    designated intermediate: its own ``origin`` and ``value`` are not used, its
    components are traced through (UR s.7(5)(a)).
``edges``  the bill of materials
    ``parent``, ``child``, ``quantity`` (of child per unit of parent, > 0).

Amounts have at most 4 decimal places and stay below 10^14, quantities at most 3
and below 10^6 (DECIMAL(18,4), DECIMAL(9,3)).  A part's value and
statement VNM are below 10^10 per unit: the roll-up keeps amounts per unit in
DECIMAL(28,18), 18 decimals so that products of quantities stay exact (a sum
that grows past it through quantities is reported as an error, never rounded).
Every malformed row is reported with its file and line (the first 20, then a
count) and nothing is computed or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from tmec.core.errors import InputError
from tmec.core.numbers import LINE_AMOUNT, LINE_QUANTITY, grammar
from tmec.engine.duck_errors import reading
from tmec.engine.number_sql import NumberSql, number_sql
from tmec.engine.rollup import LARGEST_VALUE, ROLL_LIMIT
from tmec.engine.rollup_sql import part_key

__all__ = [
    "GOOD_AMOUNTS",
    "MONEY",
    "QTY",
    "TABLES",
    "InputErrors",
    "find_table",
    "load_bom",
    "number_column",
]

MONEY = "DECIMAL(18,4)"
QTY = "DECIMAL(9,3)"
MAX_SHOWN = 20

GOOD_AMOUNTS = (
    "international_shipping",
    "other_product_costs",
    "period_costs",
    "other_costs",
    "sales_promotion",
    "royalties",
    "shipping_packing",
    "non_allowable_interest",
)
TABLES = {
    "goods": ("good_id", "hs", "transaction_value"),
    "parts": ("part_id", "hs", "value"),  # hs: the column is required, a cell may be blank
    "edges": ("parent", "child", "quantity"),
}
ORIGINS = ("originating", "non_originating", "unknown")


class InputErrors(InputError):
    """Several malformed rows: the first :data:`MAX_SHOWN`, then how many more."""

    def __init__(self, problems: list[tuple[str, int | None, str]], total: int) -> None:
        self.problems = problems
        self.total = total
        lines = [
            f"{src}:{line}: {msg}" if line is not None else f"{src}: {msg}" for src, line, msg in problems
        ]
        more = total - len(problems)
        head = f"{total} malformed row(s); nothing was computed or written"
        body = "\n".join(lines) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(f"{head}\n{body}")

    def __str__(self) -> str:
        return self.message


def find_table(directory: Path, name: str, *, required: bool = True) -> Path | None:
    for ext in (".parquet", ".csv"):
        path = directory / f"{name}{ext}"
        if path.is_file():
            return path
    if required:
        raise InputError(f"expected {name}.csv or {name}.parquet in the BOM directory", source=str(directory))
    return None


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def read_raw(conn: duckdb.DuckDBPyConnection, path: Path, name: str) -> dict[str, str]:
    """Load a file with its line numbers (CSV: the file line; Parquet: the row); column -> type."""
    kind = "TABLE"
    if path.suffix == ".csv":
        src = f"read_csv('{_q(path)}', header=true, all_varchar=true, auto_detect=true)"
        sql = f"SELECT (row_number() OVER () + 1)::BIGINT AS __line, * FROM {src}"  # the header is line 1
    else:
        kind = "VIEW"  # typed already, and read twice faster than copied once
        sql = (
            "SELECT (file_row_number + 1)::BIGINT AS __line, * EXCLUDE (file_row_number) "
            f"FROM read_parquet('{_q(path)}', file_row_number = true)"
        )
    with reading(path, f"opening the {name} table"):
        _drop(conn, f"raw_{name}")
        conn.execute(f'CREATE {kind} "raw_{name}" AS {sql}')
    cols = raw_columns(conn, name)
    missing = [c for c in TABLES[name] if c not in cols]
    if missing:
        raise InputError(f"missing column(s) {missing}; found {list(cols)}", source=str(path), line=1)
    return cols


def _drop(conn: duckdb.DuckDBPyConnection, name: str) -> None:
    found = conn.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    if found:
        conn.execute(f'DROP {"VIEW" if found[0][0] == "VIEW" else "TABLE"} "{name}"')


def raw_columns(conn: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute(f'DESCRIBE "raw_{name}"').fetchall()[1:]}


def _numeric(col: str, cols: Mapping[str, str]) -> bool:
    kind = cols.get(col, "VARCHAR").upper()
    return kind.startswith(("DECIMAL", "INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINT"))


def _text(col: str, cols: Iterable[str]) -> str:
    """The column as trimmed text, or NULL when the column is absent or blank."""
    if col not in cols:
        return "CAST(NULL AS VARCHAR)"
    return f"NULLIF(TRIM(CAST(\"{col}\" AS VARCHAR)), '')"


def _amount_check(col: str, places: int, *, positive: bool = False) -> str:
    """A column typed as a number by its file holds one of at most ``places`` decimals (above 0 when
    ``positive``) that fits its type (:data:`MONEY` for 4 places, :data:`QTY` for 3): a larger one
    is named, never read as blank."""
    kind = MONEY if places == 4 else QTY
    top = _largest(kind)
    what = f"a number {'greater than' if positive else 'not less than'} 0 with at most {places} decimals"
    c = f'"{col}"'
    cond = f"({c} {'<=' if positive else '<'} 0 OR {c} <> round({c}, {places}))"
    found = f"' || {c}"
    return (
        f"CASE WHEN {c} IS NOT NULL AND {cond} THEN '{col}: expected {what}, found {found} "
        f"WHEN {c} IS NOT NULL AND TRY_CAST({c} AS {kind}) IS NULL "
        f"THEN '{col}: at most {top}, found {found} END"
    )


def _largest(kind: str) -> str:
    """The largest number a ``DECIMAL(p,s)`` type holds, as text."""
    p, s = (int(x) for x in kind[kind.index("(") + 1 : -1].split(","))
    return "9" * (p - s) + "." + "9" * s


def _below_roll_limit(col: str, value: str) -> str:
    """A part's amount (``value``, typed) the roll-up can hold exactly (see the module's notes)."""
    v = f"CAST({value} AS DOUBLE)"
    return (
        f"CASE WHEN {v} >= {ROLL_LIMIT} THEN '{col}: at most {LARGEST_VALUE} per unit (the roll-up keeps "
        f"18 decimals in 28 digits), found ' || CAST({v} AS DECIMAL(38,4)) END"
    )


def _hs_check(col: str, cols: Iterable[str], *, required: bool, min_digits: int) -> str:
    v = _text(col, cols)
    digits = f"regexp_replace({v}, '[ .\\-]', '', 'g')"
    bad = (
        f"(NOT regexp_full_match({digits}, '[0-9]+') OR length({digits}) NOT IN (6, 8, 10) "
        f"OR length({digits}) < {min_digits} OR left({digits}, 2) IN ('00', '77'))"
    )
    msg = f"'{col}: expected an HS code of 6, 8 or 10 digits, found ''' || {v} || ''''"
    check = f"CASE WHEN {v} IS NOT NULL AND {bad} THEN {msg} END"
    if required:
        check = f"COALESCE(CASE WHEN {v} IS NULL THEN '{col}: required' END, {check})"
    return check


def _required(col: str, cols: Iterable[str]) -> str:
    return f"CASE WHEN {_text(col, cols)} IS NULL THEN '{col}: required' END"


@dataclass(frozen=True)
class BomFiles:
    goods: Path
    parts: Path
    edges: Path
    # No two parts' ids share the roll-up's 63-bit key (tmec.engine.rollup_sql): it may join by it.
    distinct_keys: bool = False


def number_column(
    col: str,
    cols: Mapping[str, str],
    locale: str | None,
    *,
    quantity: bool = False,
    positive: bool = False,
) -> NumberSql:
    """A number column: typed by its file (Parquet DECIMAL or integer) as it is, text by the grammar
    of ``locale`` (:mod:`tmec.core.numbers`, as the Python path reads the same cell).  A quantity
    is above 0."""
    places, kind = (3, QTY) if quantity else (4, MONEY)
    positive = positive or quantity
    if _numeric(col, cols):
        typed = f'TRY_CAST("{col}" AS {kind})'
        return NumberSql(typed, _amount_check(col, places, positive=positive), typed)
    g = grammar(locale) if locale and cols.get(col, "VARCHAR").upper() not in _FLOATS else None
    limit = LINE_QUANTITY if quantity else LINE_AMOUNT
    return number_sql(col, _text(col, cols), g, limit, positive=positive)


_FLOATS = ("DOUBLE", "FLOAT", "REAL")  # typed columns whose text is plain, whatever the locale


def _checks(name: str, cols: Mapping[str, str], locale: str | None) -> list[str]:
    def number(c: str, quantity: bool = False) -> str:
        return number_column(c, cols, locale, quantity=quantity).problem

    if name == "goods":
        return [
            _required("good_id", cols),
            _hs_check("hs", cols, required=True, min_digits=6),
            _required("transaction_value", cols),
            *(number(c) for c in ("transaction_value", *GOOD_AMOUNTS)),
        ]
    if name == "parts":
        origin = _text("origin", cols)
        allowed = ", ".join(f"'{o}'" for o in ORIGINS)
        return [
            _required("part_id", cols),
            _hs_check("hs", cols, required=False, min_digits=6),
            f"CASE WHEN {origin} IS NOT NULL AND {origin} NOT IN ({allowed}) THEN "
            f"'origin: expected originating, non_originating or unknown, found ''' || {origin} || '''' END",
            *(number(c) for c in ("value", "statement_vnm")),
            *(
                _below_roll_limit(c, number_column(c, cols, locale).checked)
                for c in ("value", "statement_vnm")
            ),
        ]
    return [
        _required("parent", cols),
        _required("child", cols),
        number("quantity", quantity=True),
        f"CASE WHEN {_text('parent', cols)} = {_text('child', cols)} THEN 'a part cannot contain itself' END",
    ]


def _typed_sql(name: str, cols: Mapping[str, str], locale: str | None) -> str:
    def t(c: str) -> str:
        return _text(c, cols)

    def amount(c: str, default: str | None = "0") -> str:
        expr = number_column(c, cols, locale).checked  # the rows are checked before they are used
        return f"COALESCE({expr}, CAST({default} AS {MONEY}))" if default is not None else expr

    def hs(c: str) -> str:
        return f"regexp_replace({t(c)}, '[ .\\-]', '', 'g')"

    if name == "goods":
        extra = ",\n".join(f"{amount(c)} AS {c}" for c in GOOD_AMOUNTS)
        return (
            f"SELECT {t('good_id')} AS good_id, {hs('hs')} AS hs, {t('description')} AS description, "
            f"COALESCE({t('end_use')}, 'any') AS end_use, "
            f"{amount('transaction_value', None)} AS transaction_value, {extra}, __line FROM raw_goods"
        )
    if name == "parts":
        return (
            f"SELECT {t('part_id')} AS part_id, {hs('hs')} AS hs, "
            f"COALESCE({t('origin')}, 'unknown') AS origin, "
            f"{amount('value')} AS value, {amount('statement_vnm', None)} AS statement_vnm, "
            f"{t('description')} AS description, {t('country')} AS country, {t('supplier')} AS supplier, "
            f"__line FROM raw_parts"
        )
    return (
        f"SELECT {t('parent')} AS parent, {t('child')} AS child, "
        f"{number_column('quantity', cols, locale, quantity=True).checked} AS quantity, "
        "__line FROM raw_edges"
    )


def _cross_checks(conn: duckdb.DuckDBPyConnection, files: BomFiles) -> list[str]:
    """Checks across tables and rows: unknown ids, duplicates, statements above the value.

    Parts listed twice are looked for line by line only when their ids' keys are not all distinct
    (``files.distinct_keys``: distinct keys are distinct ids)."""
    g, p, e = (str(files.goods), str(files.parts), str(files.edges))
    # Pairs listed twice are looked for line by line only when as many pairs' hashes are not
    # distinct (a duplicate, or two pairs sharing a hash): counting them is cheaper than the window.
    row = conn.execute("SELECT count(*) - count(DISTINCT hash(parent, child)) FROM edges").fetchone()
    pairs_twice = bool(row and row[0])

    def s(x: str) -> str:
        return x.replace("'", "''")

    return [
        *(
            []
            if files.distinct_keys
            else [
                f"SELECT '{s(p)}', __line, 'part_id: ' || part_id || ' appears more than once' FROM "
                "(SELECT part_id, __line, row_number() OVER (PARTITION BY part_id ORDER BY __line) AS n "
                "FROM parts) WHERE n > 1"
            ]
        ),
        f"SELECT '{s(g)}', __line, 'good_id: ' || good_id || ' appears more than once' FROM "
        "(SELECT good_id, __line, row_number() OVER (PARTITION BY good_id ORDER BY __line) AS n FROM goods) "
        "WHERE n > 1",
        f"SELECT '{s(g)}', g.__line, 'good_id: ' || g.good_id || ' is not in parts' FROM goods g "
        "ANTI JOIN parts p ON g.good_id = p.part_id",
        # Without components every test of origin would pass vacuously (as a case without materials).
        f"SELECT '{s(g)}', g.__line, 'good_id: ' || g.good_id || ' has no components in edges: a good lists "
        "its materials' FROM goods g ANTI JOIN edges e ON g.good_id = e.parent",
        f"SELECT '{s(e)}', e.__line, 'parent: ' || e.parent || ' is not in parts' FROM edges e "
        "ANTI JOIN parts p ON e.parent = p.part_id",
        f"SELECT '{s(e)}', e.__line, 'child: ' || e.child || ' is not in parts' FROM edges e "
        "ANTI JOIN parts p ON e.child = p.part_id",
        *(
            [
                f"SELECT '{s(e)}', __line, 'the pair ' || parent || ' -> ' || child || ' appears more than "
                "once' FROM (SELECT *, row_number() OVER (PARTITION BY parent, child ORDER BY __line) AS n "
                "FROM edges) WHERE n > 1"
            ]
            if pairs_twice
            else []
        ),
        f"SELECT '{s(p)}', __line, 'statement_vnm: ' || statement_vnm || ' exceeds the value ' || value "
        "FROM parts WHERE statement_vnm > value",
        f"SELECT '{s(p)}', __line, 'statement_vnm: an accumulation statement needs production in the "
        "USMCA territory (US, MX, CA), found country ' || country FROM parts "
        "WHERE statement_vnm IS NOT NULL AND country IS NOT NULL "
        "AND upper(country) NOT IN ('US', 'MX', 'CA')",
        f"SELECT '{s(g)}', __line, 'international_shipping exceeds transaction_value' FROM goods "
        "WHERE international_shipping > transaction_value",
    ]


def load_bom(conn: duckdb.DuckDBPyConnection, directory: Path, *, locale: str | None = None) -> BomFiles:
    """Validate BOM_DIR and load it as the typed tables ``goods``, ``parts``, ``edges`` in ``conn``;
    amounts written as text are read as ``locale`` writes them (:mod:`tmec.core.numbers`).

    Raises :class:`InputErrors` listing the first 20 malformed rows (file and
    line) and how many there are in all.
    """
    if not directory.is_dir():
        raise InputError("expected a directory with goods, parts and edges tables", source=str(directory))
    # A damaged Parquet file fails as its pages are read, in many ways, at any step: bad input naming
    # the tables; any other failure of DuckDB (out of memory, an overflow) says what failed instead.
    try:
        with reading(directory, "validating the bill of materials", "the tables"):
            return _load_bom(conn, directory, locale)
    except InputError as exc:
        culprit = _unreadable(conn, directory) if exc.source == str(directory) else None
        if culprit is None:
            raise
        raise InputError(exc.message.replace("the tables", "the file"), source=str(culprit)) from None


def _unreadable(conn: duckdb.DuckDBPyConnection, directory: Path) -> Path | None:
    """The table DuckDB cannot read to its end, when its error named none (a damaged Parquet page):
    each read whole (every column hashed), on this error path only."""
    for name in ("goods", "parts", "edges"):
        path = find_table(directory, name, required=False)
        if path is None:
            continue
        src = (
            f"read_csv('{_q(path)}', all_varchar=true)"
            if path.suffix == ".csv"
            else f"read_parquet('{_q(path)}')"
        )
        try:
            conn.execute(f"SELECT max(hash(t)) FROM {src} t").fetchall()
        except duckdb.Error:
            return path
    return None


def _load_bom(conn: duckdb.DuckDBPyConnection, directory: Path, locale: str | None) -> BomFiles:
    files = BomFiles(*(find_table(directory, n) for n in ("goods", "parts", "edges")))  # type: ignore[arg-type]
    problems: list[str] = []
    made: list[str] = []
    try:
        # One pass per table: the typed copy carries each row's problem, if any, in a column of its
        # own (and the parts whether a value was given), dropped once the rows have been reported.
        # The checks and the typed copy reading the raw cells apart cost a second pass over them.
        for name in ("goods", "parts", "edges"):
            path: Path = getattr(files, name)
            cols = read_raw(conn, path, name)
            src = str(path).replace("'", "''")
            extra = f", coalesce({', '.join(_checks(name, cols, locale))}) AS {PROBLEM}"
            if name == "parts":
                extra += f", {_text('value', cols)} IS NULL AS {NO_VALUE}"
            head, _, tail = _typed_sql(name, cols, locale).rpartition(f" FROM raw_{name}")
            conn.execute(f'CREATE OR REPLACE TABLE "{name}" AS {head}{extra} FROM raw_{name}{tail}')
            made.append(name)
            _drop(conn, f"raw_{name}")
            problems.append(
                f"SELECT '{src}' AS file, __line AS line, {PROBLEM} AS msg FROM {name} "
                f"WHERE {PROBLEM} IS NOT NULL"
            )
        row = conn.execute(
            f"SELECT count(*) = count(DISTINCT {part_key('part_id')}) FROM parts WHERE part_id IS NOT NULL"
        ).fetchone()
        files = replace(files, distinct_keys=bool(row and row[0]))
        # Rows and cross-table checks are reported together: one run shows every kind of problem.
        _report(
            conn,
            [
                *problems,
                _bought_parts_need_value(files),
                *_cross_checks(conn, files),
                *_unknown_codes(conn, files),
                *_unknown_countries(conn, files),
            ],
        )
    finally:
        for name in made:
            conn.execute(f'ALTER TABLE "{name}" DROP COLUMN {PROBLEM}')
            if name == "parts":
                conn.execute(f'ALTER TABLE "parts" DROP COLUMN {NO_VALUE}')
    return files


PROBLEM = "__problem"  # the row's first problem (NULL: none), while the tables are checked
NO_VALUE = "__no_value"  # the part's value cell was blank or absent, while the tables are checked


def _bought_parts_need_value(files: BomFiles) -> str:
    """A bought part (no components in ``edges``) without a value would silently count as zero.
    The load noted whether the value was given; the typed edges give the parents."""
    src = str(files.parts).replace("'", "''")
    return (
        f"SELECT '{src}' AS file, __line AS line, "
        "'value: required for a bought part (one with no components in edges)' AS msg FROM parts p "
        f"ANTI JOIN edges e ON p.part_id = e.parent WHERE {NO_VALUE} AND part_id IS NOT NULL"
    )


def _unknown_codes(conn: duckdb.DuckDBPyConnection, files: BomFiles) -> list[str]:
    """Codes of the right form that the HS 2022 nomenclature does not have (checked once per code)."""
    from tmec.core import hs

    queries = []
    for table, path in (("goods", files.goods), ("parts", files.parts)):
        codes = [
            r[0] for r in conn.execute(f"SELECT DISTINCT hs FROM {table} WHERE hs IS NOT NULL").fetchall()
        ]
        # Codes of the wrong form are already reported, with their line, by the row checks.
        bad = [c for c in codes if hs.is_valid(c) and not hs.exists(c[:6])]
        if bad:
            listed = ", ".join("'" + c + "'" for c in bad)
            src = str(path).replace("'", "''")
            queries.append(
                f"SELECT '{src}', __line, 'hs: ' || hs || ' is not in the HS 2022 nomenclature' "
                f"FROM {table} WHERE hs IN ({listed})"
            )
    return queries


def _unknown_countries(conn: duckdb.DuckDBPyConnection, files: BomFiles) -> list[str]:
    """Parts' countries that are not ISO 3166 codes (checked once per distinct value)."""
    from tmec.core.countries import country

    rows = conn.execute("SELECT DISTINCT country FROM parts WHERE country IS NOT NULL").fetchall()
    bad = []
    for (code,) in rows:
        try:
            country(code, field="country")
        except InputError:
            bad.append(str(code))
    if not bad:
        return []
    listed = ", ".join(_lit(c) for c in bad)
    src = str(files.parts).replace("'", "''")
    msg = "'country: expected an ISO 3166 country code such as MX or CA, found ''' || country || ''''"
    return [f"SELECT '{src}', __line, {msg} FROM parts WHERE country IN ({listed})"]


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _report(conn: duckdb.DuckDBPyConnection, queries: list[str]) -> None:
    union = " UNION ALL ".join(f"({q})" for q in queries)
    total = conn.execute(f"SELECT count(*) FROM ({union})").fetchall()
    n = int(total[0][0]) if total else 0
    if n:
        rows = conn.execute(f"SELECT * FROM ({union}) ORDER BY 1, 2 NULLS FIRST LIMIT {MAX_SHOWN}").fetchall()
        raise InputErrors([(str(f), None if li is None else int(li), str(m)) for f, li, m in rows], n)
