"""A year of customs entry lines (CSV or Parquet), validated before anything is priced.

Columns (the fields of :class:`tmec.tariffs.Entry`): ``entry_date`` (ISO date),
``hts`` (8 or 10 digits, dots allowed), ``origin`` (ISO 3166 alpha-2),
``value`` (> 0), optional ``usmca`` (yes/no, only for CA and MX goods),
``steel_value``, ``aluminum_value``, ``non_us_content`` (amounts, not above the
value), ``melted_poured``, ``smelted_cast`` (country, or ``unknown``), ``line``
(your own line id).  Malformed rows: the first 20 with file and line, then a
count; nothing is priced or written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tmec.core.errors import InputError
from tmec.engine.bom_tables import InputErrors, _amount_check, _drop, _numeric, _q, _text

__all__ = ["AMOUNT", "load_entries"]

AMOUNT = "DECIMAL(18,4)"
REQUIRED = ("entry_date", "hts", "origin", "value")
AMOUNTS = ("steel_value", "aluminum_value", "non_us_content")
MAX_SHOWN = 20


def _columns(conn: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute(f'DESCRIBE "{name}"').fetchall()[1:]}


def load_entries(conn: duckdb.DuckDBPyConnection, path: Path, name: str = "entries") -> int:
    """Validate ``path`` and load it as the typed table ``name``; return the number of lines."""
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
        return _text(c, cols)

    def amount(c: str) -> str:
        return f'TRY_CAST("{c}" AS {AMOUNT})' if _numeric(c, cols) else f"TRY_CAST({t(c)} AS {AMOUNT})"

    hts = f"regexp_replace({t('hts')}, '[ .\\-]', '', 'g')"
    date = (
        'TRY_CAST("entry_date" AS DATE)'
        if "DATE" in cols["entry_date"]
        else f"TRY_CAST({t('entry_date')} AS DATE)"
    )
    usmca = f"lower(coalesce({t('usmca')}, ''))"
    place = {c: f"upper(coalesce({t(c)}, ''))" for c in ("melted_poured", "smelted_cast")}
    checks = [f"CASE WHEN {t(c)} IS NULL THEN '{c}: required' END" for c in REQUIRED] + [
        f"CASE WHEN {date} IS NULL THEN 'entry_date: expected an ISO date YYYY-MM-DD, found ''' "
        f"|| {t('entry_date')} || '''' END",
        f"CASE WHEN NOT regexp_full_match({hts}, '[0-9]{{8}}([0-9]{{2}})?') THEN "
        f"'hts: expected an HTS tariff item of 8 or 10 digits, found ''' || {t('hts')} || '''' END",
        f"CASE WHEN NOT regexp_full_match(upper({t('origin')}), '[A-Z]{{2}}') THEN "
        f"'origin: expected an ISO 3166 country code such as MX or CA, found ''' "
        f"|| {t('origin')} || '''' END",
        _amount_check("value", cols, 4, positive=True),
        *(_amount_check(c, cols, 4) for c in AMOUNTS),
        f"CASE WHEN {usmca} NOT IN ('', '0', '1', 'true', 'false', 'yes', 'no', 'y', 'n', 's', 'x') THEN "
        f"'usmca: expected yes/no (true/false), found ''' || {t('usmca')} || '''' END",
        f"CASE WHEN {usmca} IN ('1', 'true', 'yes', 'y', 's', 'x') "
        f"AND upper({t('origin')}) NOT IN ('CA', 'MX') "
        "THEN 'usmca: a USMCA claim needs a good of Canada or Mexico' END",
        *(
            f"CASE WHEN {amount(c)} > {amount('value')} THEN '{c}: more than the entered value' END"
            for c in AMOUNTS
        ),
        f"CASE WHEN coalesce({amount('steel_value')}, 0) + coalesce({amount('aluminum_value')}, 0) "
        f"> {amount('value')} "
        "THEN 'aluminum_value: steel value plus aluminum value is more than the value' END",
        *(
            f"CASE WHEN {place[c]} <> '' AND {place[c]} <> 'UNKNOWN' "
            f"AND NOT regexp_full_match({place[c]}, '[A-Z]{{2}}') "
            f"THEN '{c}: expected a country code or unknown, found ''' || {t(c)} || '''' END"
            for c in place
        ),
    ]
    problems = (
        f"SELECT '{_q(path)}' AS file, __line AS line, msg FROM "
        f"(SELECT __line, coalesce({', '.join(checks)}) AS msg "
        f'FROM "{raw}") WHERE msg IS NOT NULL'
    )
    problems += _unknown_countries(conn, raw, path, {"origin": f"upper({t('origin')})", **place})
    row = conn.execute(f"SELECT count(*) FROM ({problems})").fetchall()
    n_bad = int(row[0][0]) if row else 0
    if n_bad:
        rows = conn.execute(f"SELECT * FROM ({problems}) ORDER BY line LIMIT {MAX_SHOWN}").fetchall()
        raise InputErrors([(str(f), int(li), str(m)) for f, li, m in rows], n_bad)
    country = {c: f"CASE WHEN {place[c]} = '' THEN NULL WHEN {place[c]} = 'UNKNOWN' THEN 'unknown' "
                  f"WHEN {place[c]} = 'UK' THEN 'GB' ELSE {place[c]} END" for c in place}  # fmt: skip
    origin = f"CASE WHEN upper({t('origin')}) = 'UK' THEN 'GB' ELSE upper({t('origin')}) END"
    conn.execute(
        f"""CREATE OR REPLACE TABLE "{name}" AS SELECT __line AS src_line, {date} AS entry_date, {hts} AS hts,
        {origin} AS origin, {amount("value")} AS value,
        {usmca} IN ('1', 'true', 'yes', 'y', 's', 'x') AS usmca,
        {", ".join(f"{amount(c)} AS {c}" for c in AMOUNTS)},
        {country["melted_poured"]} AS melted_poured, {country["smelted_cast"]} AS smelted_cast,
        {t("line")} AS line FROM "{raw}" """
    )
    _drop(conn, raw)
    row = conn.execute(f'SELECT count(*) FROM "{name}"').fetchall()
    return int(row[0][0]) if row else 0


def _unknown_countries(conn: duckdb.DuckDBPyConnection, raw: str, path: Path, exprs: dict[str, str]) -> str:
    """Two-letter codes that are not ISO 3166 countries (checked once per distinct code)."""
    from tmec.tariffs.entry import country

    out = ""
    for col, expr in exprs.items():
        codes = [str(r[0]) for r in conn.execute(f'SELECT DISTINCT {expr} FROM "{raw}"').fetchall() if r[0]]
        bad = []
        for code in codes:
            if code in ("", "UNKNOWN") or not (len(code) == 2 and code.isalpha()):
                continue
            try:
                country(code, field=col)
            except InputError:
                bad.append(code)
        if bad:
            listed = ", ".join(f"'{b}'" for b in bad)
            out += (
                f" UNION ALL SELECT '{_q(path)}', __line, '{col}: expected an ISO 3166 country code, found ' "
                f'|| {expr} FROM "{raw}" WHERE {expr} IN ({listed})'
            )
    return out
