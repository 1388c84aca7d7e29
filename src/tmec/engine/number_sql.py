"""The number grammar of :mod:`tmec.core.numbers` as DuckDB SQL, for the engine's files.

A file the engine reads (entry lines, a BOM directory) must be accepted or refused exactly as the
per-line Python path (``tmec duty --entries``, ``tmec qualify``) accepts or refuses it: the same
plain and locale forms, the same ambiguity, the same limits.  :func:`number_sql` writes, for one
text column, the expression of its value and the expression of what is wrong with it (NULL when
nothing is).  The agreement is tested on generated text (tests/engine/test_number_agreement.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tmec.core.numbers import Grammar, Limit, escape, example, grammar

__all__ = ["NumberSql", "decimal_type", "number_sql"]


def _re(pattern: str) -> str:
    """A Python pattern of :mod:`tmec.core.numbers` (its escapes are RE2's too) as an SQL literal."""
    return "'" + pattern.replace("'", "''") + "'"


def decimal_type(limit: Limit) -> str:
    """The DECIMAL type holding every number within ``limit`` exactly."""
    digits = len(str(int(limit.largest))) - 1
    return f"DECIMAL({digits + limit.places},{limit.places})"


@dataclass(frozen=True, slots=True)
class NumberSql:
    value: str  # the number, typed (NULL when blank or bad)
    problem: str  # why it is bad, with the column's name (NULL when blank or good)
    checked: str  # the number once ``problem`` is known NULL for every line: a cheaper reading


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def number_sql(
    col: str,
    text: str,
    g: Grammar | None,
    limit: Limit,
    *,
    positive: bool = False,
) -> NumberSql:
    """``text``: the column as trimmed text, NULL when blank.  ``g``: the locale's grammar, or
    None for a column typed as a number by its file (its text is always plain)."""
    g = g or grammar()
    groups = "[" + "".join(escape(c) for c in g.groups).replace("'", "''") + "]"
    plain = f"regexp_full_match({text}, {_re(g.plain)})"
    grouped = f"regexp_full_match({text}, {_re(g.grouped)})"
    plain_only = f"({plain} AND NOT ({grouped} AND contains({text}, '.')))" if g.ambiguous_overlap else plain
    canonical = (
        f"(CASE WHEN {plain_only} THEN {text} WHEN {grouped} AND NOT {plain} "
        f"THEN replace(regexp_replace({text}, '{groups}', '', 'g'), {_lit(g.decimal)}, '.') END)"
    )
    # The canonical text is bound once, as a lambda's parameter: written out at each use, its
    # regular expressions would be compiled dozens of times per column (a second per load).
    x = "x"
    ipart = f"regexp_extract({x}, '^-?([0-9]+)', 1)"
    fpart = f"regexp_extract({x}, '\\.([0-9]+)', 1)"
    epart = f"regexp_extract({x}, '[eE]([-+]?[0-9]+)$', 1)"
    exponent = f"(CASE WHEN {epart} = '' THEN 0 ELSE TRY_CAST({epart} AS BIGINT) END)"
    digits = f"({ipart} || {fpart})"
    trailing = f"(length({digits}) - length(rtrim({digits}, '0')))"
    decimals = (
        f"(CASE WHEN rtrim({digits}, '0') = '' THEN 0 "
        f"ELSE greatest(0, length({fpart}) - {trailing} - {exponent}) END)"
    )
    kind = decimal_type(limit)

    def on_canonical(body: str) -> str:
        return f"list_transform([{canonical}], lambda {x}: {body})[1]"

    # The common case, a plain number of few decimals that fits its type, is decided by one match
    # and one cast (an unbounded repetition: RE2 is much slower on counted ones).
    # (where ``.`` groups digits, 1.234 is ambiguous: only whole numbers take the short way)
    short = "[0-9]+" if g.ambiguous_overlap else f"[0-9]+(\\.[0-9]{{1,{limit.places}}})?"
    simple = f"(regexp_full_match({text}, '{short}') AND TRY_CAST({text} AS {kind}) IS NOT NULL)"
    exact = f"CASE WHEN {decimals} <= {limit.places} THEN TRY_CAST({x} AS {kind}) END"
    value = f"(CASE WHEN {simple} THEN CAST({text} AS {kind}) ELSE {on_canonical(exact)} END)"
    example = example_text(g)
    found = f"''' || {text} || ''''"
    grammar_msg = (
        f"'{col}: expected a number written 1234.56 or as locale {g.locale} writes it ({example}), "
        f"found {found}"
    )
    article = "an" if limit.name[0] in "aeiou" else "a"
    beyond = (
        f"'{col}: expected {article} {limit.name} {_describe(limit)} "
        f"(tmec.core.numbers.{limit.constant}), found {found}"
    )
    sign = (
        f"'{col}: expected a number greater than 0, found {found}"
        if positive
        else f"'{col}: expected a number not less than 0, found {found}"
    )
    accepted = f"{simple} AND " + (f"TRY_CAST({text} AS {kind}) > 0" if positive else "true")
    diagnosis = (
        f"CASE WHEN starts_with({x}, '-') AND rtrim({digits}, '0') <> '' THEN {sign} "
        f"WHEN {exponent} IS NULL OR {decimals} > {limit.places} OR TRY_CAST({x} AS {kind}) IS NULL "
        f"THEN {beyond} " + (f"WHEN TRY_CAST({x} AS {kind}) <= 0 THEN {sign} " if positive else "") + "END"
    )
    # (a NULL canonical text is checked outside the lambda, which does not see it as NULL)
    problem = (
        f"(CASE WHEN {text} IS NULL OR {accepted} THEN NULL WHEN {canonical} IS NULL THEN {grammar_msg} "
        f"ELSE {on_canonical(diagnosis)} END)"
    )
    # Every line already checked: a plain number casts as it is (DuckDB's cast refuses grouped
    # text: 1,5 and 1.234,5 are NULL there), only grouped text is rewritten.
    checked = f"coalesce(TRY_CAST({text} AS {kind}), TRY_CAST({canonical} AS {kind}))"
    return NumberSql(value, problem, checked)


def example_text(g: Grammar) -> str:
    return example(g).replace("'", "''")


def _describe(limit: Limit) -> str:
    return limit.describe().replace("'", "''")
