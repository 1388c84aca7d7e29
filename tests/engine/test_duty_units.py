"""Each line's duty in 64-bit integers (``duty_units_sql``) equals the decimal computation — rate
percent of the base, rounded half up at the law's places — to the last ten-thousandth, on both of
its paths (integers; decimals for a base of 10^10 or more, or a rate of 9 x 10^p % or more at p
places), at the
half-cent boundaries where rounding decides, and at every number of places up to four."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from tmec.engine.line_passes import UNIT_PLACES, duty_units_sql, lean_duty_sql, rate_units_sql


def _by_hand(rate: Decimal, base: Decimal, places: int) -> int:
    duty = (rate * base / 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(duty.scaleb(UNIT_PLACES))


def _cases(rng: random.Random) -> list[tuple[Decimal, Decimal, int]]:
    rates = [Decimal(0), Decimal("2.5"), Decimal(25), Decimal(50), Decimal("899.999999"), Decimal(900)]
    rates += [Decimal(rng.randrange(0, 2_000_000_000)).scaleb(-6) for _ in range(100)]
    rates += [Decimal(rng.randrange(0, 100_000_000)).scaleb(-6) for _ in range(200)]
    bases = [Decimal(0), Decimal("0.02"), Decimal("10.10"), Decimal("9999999999.9999"), Decimal(10**10)]
    bases += [Decimal("99999999999999.9999"), Decimal("98765432109876.5432")]
    bases += [Decimal(rng.randrange(0, 10**16)).scaleb(-4) for _ in range(300)]
    bases += [Decimal(rng.randrange(0, 10**8)).scaleb(-2) for _ in range(300)]
    out = []
    for _ in range(3000):
        out.append((rng.choice(rates), rng.choice(bases), rng.choice([0, 1, 2, 3, 4])))
    # half-cent boundaries: 10.10 x 25 % = 2.525, 0.02 x 25 % = 0.005
    out += [
        (Decimal(25), Decimal("10.10"), 2),
        (Decimal(25), Decimal("0.02"), 2),
        (Decimal(50), Decimal("0.01"), 2),
    ]
    return out


@pytest.mark.parametrize("places_sets", [[2], [0, 2], [1, 3, 4]])
@pytest.mark.parametrize("per_class", [False, True])
def test_duty_units_equal_the_decimal_duty_on_both_paths(places_sets: list[int], per_class: bool) -> None:
    """(``per_class``: the rate's integer units worked out beforehand, as the pricing pass takes
    them from its classes, rather than in the expression.)"""
    cases = [c for c in _cases(random.Random(7)) if c[2] in places_sets]
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (i INTEGER, rate DECIMAL(12,6), base DECIMAL(18,4), places INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(i, r, b, p) for i, (r, b, p) in enumerate(cases)])
    if per_class:
        units = rate_units_sql("rate", "places", places_sets)
        conn.execute(f"CREATE OR REPLACE TABLE t AS SELECT *, {units} AS r FROM t")
    expr = duty_units_sql("rate", "base", "places", places_sets, "r" if per_class else None)
    got = dict(conn.execute(f"SELECT i, CAST({expr} AS HUGEINT) FROM t").fetchall())
    wrong = [
        (r, b, p, got[i], _by_hand(r, b, p))
        for i, (r, b, p) in enumerate(cases)
        if got[i] != _by_hand(r, b, p)
    ]
    assert not wrong, wrong[:5]
    integer_path = [c for c in cases if c[0] < 9 * 10 ** c[2] and c[1] < 10**10]
    assert len(integer_path) > 200 and len(cases) - len(integer_path) > 100  # both paths are tested


def _refused_or_exact(
    conn: duckdb.DuckDBPyConnection, scaled: str, cases: list[tuple[Decimal, Decimal, int]]
) -> None:
    """Each case on its own (a refusal fails the whole query): DuckDB refuses some, and prices the
    others exactly."""
    refused = 0
    for r, b, p in cases[:40]:
        conn.execute("DELETE FROM t")
        conn.execute("INSERT INTO t VALUES (0, ?, ?, ?)", (r, b, p))
        try:
            one = conn.execute(f"SELECT {scaled} FROM t").fetchall()[0][0]
        except duckdb.OutOfRangeException:
            refused += 1
            continue
        assert one == _by_hand(r, b, p), (r, b, p)
    assert refused


@pytest.mark.parametrize("places", [0, 1, 2, 3, 4])
def test_lean_duty_is_exact_or_refused(places: int) -> None:
    """The pricing pass's single integer expression (``lean_duty_sql``: no choice of a path per
    line) equals the decimal duty for every base under 10^10 and every rate in integer units, the
    largest of both included; past that, DuckDB refuses it (an overflow error) or it is still
    exact — it never wraps."""
    rng = random.Random(11)
    cases = [
        (Decimal(rng.randrange(0, 9 * 10 ** (places + 6))).scaleb(-6), b, places) for _, b, _ in _cases(rng)
    ]
    top = Decimal(9 * 10**places) - Decimal("0.000001")
    cases += [(top, Decimal("9999999999.9999"), places), (top, Decimal("0.0001"), places)]
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (i INTEGER, rate DECIMAL(12,6), base DECIMAL(18,4), places INTEGER)")
    units = rate_units_sql("rate", "places", [places])
    expr = lean_duty_sql(f"({units})", "base", places)
    scaled = f"CAST({expr} AS HUGEINT) * {10 ** (UNIT_PLACES - places)}"
    small = [c for c in cases if c[1] < 10**10]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(i, r, b, p) for i, (r, b, p) in enumerate(small)])
    got = dict(conn.execute(f"SELECT i, {scaled} FROM t").fetchall())
    wrong = [(r, b) for i, (r, b, p) in enumerate(small) if got[i] != _by_hand(r, b, p)]
    assert not wrong and len(small) > 1000, wrong[:5]
    _refused_or_exact(conn, scaled, [c for c in cases if c[1] >= 10**10])


@pytest.mark.parametrize("places", [0, 1, 2, 3, 4])
def test_lean_duty_in_one_product_is_exact_or_refused(places: int) -> None:
    """``lean_duty_sql(short=True)``, the pricing pass's first try (one division a duty, not three),
    equals the decimal duty wherever the rate times the base in integer units stays under 2^63 (and
    the base under 10^10, as in two products) — the half-cent boundaries and the largest such
    products included — and past it DuckDB refuses
    it (an overflow error, so that the pass is made again in two products); it never wraps."""
    rng = random.Random(13)
    cases = [
        (Decimal(rng.randrange(0, 9 * 10 ** (places + 6))).scaleb(-6), b, places) for _, b, _ in _cases(rng)
    ]
    cases += [(r, b, places) for r, b, p in _cases(rng) if p == 2 and r < 9 * 10**places]  # the boundaries

    def product(r: Decimal, b: Decimal) -> int:
        return int(r.scaleb(6)) * int(b.scaleb(4))

    rate = Decimal(9 * 10**places) - Decimal("0.000001")  # the largest rate, and its largest base
    units_top = int(rate.scaleb(6))
    top = (2**63 - 1 - 10 ** (12 - places) // 2) // units_top
    cases += [(rate, Decimal(top).scaleb(-4), places), (rate, Decimal(top + 1).scaleb(-4), places)]
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (i INTEGER, rate DECIMAL(12,6), base DECIMAL(18,4), places INTEGER)")
    units = rate_units_sql("rate", "places", [places])
    expr = lean_duty_sql(f"({units})", "base", places, short=True)
    scaled = f"CAST({expr} AS HUGEINT) * {10 ** (UNIT_PLACES - places)}"
    fits = [c for c in cases if product(c[0], c[1]) + 10 ** (12 - places) // 2 < 2**63 and c[1] < 10**10]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(i, r, b, p) for i, (r, b, p) in enumerate(fits)])
    got = dict(conn.execute(f"SELECT i, {scaled} FROM t").fetchall())
    wrong = [(r, b) for i, (r, b, p) in enumerate(fits) if got[i] != _by_hand(r, b, p)]
    assert not wrong and len(fits) > 300, wrong[:5]
    assert any(product(r, b) > 2**62 for r, b, _ in fits)  # products near the limit are among them
    _refused_or_exact(conn, scaled, [c for c in cases if c not in fits])
