"""A year of customs entry lines (CSV or Parquet), validated before anything is priced.

Columns (the fields of :class:`tmec.tariffs.Entry`): ``entry_date`` (ISO date),
``hts`` (8 or 10 digits, dots allowed), ``origin`` (ISO 3166 alpha-2),
``value`` (> 0, below 10^14), optional ``usmca`` (yes/no, only for CA and MX goods),
``steel_value``, ``aluminum_value``, ``non_us_content``, ``copper_value`` (amounts, not above the
value), ``melted_poured``, ``smelted_cast`` (country, or ``unknown``), ``quantity`` (in the
line's unit of quantity) and ``weight_kg`` (for specific rates), ``line`` (your own line id).
Malformed rows: the first 20 with file and line, then a count; nothing is priced or written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb

from tmec.core.errors import InputError
from tmec.engine.bom_tables import InputErrors, _drop, _q, _text, number_column
from tmec.tariffs import default_tables

__all__ = ["AMOUNT", "load_entries"]

AMOUNT = "DECIMAL(18,4)"
REQUIRED = ("entry_date", "hts", "origin", "value")
AMOUNTS = ("steel_value", "aluminum_value", "non_us_content", "copper_value")
QUANTITIES = ("quantity", "weight_kg", "metal_weight_kg")  # specific rates; the 2026 metal-weight rule
MAX_SHOWN = 20


def _columns(conn: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute(f'DESCRIBE "{name}"').fetchall()[1:]}


def load_entries(
    conn: duckdb.DuckDBPyConnection, path: Path, name: str = "entries", *, locale: str | None = None
) -> int:
    """Validate ``path`` and load it as the typed table ``name``; return the number of lines.

    Amounts are read as :func:`tmec.tariffs.entry_from_mapping` reads them, in ``locale``.  A file
    DuckDB cannot read to the end (a damaged Parquet file fails as its pages are read, in many
    ways) is bad input naming the file."""
    try:
        return _load_entries(conn, path, name, locale)
    except duckdb.Error as exc:
        for table in (f"raw_{name}", f"{name}__staged"):
            _drop(conn, table)
        raise InputError(f"cannot read the file: {str(exc).splitlines()[0]}", source=str(path)) from None


def _load_entries(conn: duckdb.DuckDBPyConnection, path: Path, name: str, locale: str | None) -> int:
    if not path.is_file():
        raise InputError("expected a CSV or Parquet file of entry lines", source=str(path))
    raw = f"raw_{name}"
    _drop(conn, raw)
    if path.suffix == ".csv":
        src = f"read_csv('{_q(path)}', header=true, all_varchar=true)"
        sql = f"SELECT (row_number() OVER () + 1)::BIGINT AS __line, * FROM {src}"
        kind = "TABLE"
    else:
        sql = (
            "SELECT (file_row_number + 1)::BIGINT AS __line, * EXCLUDE (file_row_number) "
            f"FROM read_parquet('{_q(path)}', file_row_number = true)"
        )
        kind = "VIEW"
    try:
        conn.execute(f'CREATE {kind} "{raw}" AS {sql}')
    except duckdb.Error as exc:
        raise InputError(f"cannot read the file: {str(exc).splitlines()[0]}", source=str(path)) from None
    cols = _columns(conn, raw)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(f"missing column(s) {missing}; found {list(cols)}", source=str(path), line=1)

    def t(c: str) -> str:
        return _trimmed(c, cols)

    numbers = {
        c: number_column(c, cols, locale, positive=c == "value") for c in ("value", *AMOUNTS, *QUANTITIES)
    }

    def amount(c: str) -> str:
        # The lines are loaded only if no problem is found: the cheaper reading is enough.
        return numbers[c].checked

    hts = f"replace(replace(replace({t('hts')}, '.', ''), ' ', ''), '-', '')"
    date = (
        'TRY_CAST("entry_date" AS DATE)'
        if "DATE" in cols["entry_date"]
        else f"TRY_CAST({t('entry_date')} AS DATE)"
    )
    tables = default_tables()
    first = tables.first_date().isoformat()  # the earliest day the schedule prices
    usmca = f"lower(coalesce({t('usmca')}, ''))"
    place = {c: f"upper(coalesce({t(c)}, ''))" for c in ("melted_poured", "smelted_cast")}
    # Codes, countries and flags take few distinct values: they are checked once per value, in
    # Python, and only the lines holding a bad one are looked up.  Amounts are checked per line.
    checks = [f"CASE WHEN {_blank(c, cols)} THEN '{c}: required' END" for c in REQUIRED] + [
        f"CASE WHEN {date} IS NULL THEN 'entry_date: expected an ISO date YYYY-MM-DD, found ''' "
        f"|| {t('entry_date')} || '''' END",
        f"CASE WHEN {date} < DATE '{first}' THEN 'entry_date: no tariff data before {first}, found ' "
        f"|| {t('entry_date')} END",
        *(numbers[c].problem for c in ("value", *AMOUNTS, *QUANTITIES)),
        *(
            f"CASE WHEN {amount(c)} > {amount('value')} THEN '{c}: more than the entered value' END"
            for c in AMOUNTS
        ),
        f"CASE WHEN coalesce({amount('steel_value')}, 0) + coalesce({amount('aluminum_value')}, 0) "
        f"> {amount('value')} "
        "THEN 'aluminum_value: steel value plus aluminum value is more than the value' END",
    ]
    # the 2026 metals carve-out turns on the metal's share of the weight being under a threshold
    # (15 %, note 16(c)): the share's side of each threshold of the measures is a fact of the line
    thresholds = sorted(
        {
            Decimal(str(m.when["metal_weight_under"]))
            for m in tables.measures
            if "metal_weight_under" in m.when
        }
    )
    share = f"({amount('metal_weight_kg')} * 100 / NULLIF({amount('weight_kg')}, 0))"
    light = " + ".join(f"CASE WHEN {share} < {x} THEN 1 ELSE 0 END" for x in thresholds) or "0"
    light_metal = f"CASE WHEN {share} IS NULL THEN NULL ELSE ({light}) END"
    program = f"upper({t('program')})"  # the special program claimed: column spi (program is the duty's)
    origin_text = f"upper({t('origin')})"
    value_checks = [
        (hts, t("hts"), _bad_hts),
        (origin_text, t("origin"), _bad_origin),
        (usmca, t("usmca"), _bad_flag),
        (program, t("program"), _bad_program),
        *((place[c], t(c), _bad_place(c)) for c in place),
        (f"{usmca} || '|' || coalesce({origin_text}, '')", "NULL", _bad_claim),
    ]
    by_value = _by_value(conn, raw, path, value_checks)
    # The text columns' readings are computed once per line (below, in an inner query), and the
    # typed line uses them by name: written out, each use was computed again.
    once = {"__hts": hts, "__origin": origin_text, "__usmca": usmca, **{f"__{c}": place[c] for c in place}}
    country = {c: f"CASE WHEN __{c} = '' THEN NULL WHEN __{c} = 'UNKNOWN' THEN 'unknown' "
                  f"WHEN __{c} = 'UK' THEN 'GB' ELSE __{c} END" for c in place}  # fmt: skip
    origin = "CASE WHEN __origin = 'UK' THEN 'GB' ELSE __origin END"
    inner = f'SELECT *, {", ".join(f"{v} AS {k}" for k, v in once.items())} FROM "{raw}"'
    # The lines are typed and checked in one pass over the file (the problem, if any, in a column
    # of its own), into a table under another name: the table ``name`` is replaced only once
    # every line is good.
    typed = f"""SELECT __line AS src_line, {date} AS entry_date, __hts AS hts,
        {origin} AS origin, {amount("value")} AS value,
        __usmca IN ('1', 'true', 'yes', 'y', 's', 'x') AS usmca,
        {", ".join(f"{amount(c)} AS {c}" for c in AMOUNTS)},
        {", ".join(f"{amount(c)} AS {c}" for c in QUANTITIES)},
        {country["melted_poured"]} AS melted_poured, {country["smelted_cast"]} AS smelted_cast,
        {program} AS spi, {light_metal} AS light_metal,
        {t("line")} AS line, coalesce({", ".join(checks)}) AS __problem FROM ({inner}) """
    staged = f"{name}__staged"
    # ``fact``: what a line's duty depends on besides its amounts, hashed, so that the pricing
    # joins lines to their key on one integer (collisions are checked where it is used).
    conn.execute(
        f"""CREATE OR REPLACE TABLE "{staged}" AS SELECT *,
        CAST(hash(entry_date, hts, origin, usmca, melted_poured, smelted_cast,
                  has_steel, has_alu, has_copper, has_nonus, has_qty, has_kg, spi, light_metal) >> 1
                  AS BIGINT)
             AS fact
        FROM (SELECT *, steel_value IS NOT NULL AS has_steel, aluminum_value IS NOT NULL AS has_alu,
              copper_value IS NOT NULL AS has_copper,
              non_us_content IS NOT NULL AS has_nonus, quantity IS NOT NULL AS has_qty,
              weight_kg IS NOT NULL AS has_kg FROM ({typed}))"""
    )
    problems = (
        f"SELECT '{_q(path)}' AS file, src_line AS line, __problem AS msg FROM \"{staged}\" "
        f"WHERE __problem IS NOT NULL{by_value}"
    )
    row = conn.execute(f"SELECT count(*) FROM ({problems})").fetchall()
    n_bad = int(row[0][0]) if row else 0
    if n_bad:
        rows = conn.execute(f"SELECT * FROM ({problems}) ORDER BY line LIMIT {MAX_SHOWN}").fetchall()
        _drop(conn, staged)
        _drop(conn, raw)
        raise InputErrors([(str(f), int(li), str(m)) for f, li, m in rows], n_bad)
    _drop(conn, raw)
    _drop(conn, name)
    conn.execute(f'ALTER TABLE "{staged}" DROP COLUMN __problem')
    conn.execute(f'ALTER TABLE "{staged}" RENAME TO "{name}"')
    row = conn.execute(f'SELECT count(*) FROM "{name}"').fetchall()
    return int(row[0][0]) if row else 0


def _is_text(col: str, cols: dict[str, str]) -> bool:
    return "CHAR" in cols[col].upper() or "STRING" in cols[col].upper()


def _trimmed(col: str, cols: dict[str, str]) -> str:
    """The column as trimmed text, or NULL when absent or blank (``bom_tables._text``); a text
    column is trimmed only where it starts or ends with a space (trimming every line's text
    makes a copy of it: a third of a second per column and 10 M lines)."""
    if col not in cols or not _is_text(col, cols):
        return _text(col, cols)
    c = f'"{col}"'
    return (
        f"CASE WHEN {c} = '' OR starts_with({c}, ' ') OR ends_with({c}, ' ') "
        f"THEN NULLIF(TRIM({c}), '') ELSE {c} END"
    )


def _blank(col: str, cols: dict[str, str]) -> str:
    """The column is blank: NULL, or (text) only spaces.  A number or date the file types is never
    blank text, so it is not turned into text to be asked."""
    if _is_text(col, cols):
        return f"{_trimmed(col, cols)} IS NULL"
    return f'"{col}" IS NULL'


Check = Callable[[str], str | None]  # a distinct value -> why it is wrong, or None
TRUE = ("1", "true", "yes", "y", "s", "x")
FLAGS = ("", "0", "false", "no", "n", *TRUE)


def _bad_hts(v: str) -> str | None:
    if re.fullmatch(r"[0-9]{8}([0-9]{2})?", v):
        return None
    return "hts: expected an HTS tariff item of 8 or 10 digits, found {raw!r}"


def _iso(code: str) -> bool:
    from tmec.tariffs.entry import country

    try:
        country(code, field="origin")
    except InputError:
        return False
    return True


def _bad_origin(v: str) -> str | None:
    if not re.fullmatch(r"[A-Z]{2}", v):
        return "origin: expected an ISO 3166 country code such as MX or CA, found {raw!r}"
    return None if _iso(v) else f"origin: expected an ISO 3166 country code, found {v}"


def _bad_program(v: str) -> str | None:
    if v in ("S", "S+"):
        return "program: the USMCA preference is claimed in the usmca column, not as a program"
    return (
        None
        if re.fullmatch(r"[A-Z]{1,2}[+*]?", v)
        else "program: expected a program symbol (KR, AU, A+), found {raw!r}"
    )


def _bad_flag(v: str) -> str | None:
    return None if v in FLAGS else "usmca: expected yes/no (true/false), found {raw!r}"


def _bad_place(col: str) -> Check:
    def check(v: str) -> str | None:
        if v in ("", "UNKNOWN"):
            return None
        if not re.fullmatch(r"[A-Z]{2}", v):
            return f"{col}: expected a country code or unknown, found {{raw!r}}"
        return None if _iso(v) else f"{col}: expected an ISO 3166 country code, found {v}"

    return check


def _bad_claim(v: str) -> str | None:
    flag, _, origin = v.partition("|")
    if flag in TRUE and origin not in ("CA", "MX"):
        return "usmca: a USMCA claim needs a good of Canada or Mexico"
    return None


def _by_value(
    conn: duckdb.DuckDBPyConnection, raw: str, path: Path, checks: list[tuple[str, str, Check]]
) -> str:
    """Problem queries for the lines whose value of ``expr`` fails its check (checked once per value:
    the distinct values of every check come from one pass over the file, one grouping set each)."""
    cols = ", ".join(f"{expr} AS c{i}, {shown} AS r{i}" for i, (expr, shown, _) in enumerate(checks))
    sets = ", ".join(f"(c{i}, r{i})" for i in range(len(checks)))
    which = ", ".join(f"grouping(c{i})" for i in range(len(checks)))
    rows = conn.execute(
        f"SELECT {', '.join(f'c{i}, r{i}' for i in range(len(checks)))}, {which} "
        f'FROM (SELECT {cols} FROM "{raw}") GROUP BY GROUPING SETS ({sets})'
    ).fetchall()
    n = len(checks)
    values: list[list[tuple[object, object]]] = [[] for _ in checks]
    for r in rows:
        i = r[2 * n :].index(0)  # the set this row is of: the one column grouped on
        values[i].append((r[2 * i], r[2 * i + 1]))
    out = ""
    for (expr, _, check), found in zip(checks, values, strict=True):
        bad: dict[str, str] = {}
        for v, raw_text in found:
            if v is None:
                continue
            why = check(str(v))
            if why is not None:
                bad[str(v)] = why.format(raw=raw_text)
        if bad:
            cases = " ".join(f"WHEN {_lit(v)} THEN {_lit(m)}" for v, m in bad.items())
            listed = ", ".join(_lit(v) for v in bad)
            out += (
                f" UNION ALL SELECT '{_q(path)}', __line, CASE {expr} {cases} END "
                f'FROM "{raw}" WHERE {expr} IN ({listed})'
            )
    return out


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
