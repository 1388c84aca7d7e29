"""The importer's CBAM year in bulk: a file of import lines to the annual declaration.

The law decides, the engine multiplies (as :mod:`tmec.engine.exposure`).  What a line owes per
tonne depends on its CN code, origin and installation only (the year is the declaration's), so
the pure path (:func:`tmec.carbon.certificates.assess`) computes one tonne per distinct key;
the price depends on the import date only, so it is looked up once per distinct date.  The
engine then takes each line's mass times its key's certificates per tonne (floored at 0 per
tonne, which is per line since masses are not negative), rounds each line's cost to the cent
and sums by CN code, origin and quarter; :func:`tmec.carbon.declaration.finish` applies the
de minimis cliff and the quarterly holding.  ``tests/carbon/test_declare.py`` checks the result
against the pure path line by line.

Columns: ``cn`` (8 digits, spaces or dots allowed), ``origin`` (ISO 3166), ``net_mass`` (tonnes,
at most 6 decimals), ``date`` (ISO import date), optional ``installation`` (the id of an actual-data
file given with ``--actual``), ``supplier`` (the producer: without ``installation``, its emissions
declaration in force on the line's date is used, :mod:`tmec.engine.cbam_statements`) and ``line``
(your own id).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from tmec.carbon.actual import ActualData
from tmec.carbon.certificates import ImportLine, assess
from tmec.carbon.declaration import Declaration, finish
from tmec.carbon.law import CarbonLaw
from tmec.core.errors import InputError
from tmec.engine.bom_tables import InputErrors, _drop, _q, _text
from tmec.engine.duck_errors import reading
from tmec.engine.entry_tables import _by_value, _iso
from tmec.engine.session import Engine

if TYPE_CHECKING:
    from tmec.statements.model import Statement

__all__ = ["MASS", "PER_TONNE", "declare_lines", "load_imports"]

MASS = (16, 6)  # tonnes to the gram; with PER_TONNE the product stays within 38 digits on Spark too
PER_TONNE = (20, 14)  # t CO2e per t: published values have 3 decimals, template SEEs 14
PRICE = (12, 2)
REQUIRED = ("cn", "origin", "net_mass", "date")
MAX_SHOWN = 20
MAX_SUPPLIER = 300  # characters: a name, not a document


def load_imports(e: Engine, path: Path, law: CarbonLaw, year: int, installations: set[str]) -> int:
    """Validate ``path`` into the table ``cbam_lines``; every bad line named, nothing half-loaded."""
    conn = e.conn
    if not path.is_file():
        raise InputError("expected a CSV or Parquet file of import lines", source=str(path))
    if path.suffix == ".csv":
        src = f"read_csv('{_q(path)}', header=true, all_varchar=true)"
        sql = f"SELECT (row_number() OVER () + 1)::BIGINT AS __line, * FROM {src}"  # the header is line 1
    else:
        sql = (
            "SELECT (file_row_number + 1)::BIGINT AS __line, * EXCLUDE (file_row_number) "
            f"FROM read_parquet('{_q(path)}', file_row_number = true)"
        )
    _drop(conn, "cbam_raw")
    with reading(path, "reading the import lines"):
        conn.execute(f"CREATE TABLE cbam_raw AS {sql}")
    cols = {str(r[0]): str(r[1]) for r in conn.execute("DESCRIBE cbam_raw").fetchall()[1:]}
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(f"missing column(s) {missing}; found {list(cols)}", source=str(path), line=1)

    def t(c: str) -> str:
        return _text(c, cols)

    cn = f"replace(replace({t('cn')}, '.', ''), ' ', '')"
    date = f"TRY_CAST({t('date')} AS DATE)"
    mass_t = f"DECIMAL({MASS[0]},{MASS[1]})"
    mass = f"TRY_CAST({t('net_mass')} AS {mass_t})"
    origin = f"CASE WHEN upper({t('origin')}) = 'UK' THEN 'GB' ELSE upper({t('origin')}) END"
    checks = [f"CASE WHEN {t(c)} IS NULL THEN '{c}: required' END" for c in REQUIRED] + [
        f"CASE WHEN {date} IS NULL "
        f"THEN 'date: expected an ISO date YYYY-MM-DD, found ''' || {t('date')} || '''' END",
        f"CASE WHEN year({date}) <> {int(year)} THEN 'date: not in {int(year)}, found ' || {t('date')} END",
        f"CASE WHEN {mass} IS NULL OR {mass} < 0 OR TRY_CAST({t('net_mass')} AS DOUBLE) IS NULL "
        f"OR {mass} <> TRY_CAST({t('net_mass')} AS DECIMAL(38,12)) "
        f"THEN 'net_mass: expected tonnes not less than 0 with at most {MASS[1]} decimals, found ''' "
        f"|| {t('net_mass')} || '''' END",
    ]
    day = dt.date(year, 1, 1)

    def bad_cn(v: str) -> str | None:
        if not re.fullmatch(r"[0-9]{8}", v):
            return "cn: expected an 8-digit CN code, found {raw!r}"
        if not law.tables.is_good(v):
            return f"cn: CN {v} is not a CBAM good of iron/steel or aluminium (Reg. (EU) 2023/956 Annex I)"
        return None

    def bad_origin(v: str) -> str | None:
        if not re.fullmatch(r"[A-Z]{2}", v) or not _iso(v):
            return "origin: expected an ISO 3166 country code such as MX or CN, found {raw!r}"
        if law.eu_member(v, day):
            return f"origin: {v} is an EU member state: its goods are not CBAM imports"
        return None

    def bad_supplier(v: str) -> str | None:
        if len(v) > MAX_SUPPLIER or not v.isprintable():
            return (
                f"supplier: expected the supplier's name (printable, at most {MAX_SUPPLIER} "
                "characters), found {raw!r}"
            )
        return None

    def bad_installation(v: str) -> str | None:
        return None if v in installations else f"installation: no actual data for {v!r} (give --actual FILE)"

    by_value_checks: list[tuple[str, str, Callable[[str], str | None]]] = [
        (cn, t("cn"), bad_cn),
        (origin, t("origin"), bad_origin),
        (
            f"coalesce({t('installation')}, '')",
            t("installation"),
            lambda v: bad_installation(v) if v else None,
        ),
    ]
    if "supplier" in cols:  # a file without the column pays nothing for it
        by_value_checks.append(
            (f"coalesce({t('supplier')}, '')", t("supplier"), lambda v: bad_supplier(v) if v else None)
        )
    by_value = _by_value(conn, "cbam_raw", path, by_value_checks)
    conn.execute(
        f"""CREATE OR REPLACE TABLE cbam_staged AS SELECT __line AS src_line, {cn} AS cn, {origin} AS origin,
        {mass} AS net_mass, {date} AS import_date, {t("installation")} AS installation,
        {t("supplier")} AS supplier, {t("line")} AS line, CAST(NULL AS VARCHAR) AS statement,
        coalesce({", ".join(checks)}) AS __problem FROM cbam_raw"""
    )
    problems = (
        f"SELECT '{_q(path)}' AS file, src_line AS line, __problem AS msg FROM cbam_staged "
        f"WHERE __problem IS NOT NULL{by_value}"
    )
    n_bad = int(conn.execute(f"SELECT count(*) FROM ({problems})").fetchall()[0][0])
    if n_bad:
        rows = conn.execute(f"SELECT * FROM ({problems}) ORDER BY line LIMIT {MAX_SHOWN}").fetchall()
        _drop(conn, "cbam_staged")
        _drop(conn, "cbam_raw")
        raise InputErrors([(str(f), int(li), str(m)) for f, li, m in rows], n_bad)
    _drop(conn, "cbam_raw")
    _drop(conn, "cbam_lines")
    conn.execute("ALTER TABLE cbam_staged DROP COLUMN __problem")
    conn.execute("ALTER TABLE cbam_staged RENAME TO cbam_lines")
    return int(conn.execute("SELECT count(*) FROM cbam_lines").fetchall()[0][0])


def _exact(value: Decimal, places: int, what: str) -> Decimal:
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise InputError(f"{what} {value} has more than {places} decimals")
    return value


def _first_line(e: Engine, where: str) -> int:
    row = e.conn.execute(f"SELECT min(src_line) FROM cbam_lines WHERE {where}").fetchall()
    return int(row[0][0])


def _sql_text(v: str | None, col: str = "installation") -> str:
    return f"{col} IS NULL" if v is None else f"{col} = '" + v.replace("'", "''") + "'"


def declare_lines(
    e: Engine,
    path: Path,
    law: CarbonLaw,
    *,
    year: int,
    price: Decimal | None = None,
    actuals: Mapping[str, ActualData] | None = None,
    declarations: Sequence[Statement] = (),
) -> Declaration:
    """The annual declaration of the import lines in ``path`` (CSV or Parquet); ``declarations``:
    the emissions declarations a line with a ``supplier`` may take (any status: each line's date
    decides)."""
    from tmec.engine.cbam_statements import resolve_declarations
    from tmec.statements.emissions import to_actual

    actuals = actuals or {}
    load_imports(e, path, law, year, set(actuals))
    used = resolve_declarations(e, path, declarations)
    fn = e.F
    lines = e.table_from_duckdb("cbam_lines")
    flags: list[str] = []
    sources: list[str] = []
    # One tonne per key: certificates per tonne, and its parts.
    # In a fixed order (DISTINCT alone has none), so that flags and sources come out the same each run.
    keys = e.conn.execute(
        "SELECT DISTINCT cn, origin, installation, statement FROM cbam_lines "
        "ORDER BY cn, origin, installation NULLS FIRST, statement NULLS FIRST"
    ).fetchall()
    key_rows: list[dict[str, Any]] = []
    for cn, origin, inst, sid in keys:
        where = f"cn = '{cn}' AND origin = '{origin}' AND {_sql_text(inst)} AND {_sql_text(sid, 'statement')}"
        if inst is not None:
            actual: ActualData | None = actuals[inst]
        else:
            actual = to_actual(used[sid]) if sid is not None else None
        try:
            a = assess(
                law,
                ImportLine(
                    cn=cn,
                    origin=origin,
                    mass=Decimal(1),
                    year=year,
                    price=Decimal(0),
                    actual=actual,
                ),
            )
            key_rows.append(
                {
                    "cn": cn,
                    "origin": origin,
                    "installation": inst,
                    "statement": sid,
                    "see": _exact(a.see, PER_TONNE[1], "SEE"),
                    "sefa": _exact(a.sefa, PER_TONNE[1], "SEFA"),
                    "per_tonne": _exact(a.certificates, PER_TONNE[1], "certificates per tonne"),
                }
            )
        except InputError as exc:
            raise InputError(
                exc.message, source=str(path), line=_first_line(e, where), field=exc.field
            ) from None
        flags.extend(f for f in a.flags if f not in flags and not f.startswith("no import date"))
        sources.extend(s for s in a.sources if s not in sources and "given by the user" not in s)
    # One price per import date.
    date_rows: list[dict[str, Any]] = []
    for (day,) in e.conn.execute("SELECT DISTINCT import_date FROM cbam_lines ORDER BY 1").fetchall():
        if price is not None:
            p = price
        else:
            try:
                found = law.price(day)
            except InputError as exc:
                raise InputError(
                    exc.message,
                    source=str(path),
                    line=_first_line(e, f"import_date = DATE '{day}'"),
                    field="date",
                ) from None
            p = found.decimal
            if found.cite() not in sources:
                sources.append(found.cite())
            if found.unverified:
                since = found.since.isoformat()
                flag = f"certificate price {p} from {since}: single secondary source [unverified]"
                if flag not in flags:
                    flags.append(flag)
        date_rows.append(
            {
                "import_date": day,
                "price": _exact(p, PRICE[1], "price"),
                "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
            }
        )
    if price is not None:
        sources.append("certificate price given by the user (--price)")
    per_t = pa.decimal128(*PER_TONNE)
    key_df = e.from_arrow(
        pa.Table.from_pylist(
            key_rows,
            schema=pa.schema(
                [
                    ("cn", pa.string()),
                    ("origin", pa.string()),
                    ("installation", pa.string()),
                    ("statement", pa.string()),
                    ("see", per_t),
                    ("sefa", per_t),
                    ("per_tonne", per_t),
                ]
            ),
        ),
        "cbam_keys",
    )
    date_df = e.from_arrow(
        pa.Table.from_pylist(
            date_rows,
            schema=pa.schema(
                [("import_date", pa.date32()), ("price", pa.decimal128(*PRICE)), ("quarter", pa.string())]
            ),
        ),
        "cbam_dates",
    )
    key_df = key_df.select(
        fn.col("cn").alias("k_cn"),
        fn.col("origin").alias("k_origin"),
        fn.col("installation").alias("k_inst"),
        fn.col("statement").alias("k_statement"),
        "see",
        "sefa",
        "per_tonne",
    )
    cond = (
        (fn.col("cn") == fn.col("k_cn"))
        & (fn.col("origin") == fn.col("k_origin"))
        & fn.col("installation").eqNullSafe(fn.col("k_inst"))
    )
    if used:  # lines that took no declaration join on three columns, as before
        cond = cond & fn.col("statement").eqNullSafe(fn.col("k_statement"))
    mass = fn.col("net_mass")
    certs = mass * fn.col("per_tonne")
    priced = (
        lines.join(key_df, cond)
        .join(date_df, on="import_date")
        .withColumn("embedded", mass * fn.col("see"))
        .withColumn("fa", mass * fn.col("sefa"))
        .withColumn("certs", certs)
        .withColumn("cost", fn.round(certs * fn.col("price"), 2))
    )
    agg = priced.groupBy("cn", "origin", "quarter").agg(
        fn.count(fn.lit(1)).alias("lines"),
        fn.sum("net_mass").alias("mass"),
        fn.sum("embedded").alias("embedded_emissions"),
        fn.sum("fa").alias("free_allocation"),
        fn.sum("certs").alias("certificates"),
        fn.sum("cost").alias("cost"),
    )
    rows = e.to_arrow(agg.orderBy("cn", "origin", "quarter")).to_pylist()
    for r in rows:
        for k in ("mass", "embedded_emissions", "free_allocation", "certificates", "cost"):
            r[k] = Decimal(r[k]) if r[k] is not None else Decimal(0)
    cited = _cited(e, rows, used)
    sources.extend(
        f"statement {c['id']} of {c['supplier']} (valid {c['valid_from']} to {c['valid_to']})" for c in cited
    )
    result = finish(law, year, rows, flags=flags, sources=sources)
    result.statements = cited
    return result


def _cited(e: Engine, rows: list[dict[str, Any]], used: Mapping[str, Statement]) -> list[dict[str, Any]]:
    """Name, on each row by CN, origin and quarter, the declarations its lines took (only where
    some did: a row without one reads as before); the citations of those used, by id."""
    if not used:
        return []
    found = e.conn.execute(
        "SELECT cn, origin, CAST(year(import_date) AS VARCHAR) || '-Q' "
        "|| CAST(quarter(import_date) AS VARCHAR), "
        "list(DISTINCT statement ORDER BY statement) FROM cbam_lines WHERE statement IS NOT NULL "
        "GROUP BY ALL"
    ).fetchall()
    ids = {(cn, o, q): list(s) for cn, o, q, s in found}
    seen: set[str] = set()
    for r in rows:
        these = ids.get((r["cn"], r["origin"], r["quarter"]))
        if these:
            r["statements"] = these
            seen.update(these)
    return [used[i].citation() for i in sorted(seen)]
