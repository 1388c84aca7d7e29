"""A year of customs entry lines (CSV or Parquet), read where they lie and validated in passes that count.

Columns (the fields of :class:`tmec.tariffs.Entry`): ``entry_date`` (ISO date),
``hts`` (8 or 10 digits, dots allowed), ``origin`` (ISO 3166 alpha-2),
``value`` (> 0, below 10^14), optional ``usmca`` (yes/no, only for CA and MX goods),
``steel_value``, ``aluminum_value``, ``non_us_content``, ``copper_value``, ``us_parts_value`` (amounts,
not above the value), ``melted_poured``, ``smelted_cast`` (country, or ``unknown``), ``quantity`` (in the
line's unit of quantity) and ``weight_kg`` (for specific rates), ``line`` (your own line id).
Malformed rows: the first 20 with file and line, then a count; nothing is priced or written.

No typed copy of the file is made.  :func:`open_entries` defines the *source*: a view of the lines
(a Parquet file is streamed, column by column, at each pass) whose amounts are typed per line and
whose texts (code, origin, claim, program, melt and smelt countries) are left as the file writes
them: they take few distinct values, so they are read, cleaned and checked once per distinct value
(:data:`CLEAN`, :func:`text_problems`) on the small tables the passes group them into.  A pass that
finds something wrong calls :meth:`EntrySource.problems`, the one pass that names the lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from tmec.core.errors import InputError
from tmec.core.params import ParamValue
from tmec.engine.bom_tables import InputErrors, _drop, _numeric, _q, _text, number_column
from tmec.engine.duck_errors import EngineFailure, reading
from tmec.tariffs import default_tables
from tmec.tariffs.declared import EXPECTED, SEPARATOR, canonical
from tmec.tariffs.territory import TERRITORY, inside_territory, territory_codes

__all__ = [
    "AMOUNT",
    "CLEAN",
    "SOURCE",
    "EngineFailure",
    "EntrySource",
    "load_entries",
    "open_entries",
    "reading",
    "text_problems",
]

AMOUNT = "DECIMAL(18,4)"
REQUIRED = ("entry_date", "hts", "origin", "value")
AMOUNTS = ("steel_value", "aluminum_value", "non_us_content", "copper_value", "us_parts_value")
QUANTITIES = ("quantity", "weight_kg", "metal_weight_kg")  # specific rates; the 2026 metal-weight rule
MAX_SHOWN = 20
# The texts of a line, as the file writes them (source column -> file column).
TEXTS = {
    "hts_text": "hts",
    "origin_text": "origin",
    "usmca_text": "usmca",
    "program_text": "program",
    "melted_text": "melted_poured",
    "smelted_text": "smelted_cast",
    "relief_text": "metals_relief",
}
# The source's columns: what every pass reads.
SOURCE = (
    "src_line",
    "line",
    "entry_date",
    *TEXTS,
    "value",
    *AMOUNTS,
    "quantity",
    "weight_kg",
    "light_metal",  # how many of the measures' metal-weight thresholds the metal's share is under
    "bad_amount",  # some amount of the line is wrong (which one: EntrySource.problems)
)


# What Python's str.strip() strips (every character whose isspace() is true: the tab, the line ends,
# the no-break space of a spreadsheet's cell...), as the single-entry path strips a text: DuckDB's
# TRIM() strips only the Unicode space separators, so a tab or a line end around a text would make
# the engine refuse a line the single-entry path prices.  (A test holds it to Python's.)
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WS = f"'{WHITESPACE}'"


def _trim(x: str) -> str:
    return f"NULLIF(trim(CAST({x} AS VARCHAR), {_WS}), '')"


def _code(x: str) -> str:
    """An HTS code as written, without its dots, hyphens and whitespace anywhere (``hs.compact``)."""
    return f"NULLIF(translate(CAST({x} AS VARCHAR), {_WS} || '.-', ''), '')"


def _country(x: str) -> str:
    return f"CASE WHEN {x} = 'UK' THEN 'GB' ELSE {x} END"


def _place(x: str) -> str:
    p = f"upper(coalesce({_trim(x)}, ''))"
    return f"CASE WHEN {p} = '' THEN NULL WHEN {p} = 'UNKNOWN' THEN 'unknown' ELSE {_country(p)} END"


def _declared(x: str) -> str:
    """The declared facts as one text, sorted and joined as :func:`tmec.tariffs.declared.canonical`
    writes them (NULL when none), so that a set written in any order makes one pricing key."""
    facts = f"list_transform(string_split(lower({_trim(x)}), '{SEPARATOR}'), lambda s: trim(s, {_WS}))"
    kept = f"list_sort(list_distinct(list_filter({facts}, lambda s: s <> '')))"
    several = f"NULLIF(array_to_string({kept}, '{SEPARATOR}'), '')"
    # one fact (most lines) is only trimmed and lowered: no list made per line
    return f"CASE WHEN contains({x}, '{SEPARATOR}') THEN {several} ELSE lower({_trim(x)}) END"


TRUE = ("1", "true", "yes", "y", "s", "x")
FLAGS = ("", "0", "false", "no", "n", *TRUE)
# A text's reading, once per distinct text (SQL on a column of the texts, named by the argument).
CLEAN: dict[str, Callable[[str], str]] = {
    "hts_text": _code,
    "origin_text": lambda x: _country(f"upper({_trim(x)})"),
    "usmca_text": lambda x: f"lower(coalesce({_trim(x)}, '')) IN ({', '.join(repr(t) for t in TRUE)})",
    "program_text": lambda x: f"upper({_trim(x)})",
    "melted_text": _place,
    "smelted_text": _place,
    "relief_text": _declared,
}
# What each text is checked as (the same readings, before UK is read as GB): column -> SQL, check.
Check = Callable[[str], str | None]  # a distinct value -> why it is wrong, or None


@dataclass(frozen=True)
class EntrySource:
    """The entry lines of one file as a view (:data:`SOURCE` columns), and how to name its bad lines."""

    path: Path
    view: str  # the view of the source columns
    raw: str  # the view (Parquet) or table (CSV, read once as text) of the file's lines
    first_day: dt.date  # the earliest day the schedule prices
    amount: str  # the type of the source's amounts (the file's own, when all share one that fits)
    _problem: str  # every problem of a line, as a message (NULL when none)
    _value_checks: tuple[tuple[str, str, Check], ...]

    def problems(self, conn: duckdb.DuckDBPyConnection) -> InputErrors:
        """The bad lines named (the first 20 in line order) and counted: the one pass that writes
        messages, made once some pass has found that there are bad lines."""
        with reading(self.path):
            by_value = _by_value(conn, self.raw, self.path, list(self._value_checks))
            problems = (
                f"SELECT '{_q(self.path)}' AS file, __line AS line, __problem AS msg "
                f'FROM (SELECT __line, {self._problem} AS __problem FROM "{self.raw}") '
                f"WHERE __problem IS NOT NULL{by_value}"
            )
            row = conn.execute(f"SELECT count(*) FROM ({problems})").fetchall()
            rows = conn.execute(f"SELECT * FROM ({problems}) ORDER BY line, msg LIMIT {MAX_SHOWN}").fetchall()
        return InputErrors([(str(f), int(li), str(m)) for f, li, m in rows], int(row[0][0]) if row else 0)

    def close(self, conn: duckdb.DuckDBPyConnection) -> None:
        _drop(conn, self.view)
        _drop(conn, self.raw)


def _columns(conn: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute(f'DESCRIBE "{name}"').fetchall()[1:]}


def open_entries(
    conn: duckdb.DuckDBPyConnection, path: Path, name: str = "entries", *, locale: str | None = None
) -> EntrySource:
    """The source view ``{name}__source`` of ``path`` (amounts read as
    :func:`tmec.tariffs.entry_from_mapping` reads them, in ``locale``); no line is read yet, except
    that a CSV file is loaded once as text (it is parsed, not streamed, by DuckDB)."""
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
    with reading(path):
        conn.execute(f'CREATE {kind} "{raw}" AS {sql}')
        cols = _columns(conn, raw)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        _drop(conn, raw)
        raise InputError(f"missing column(s) {missing}; found {list(cols)}", source=str(path), line=1)
    first = default_tables().first_date()
    source, problem, checks = _source_sql(raw, cols, locale, first)
    amount = _native(cols) or AMOUNT
    view = f"{name}__source"
    with reading(path):
        conn.execute(f'CREATE OR REPLACE VIEW "{view}" AS {source}')
    return EntrySource(path, view, raw, first, amount, problem, tuple(checks))


PRICED = ("value", *AMOUNTS, "quantity", "weight_kg")  # the amounts duties are taken on


def _native(cols: dict[str, str]) -> str | None:
    """The file's type of the amounts priced, when they all have one DECIMAL of 64 bits and at
    most 4 decimals: they are read as they are (a cast of every amount of every line costs more
    than the rest of the reading; one too large for DECIMAL(18,4) is a problem of its line)."""
    kinds = {cols[c].upper() for c in PRICED if c in cols}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    m = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", kind)
    return kind if m and int(m[1]) <= 18 and int(m[2]) <= 4 else None


def _source_sql(
    raw: str, cols: dict[str, str], locale: str | None, first: dt.date
) -> tuple[str, str, list[tuple[str, str, Check]]]:
    """The source's SELECT, the problem message of a line, and the checks of its texts."""

    def t(c: str) -> str:
        return _trimmed(c, cols)

    numbers = {
        c: number_column(c, cols, locale, positive=c == "value") for c in ("value", *AMOUNTS, *QUANTITIES)
    }

    native = _native(cols)

    def amount(c: str) -> str:
        # The lines are priced only if no problem is found: the cheaper reading is enough.
        if c not in cols:
            return f"CAST(NULL AS {native or AMOUNT})"
        return f'"{c}"' if native and c in PRICED else numbers[c].checked

    date = (
        'TRY_CAST("entry_date" AS DATE)'
        if "DATE" in cols["entry_date"]
        else f"TRY_CAST({t('entry_date')} AS DATE)"
    )
    bigger = [
        *((c, "value", f"{c}: more than the entered value") for c in AMOUNTS),
    ]
    bigger = [(a, b, m) for a, b, m in bigger if a in cols]
    checks = [f"CASE WHEN {_blank(c, cols)} THEN '{c}: required' END" for c in REQUIRED] + [
        f"CASE WHEN {date} IS NULL THEN 'entry_date: expected an ISO date YYYY-MM-DD, found ''' "
        f"|| {t('entry_date')} || '''' END",
        f"CASE WHEN {date} < DATE '{first}' THEN 'entry_date: no tariff data before {first}, found ' "
        f"|| {t('entry_date')} END",
        *(numbers[c].problem for c in ("value", *AMOUNTS, *QUANTITIES) if c in cols),
        *(f"CASE WHEN {amount(a)} > {amount(b)} THEN '{m}' END" for a, b, m in bigger),
        f"CASE WHEN coalesce({amount('steel_value')}, 0) + coalesce({amount('aluminum_value')}, 0) "
        f"> {amount('value')} "
        "THEN 'aluminum_value: steel value plus aluminum value is more than the value' END",
    ]

    # What a pass counts: the amounts' problems, cheaply (a number the file types needs no
    # grammar: its sign, and its size where its type can hold more than the line's type).
    def compared(c: str) -> str:
        """An amount as the checks compare it: a file's DECIMAL of 64 bits as it is, since its
        reading (a cast) fails or rounds only where its own check (``_cheap_check``) finds a
        problem, which makes the line bad whatever the comparisons say (10 M lines: 1.4 -> 1.05 s
        of CPU for the checks); sums of two of them stay within 128 bits."""
        m = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", cols.get(c, "").upper())
        return f'"{c}"' if m and int(m[1]) <= 18 else amount(c)

    bad = [f"{compared('value')} IS NULL"]
    for c in ("value", *AMOUNTS, *QUANTITIES):
        if c in cols:
            bad.append(_cheap_check(c, cols) if _numeric(c, cols) else f"{numbers[c].problem} IS NOT NULL")
    bad += [f"{compared(a)} > {compared(b)}" for a, b, _ in bigger]
    bad.append(
        f"coalesce({compared('steel_value')}, 0) + coalesce({compared('aluminum_value')}, 0) "
        f"> {compared('value')}"
    )
    # as tmec.tariffs.Entry: the metal weighs no more than the article, when the article's weight is given
    heavy = f"{amount('weight_kg')} > 0 AND {amount('metal_weight_kg')} > {amount('weight_kg')}"
    bad.append(f"{compared('weight_kg')} > 0 AND {compared('metal_weight_kg')} > {compared('weight_kg')}")
    checks.append(
        f"CASE WHEN {heavy} THEN 'metal_weight_kg: the metal weighs ' || {amount('metal_weight_kg')} "
        f"|| ' kg, more than the weight ' || {amount('weight_kg')} || ' kg' END"
    )
    # the 2026 metals carve-out turns on the metal's share of the weight being under a threshold
    # (15 %, note 16(c)): the share's side of each threshold of the measures is a fact of the line,
    # compared exactly (metal * 100 < threshold * weight), as tmec.tariffs compares its Decimals
    tables = default_tables()
    thresholds = sorted(
        {
            Decimal(str(m.when["metal_weight_under"]))
            for m in tables.measures
            if "metal_weight_under" in m.when
        }
    )
    metal, weight = amount("metal_weight_kg"), amount("weight_kg")
    wide = "DECIMAL(38,4)"  # products of 64-bit decimals overflow in 64 bits
    light = " + ".join(
        f"CASE WHEN CAST({metal} AS {wide}) * 100 < CAST({weight} AS {wide}) * {x} THEN 1 ELSE 0 END"
        for x in thresholds
    )
    # no metal at all (9903.82.01) is a value of its own, whether or not the weight is given
    light_metal = (
        f"CASE WHEN {metal} = 0 THEN {len(thresholds) + 1} "
        f"WHEN {metal} IS NULL OR {weight} IS NULL OR {weight} = 0 THEN NULL ELSE ({light or '0'}) END"
    )
    texts = ", ".join(f"{_text_of(c, cols)} AS {s}" for s, c in TEXTS.items())
    source = (
        f"SELECT __line AS src_line, {t('line')} AS line, {date} AS entry_date, {texts}, "
        + ", ".join(f"{amount(c)} AS {c}" for c in ("value", *AMOUNTS, "quantity", "weight_kg"))
        + f", CAST({light_metal} AS INTEGER) AS light_metal, "
        + f"({' OR '.join(f'coalesce({b}, false)' for b in bad)})"
        f' AS bad_amount FROM "{raw}"'
    )
    return source, f"coalesce({', '.join(checks)})", _value_checks(cols)


def _value_checks(cols: dict[str, str]) -> list[tuple[str, str, Check]]:
    """The readings of the texts checked once per distinct value: (SQL, the text shown, check)."""

    def t(c: str) -> str:
        return _trimmed(c, cols)

    usmca = f"lower(coalesce({t('usmca')}, ''))"
    origin_text = f"upper({t('origin')})"
    place = {c: f"upper(coalesce({t(c)}, ''))" for c in ("melted_poured", "smelted_cast")}
    hts = _code(t("hts"))
    return [
        (hts, t("hts"), _bad_hts),
        (origin_text, t("origin"), _bad_origin),
        (usmca, t("usmca"), _bad_flag),
        (f"upper({t('program')})", t("program"), _bad_program),
        *((place[c], t(c), _bad_place(c)) for c in place),
        (f"lower({t('metals_relief')})", t("metals_relief"), _bad_relief),
        (f"{usmca} || '|' || coalesce({origin_text}, '')", "NULL", _bad_claim),
    ]


def text_problems(conn: duckdb.DuckDBPyConnection, relation: str, only: Iterable[str] = tuple(TEXTS)) -> bool:
    """Whether some text of the lines is wrong or a required one is missing: ``relation`` (a small
    table) holds distinct texts in :data:`TEXTS` columns (``only`` those), read here exactly as the
    naming pass reads them in the file."""
    present = set(only)
    cols = {c: "VARCHAR" for s, c in TEXTS.items() if s in present}
    checks = [
        (expr, check)
        for (expr, _, check), s in zip(_value_checks(cols), [*TEXTS, "claim"], strict=True)
        if s in present or (s == "claim" and {"usmca_text", "origin_text"} <= present)
    ]
    renamed = ", ".join(f"{s} AS {c}" for s, c in TEXTS.items() if s in present)
    required = [f"{_trimmed(c, cols)} IS NULL" for c in ("hts", "origin") if c in cols]
    rows = conn.execute(
        f"SELECT DISTINCT {', '.join(e for e, _ in checks)}, {' OR '.join(required) or 'false'} "
        f"FROM (SELECT {renamed} FROM {relation})"
    ).fetchall()
    # each value checked once, not once per distinct set of texts it is in (an origin's check
    # reads the law: 5,000 sets of texts of 1 M lines took 0.3-0.5 s)
    seen: list[set[object]] = [set() for _ in checks]
    for r in rows:
        if r[-1]:
            return True  # hts or origin: required
        for (_, check), v, done in zip(checks, r, seen, strict=False):
            if v is None or v in done:
                continue
            if check(str(v)) is not None:
                return True
            done.add(v)
    return False


def _text_of(col: str, cols: dict[str, str]) -> str:
    """A text column as the file writes it (NULL when absent): read once per distinct value."""
    if col not in cols:
        return "CAST(NULL AS VARCHAR)"
    return f'"{col}"' if _is_text(col, cols) else f'CAST("{col}" AS VARCHAR)'


def _cheap_check(col: str, cols: dict[str, str]) -> str:
    """A number typed by its file is wrong when below 0 (0 for the value), when it has more than 4
    decimals, or when it is too large for DECIMAL(18,4) (the checks of ``_amount_check``, written
    without what its type makes needless)."""
    c, kind = f'"{col}"', cols[col].upper()
    out = [f"{c} <= 0" if col == "value" else f"{c} < 0"]
    scale = int(kind[kind.index(",") + 1 : kind.index(")")]) if kind.startswith("DECIMAL(") else 0
    if scale > 4:
        out.append(f"{c} <> round({c}, 4)")
    if not (kind.startswith("DECIMAL(") and int(kind[8 : kind.index(",")]) - scale <= 14):
        out.append(f"{c} >= 100000000000000")  # past DECIMAL(18,4)
    return f"({c} IS NOT NULL AND ({' OR '.join(out)}))"


def load_entries(
    conn: duckdb.DuckDBPyConnection, path: Path, name: str = "entries", *, locale: str | None = None
) -> int:
    """Validate ``path`` and define the typed view ``name`` of its lines; return the number of lines.

    A bad file leaves ``name`` as it was (nothing half-made is left behind)."""
    source = open_entries(conn, path, f"{name}__staged", locale=locale)
    try:
        n = check_entries(conn, source)
    except BaseException:
        source.close(conn)
        raise
    keep = f"{name}__file"
    _drop(conn, name)
    _drop(conn, keep)
    # the file's lines stay where they are (Parquet) or in the text table read once (CSV)
    conn.execute(f'ALTER {"TABLE" if path.suffix == ".csv" else "VIEW"} "{source.raw}" RENAME TO "{keep}"')
    conn.execute(f'DROP VIEW "{source.view}"')
    cols = _columns(conn, keep)
    typed, _, _ = _source_sql(keep, cols, locale, source.first_day)
    clean = ", ".join(f"{CLEAN[s](s)} AS {c}" for s, c in TEXTS.items() if s != "program_text")
    conn.execute(
        f"""CREATE VIEW "{name}" AS SELECT src_line, entry_date,
        {clean}, {CLEAN["program_text"]("program_text")} AS spi,
        value, {", ".join(AMOUNTS)}, quantity, weight_kg, light_metal, line FROM ({typed})"""
    )
    return n


def check_entries(conn: duckdb.DuckDBPyConnection, source: EntrySource) -> int:
    """One pass over the lines that counts what is wrong with them (the distinct texts, then
    checked once each); the number of lines, or the bad lines named."""
    texts = ", ".join(TEXTS)
    found = f"{source.view}__texts"
    with reading(source.path):
        conn.execute(
            f'CREATE OR REPLACE TEMP TABLE "{found}" AS SELECT {texts}, count(*) AS n, '
            f"count_if(bad_amount OR entry_date IS NULL OR entry_date < DATE '{source.first_day}') AS bad "
            f'FROM "{source.view}" GROUP BY ALL'
        )
    try:
        row = conn.execute(f'SELECT sum(n), sum(bad) FROM "{found}"').fetchall()[0]
        if row[1] or text_problems(conn, f'"{found}"'):
            raise source.problems(conn)
    finally:
        conn.execute(f'DROP TABLE IF EXISTS "{found}"')
    return int(row[0] or 0)


def _is_text(col: str, cols: dict[str, str]) -> bool:
    return "CHAR" in cols[col].upper() or "STRING" in cols[col].upper()


def _trimmed(col: str, cols: dict[str, str]) -> str:
    """The column as text stripped of :data:`WHITESPACE`, or NULL when absent or blank
    (``bom_tables._text``); a text column is trimmed only where it starts or ends with whitespace
    (trimming every line's text makes a copy of it: a third of a second per column and 10 M lines)."""
    if col not in cols or not _is_text(col, cols):
        return _text(col, cols)
    c = f'"{col}"'
    return (
        f"CASE WHEN {c} = '' OR contains({_WS}, left({c}, 1)) OR contains({_WS}, right({c}, 1)) "
        f"THEN NULLIF(trim({c}, {_WS}), '') ELSE {c} END"
    )


def _blank(col: str, cols: dict[str, str]) -> str:
    """The column is blank: NULL, or (text) only spaces.  A number or date the file types is never
    blank text, so it is not turned into text to be asked."""
    if _is_text(col, cols):
        return f"{_trimmed(col, cols)} IS NULL"
    return f'"{col}" IS NULL'


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
    if not _iso(v):
        return f"origin: expected an ISO 3166 country code, found {v}"
    if v in territory_codes(default_tables().parameters):  # refused as tmec.tariffs.price_entry does
        why = inside_territory(v, _territory_in_force()) or v
        return "origin: " + why.replace("{", "{{").replace("}", "}}")  # formatted with the raw text
    return None


def _territory_in_force() -> ParamValue:
    parameter = default_tables().parameters[TERRITORY]
    return parameter.at(parameter.dates[-1])


def _bad_relief(v: str) -> str | None:
    """The declared facts read as :class:`tmec.tariffs.Entry` reads them (one parser for every edge)."""
    try:
        canonical(v)
    except InputError as exc:
        if SEPARATOR not in v:  # one value (only unknown can be wrong): named as the file writes it
            return f"{exc.field}: {EXPECTED}, found {{raw!r}}"
        return f"{exc.field}: " + exc.message.replace("{", "{{").replace("}", "}}")  # (a template)
    return None


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
