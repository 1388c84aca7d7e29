"""Pricing keys priced once per law: the same templates as one probe per key, with its own facts."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from tmec.core.errors import InputError
from tmec.engine.pricing_keys import _Probes, _Reading, _templates, templates
from tmec.engine.pricing_periods import RELEVANT, origin_period_table, period_table
from tmec.tariffs import Entry, TariffTables, default_tables, price_entry
from tmec.tariffs.tables import STACKING_PARAMETERS

# Codes on which each fact matters somewhere: steel (melted and poured), aluminum (smelted and
# cast), steel and aluminum content, the metal weight (2026 annexes), the Annex III floor, autos and
# parts (non-US content), copper, specific rates (quantity, weight), an 8-digit code, plain goods.
CODES = (
    "7208380015",
    "72253011",
    "7601106090",
    "7610900040",
    "7318152065",
    "8418100065",
    "8431410020",
    "8707905080",
    "8703320110",
    "8544491000",
    "0304590050",
    "2009500010",
    "73071990",
    "5509590000",
    "8424100000",
    "8413810000",  # the reliefs of note 16(g) and (k): motorcycle and equipment parts
)
ORIGINS = ("CA", "MX", "CN", "DE", "JP", "VN")


def _keys(tables: TariffTables, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` keys on every period start of the codes (per code and per code and origin) in
    2025-2026, with random facts (keys of one kind on many days, and many kinds on one day)."""
    rnd = random.Random(seed)
    pairs = [(c, o) for c in CODES for o in ORIGINS]
    days: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for table in (period_table(tables, list(CODES)), origin_period_table(tables, pairs)):
        origins = table.column("p_origin").to_pylist() if "p_origin" in table.column_names else None
        for i, (code, start) in enumerate(
            zip(table.column("p_hts").to_pylist(), table.column("p_start").to_pylist(), strict=True)
        ):
            for o in ORIGINS if origins is None else [origins[i]]:
                if dt.date(2025, 1, 1) <= start < dt.date(2027, 1, 1):
                    days[code, o].append(start)
    keys = []
    for key_id in range(n):
        code, origin = rnd.choice(pairs)
        usmca = origin in ("CA", "MX") and rnd.random() < 0.5
        keys.append(
            {
                "key_id": key_id,
                "period": rnd.choice(days[code, origin]),
                "hts": code,
                "origin": origin,
                "usmca": usmca,
                "melted_poured": rnd.choice([None, "US", "CN", "MX", "unknown"]),
                "smelted_cast": rnd.choice([None, "US", "RU", "unknown"]),
                "has_steel": rnd.random() < 0.5,
                "has_alu": rnd.random() < 0.5,
                "has_copper": rnd.random() < 0.5,
                "has_nonus": rnd.random() < 0.5,
                "has_usparts": rnd.random() < 0.5,
                "has_qty": rnd.random() < 0.5,
                "has_kg": rnd.random() < 0.5,
                "spi": None if usmca or rnd.random() < 0.7 else rnd.choice(["KR", "AU", "A+"]),
                "light_metal": rnd.choice([None, 0, 1, 2]),  # 2: no metal at all (9903.82.01)
                "metals_relief": rnd.choice(
                    [None, "none", "commerce_quota", "motorcycle_parts", "equipment_parts"]
                ),
            }
        )
    return keys


def _by_key(table: pa.Table) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for r in table.to_pylist():
        out[r.pop("key_id")].append(tuple(sorted(r.items())))
    return dict(out)


def _one_probe_per_key(
    keys: list[dict[str, Any]], tables: TariffTables, basis: str
) -> tuple[dict[int, list[tuple[Any, ...]]], list[tuple[int, str]], list[tuple[int, str]]]:
    """The reference: every key's own probe, with all its facts, priced by ``price_entry``."""
    rows: list[dict[str, Any]] = []
    bad, questions = [], []
    probes = _Probes(tables, basis)
    for k in keys:
        try:
            priced = probes.price(probes.law(k["hts"], k["origin"]), k, {f: k[f] for f in RELEVANT})
        except InputError as exc:
            bad.append((k["key_id"], str(exc)))
            continue
        rows += [{"key_id": k["key_id"], **r} for r in priced.rows]
        questions += [(k["key_id"], q) for q in priced.questions]
    return _by_key(pa.Table.from_pylist(rows)), bad, questions


@pytest.mark.parametrize("basis", ["liability", "deposited"])
def test_templates_equal_one_probe_per_key(basis: str) -> None:
    tables = default_tables()
    keys = _keys(tables, 4000, seed=7)
    table, bad, questions = templates(keys, tables, basis)
    want_rows, want_bad, want_questions = _one_probe_per_key(keys, tables, basis)
    assert _by_key(table) == want_rows
    assert sorted(bad) == sorted(want_bad)
    assert sorted(questions) == sorted(want_questions)
    assert want_questions and len(want_rows) > 3000  # the keys ask questions and most price


def test_keys_of_one_law_share_one_probe() -> None:
    """Keys of a code on every day its law changes for any origin, with facts nothing turns on:
    one probe per period of the law for their own origin at most."""
    tables = default_tables()
    code, origin = "5509590000", "VN"  # textiles from Viet Nam: the reciprocal duty, Section 122
    every = [d for d in period_table(tables, [code]).column("p_start").to_pylist() if d.year >= 2025]
    own = [
        d
        for d in origin_period_table(tables, [(code, origin)]).column("p_start").to_pylist()
        if d.year >= 2025
    ]
    keys = [
        {
            "key_id": len(every) * i + j,
            "period": day,
            "hts": code,
            "origin": origin,
            "usmca": False,
            "melted_poured": melted,
            "smelted_cast": None,
            "has_steel": steel,
            "has_alu": False,
            "has_copper": False,
            "has_nonus": False,
            "has_usparts": False,
            "has_qty": False,
            "has_kg": False,
            "spi": None,
            "light_metal": None,
            "metals_relief": None,
        }
        for i, (melted, steel) in enumerate([(None, False), ("CN", True), ("unknown", False)])
        for j, day in enumerate(every)
    ]
    probes = _Probes(tables, "liability")
    table, _, _ = _templates(keys, probes)
    assert len(keys) > 3 * len(own) >= 3 * probes.probes
    assert _by_key(table) == _one_probe_per_key(keys, tables, "liability")[0]


def test_a_measure_for_one_origin_splits_only_its_periods() -> None:
    tables = default_tables()
    code = "8424100000"  # China's reciprocal and fentanyl rates change often in 2025
    by_origin = origin_period_table(tables, [(code, "CN"), (code, "DE")])
    starts: dict[str, set[dt.date]] = defaultdict(set)
    for origin, start in zip(
        by_origin.column("p_origin").to_pylist(), by_origin.column("p_start").to_pylist(), strict=True
    ):
        starts[origin].add(start)
    every = set(period_table(tables, [code]).column("p_start").to_pylist())
    # China's 125 % ends on 2025-05-14 (a day of no German measure); the EU's floor starts on 2025-08-07
    # (China's reciprocal rate did not change that day)
    assert dt.date(2025, 5, 14) in starts["CN"] and dt.date(2025, 5, 14) not in starts["DE"]
    assert dt.date(2025, 8, 7) in starts["DE"] and dt.date(2025, 8, 7) not in starts["CN"]
    assert starts["CN"] | starts["DE"] <= every and len(starts["DE"]) < len(starts["CN"]) < len(every)


def test_a_fact_matters_only_in_the_periods_and_for_the_origins_of_the_measures_that_turn_on_it() -> None:
    tables = default_tables()
    code = "7208380015"  # melted and poured: not in the US (Mexico, to 2025-03-12), in the US (to 2026-04-06)
    table = origin_period_table(tables, [(code, "MX"), (code, "DE")])
    rel: dict[str, dict[dt.date, bool]] = defaultdict(dict)
    for origin, start, matters in zip(
        *(table.column(c).to_pylist() for c in ("p_origin", "p_start", "rel_melted_poured")), strict=True
    ):
        rel[origin][start] = matters

    def on(origin: str, day: dt.date) -> bool:
        return rel[origin][max(d for d in rel[origin] if d <= day)]

    assert on("MX", dt.date(2025, 1, 15)) and not on("DE", dt.date(2025, 1, 15))
    assert on("MX", dt.date(2025, 5, 15)) and on("DE", dt.date(2025, 5, 15))
    assert not on("MX", dt.date(2026, 4, 10)) and not on("DE", dt.date(2026, 4, 10))  # the UK's only
    # from 2026-04-23, the USMCA quota of 9903.82.18 turns on it for Canada and Mexico
    assert on("MX", dt.date(2026, 5, 15)) and not on("DE", dt.date(2026, 5, 15))


def test_the_stacking_order_is_read_only_where_it_decides() -> None:
    tables = default_tables()
    reading = _Reading(tables.parameters)
    t = TariffTables(tables.schedule, tables.measures, reading, tables.law_as_of)
    day = dt.date(2025, 5, 15)
    price_entry(Entry(day, "5509590000", "VN", Decimal(1000)), tables=t)
    assert "tariffs.stacking_order" not in reading.read  # the reciprocal duty alone: no order to decide
    reading.read.clear()
    price_entry(Entry(day, "8543901200", "CA", Decimal(1000)), tables=t)
    assert "tariffs.stacking_order" in reading.read  # IEEPA Canada: its order against 232 decides
    assert reading.read <= set(STACKING_PARAMETERS)


def test_keys_priced_in_two_processes_equal_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """From PARALLEL_FROM keys a forked second process prices half the codes and origins: the same
    templates, refusals and questions as one process; from a thread other than the main one (a
    server's job) nothing is forked."""
    import threading

    import tmec.engine.pricing_keys as pk

    tables = default_tables()
    keys = _keys(tables, 1500, seed=11)
    monkeypatch.setattr(pk, "PARALLEL_FROM", 10**9)
    one = templates(keys, tables, "liability")
    monkeypatch.setattr(pk, "PARALLEL_FROM", 0)
    forks: list[int] = []
    real_context = pk.mp.get_context
    monkeypatch.setattr(pk.mp, "get_context", lambda m: forks.append(1) or real_context(m))
    two = templates(keys, tables, "liability")
    assert forks == [1]
    assert _by_key(two[0]) == _by_key(one[0])
    assert sorted(two[1]) == sorted(one[1]) and sorted(two[2]) == sorted(one[2])
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(templates(keys, tables, "liability")))
    worker.start()
    worker.join()
    assert forks == [1] and _by_key(out[0][0]) == _by_key(one[0])
