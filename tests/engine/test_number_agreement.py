"""One reading of every amount: the engine's SQL accepts exactly what tmec.core.numbers accepts.

``tmec duty --entries`` (Python, line by line) and ``tmec exposure`` (DuckDB, in bulk) read the same
entry file; they must accept and refuse the same cells and read the same values (issue 11 item 1).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tmec.cli import main
from tmec.core.errors import InputError
from tmec.core.numbers import BLANKS, LINE_AMOUNT, grammar, locale_name, parse_number
from tmec.engine import InputErrors
from tmec.engine.entry_tables import load_entries
from tmec.engine.number_sql import number_sql

LOCALES = ("en", "es_MX", "de", "fr", "es", "pt_BR", "fr_CA", "en_IN", "it", "ar")
ALPHABET = "0123456789.,-eE +'\u00a0\u202f"


def _python(text: str, locale: str) -> Decimal | None:
    """What the Python path reads (None: refused), as entry_from_mapping reads an entry's value."""
    try:
        value = parse_number(text, locale=locale, limit=LINE_AMOUNT)
    except InputError:
        return None
    return value if value > 0 else None


def _sql(conn: duckdb.DuckDBPyConnection, texts: list[str], locale: str) -> list[Decimal | None]:
    conn.execute("CREATE OR REPLACE TABLE t(i INTEGER, x VARCHAR)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    n = number_sql("value", "NULLIF(TRIM(x), '')", grammar(locale), LINE_AMOUNT, positive=True)
    rows = conn.execute(f"SELECT {n.value}, {n.problem}, {n.checked} FROM t ORDER BY i").fetchall()
    # what the engine loads once every line is checked is the value the check accepted
    assert all(checked == value for value, problem, checked in rows if problem is None)
    return [None if problem is not None else value for value, problem, _ in rows]


def _number_texts(locale: str) -> st.SearchStrategy[str]:
    amounts = st.decimals(min_value=0, max_value=Decimal(10) ** 15, places=6, allow_nan=False)
    written = amounts.map(lambda d: str(format_decimal(d, locale=locale, decimal_quantization=False)))
    natural = amounts.map(lambda d: str(format_decimal(d, locale=locale)))
    exponents = st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 10**6), st.integers(-12, 20))
    return st.one_of(written, natural, exponents, amounts.map(str), st.text(ALPHABET, max_size=12))


@pytest.mark.parametrize("locale", LOCALES)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_sql_reads_every_cell_as_python_does(locale: str, data: st.DataObject) -> None:
    texts = [
        t for t in data.draw(st.lists(_number_texts(locale), min_size=1, max_size=60)) if t.strip(BLANKS)
    ]
    if not texts:
        return
    with duckdb.connect() as conn:
        assert _sql(conn, texts, locale) == [_python(t, locale) for t in texts]


@pytest.mark.parametrize("locale", LOCALES)
@settings(max_examples=40, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal(10) ** 13, places=4, allow_nan=False))
def test_what_babel_writes_is_read_back_and_agrees_with_its_strict_reader(locale: str, d: Decimal) -> None:
    text = str(format_decimal(d, locale=locale, decimal_quantization=False))
    if re.fullmatch(r"[0-9]+\.[0-9]+", text) and Decimal(text) != d:
        # German 1250 is written "1.250", which is also plain 1.25: ambiguous, refused, never guessed
        with pytest.raises(InputError, match="found"):
            parse_number(text, locale=locale)
        return
    assert parse_number(text, locale=locale) == d == parse_decimal(text, locale=locale, strict=True)


@pytest.mark.parametrize("locale", LOCALES)
@settings(max_examples=100, deadline=None)
@given(st.text(ALPHABET, max_size=14))
def test_nothing_babel_strictly_refuses_is_accepted(locale: str, text: str) -> None:
    """Plain text aside (a number written 1234.56 is plain everywhere), a grouped reading is Babel's."""
    try:
        value = parse_number(text, locale=locale, allow_negative=True)
    except InputError:
        return
    if "e" in text.lower() or ("." in text and grammar(locale).decimal != "." and "," not in text):
        return  # plain notation
    g = grammar(locale)
    canonical = text.strip(BLANKS)
    for look_alike in g.groups[1:]:  # a space typed for the locale's narrow no-break space
        canonical = canonical.replace(look_alike, g.groups[0])
    try:
        assert parse_decimal(canonical, locale=locale, strict=True) == value
    except NumberFormatError:
        pytest.fail(f"accepted {text!r} in {locale}, which Babel's strict reader refuses")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1,234.56", "en", Decimal("1234.56")),
        ("1,234.56", "es-MX", Decimal("1234.56")),
        ("1.234,56", "en", None),  # today: $1.23456
        ("1234,56", "en", None),  # today: $123,456
        ("3,60", "en", None),  # today: 360
        ("3,60", "de", Decimal("3.60")),
        ("1.234,56", "de", Decimal("1234.56")),
        ("1.234", "de", None),  # 1.234 plain, 1234 grouped: ambiguous
        ("1.5", "de", Decimal("1.5")),  # not German grouping: a plain number
        ("1\u202f234,56", "fr", Decimal("1234.56")),
        ("1 234,56", "fr", Decimal("1234.56")),
        ("12,34,567.5", "en-IN", Decimal("1234567.5")),
        ("1,23,456", "en", None),
        ("1e27", "en", None),
        ("1e999999999", "en", None),
        ("NaN", "en", None),
        ("1_000", "en", None),
        ("$5", "en", None),
        ("١٢٣", "en", None),
    ],
)
def test_examples(text: str, locale: str, expected: Decimal | None) -> None:
    name = locale_name(locale)
    assert _python(text, name) == expected
    with duckdb.connect() as conn:
        assert _sql(conn, [text], name) == [expected]


def _entry_file(tmp_path: Path, values: list[str]) -> Path:
    lines = ["entry_date,hts,origin,value"] + [f'2025-06-04,7208.39.00,MX,"{v}"' for v in values]
    path = tmp_path / "entries.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("values", "locale"),
    [
        (["1,234.56", "99.5", "1000"], None),
        (["1.234,56", "99,5", "1000"], "de"),
        (["1.234,56"], None),
        (["3,60"], None),
        (["1234,56"], None),
        (["1.234"], "de"),
        (["1e27"], None),
        (["12.34567"], None),
    ],
)
def test_duty_entries_and_exposure_agree_on_the_same_file(
    tmp_path: Path, values: list[str], locale: str | None
) -> None:
    path = _entry_file(tmp_path, values)
    flag = ["--locale", locale] if locale else []
    duty = CliRunner().invoke(main, ["duty", "--entries", str(path), "--json", *flag])
    with duckdb.connect() as conn:
        try:
            load_entries(conn, path, locale=locale_name(locale) if locale else None)
            engine_values = [
                r[0] for r in conn.execute("SELECT value FROM entries ORDER BY src_line").fetchall()
            ]
            engine_ok = True
        except InputErrors:
            engine_ok = False
    assert (duty.exit_code == 0) == engine_ok, duty.output
    exposure = CliRunner().invoke(main, ["exposure", str(path), "--json", *flag])
    assert exposure.exit_code == duty.exit_code, exposure.output
    if engine_ok:
        lines = json.loads(duty.output)["entries"]
        assert [Decimal(e["entry"]["value"]) for e in lines] == engine_values
        assert Decimal(json.loads(exposure.output)["duty"]) == Decimal(json.loads(duty.output)["total_duty"])
    else:
        assert duty.exit_code == 2
