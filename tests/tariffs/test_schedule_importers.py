"""HTS rate texts, the two USITC formats, and the real chapter-99 snapshot (shared_data)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tmec.core.errors import InputError
from tmec.law.tariffs import load_measures, read_schedule_file
from tmec.tariffs import Schedule, parse_hts_json, parse_rate, parse_tariff_database, special_programs

D = Decimal


@pytest.mark.parametrize(
    ("text", "ad_valorem", "specific"),
    [
        ("Free", D(0), False),
        ("2.5%", D("2.5"), False),
        ("4.4¢/kg", D(0), True),
        ("2.5% + 4.4¢/kg", D("2.5"), True),
        ("The duty provided in the applicable subheading + 25%", D(25), False),
        ("The duty provided in the applicable subheading", D(0), False),
        ("See 9823.04.01", None, False),
    ],
)
def test_rate_texts(text: str, ad_valorem: Decimal | None, specific: bool) -> None:
    rate = parse_rate(text)
    assert rate.ad_valorem == ad_valorem
    assert rate.specific is specific


def test_special_column_groups() -> None:
    groups = special_programs("Free (A+,AU,BH,S,SG) 7 cents/kg (KR) See 9823.04.01-9823.04.54 (S+)")
    assert groups["S"].ad_valorem == 0
    assert groups["KR"].specific
    assert groups["S+"].ad_valorem is None
    assert "MX" not in groups


HTS_JSON = [
    {
        "htsno": "7208",
        "indent": "0",
        "description": "Flat-rolled products",
        "general": "",
        "special": "",
        "other": "",
    },
    {
        "htsno": "7208.39.00",
        "indent": "2",
        "description": "Of a thickness of less than 3 mm",
        "general": "Free",
        "special": "",
        "other": "20%",
    },
    {
        "htsno": "7208.39.00.15",
        "indent": "3",
        "description": "Of high-strength steel",
        "general": "",
        "special": "",
        "other": "",
    },
    {
        "htsno": "8703.23.01",
        "indent": "2",
        "description": "Cars",
        "general": "2.5%",
        "special": "Free (A+,AU,B,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)",
        "other": "10%",
    },
    {"htsno": "", "superior": "true", "description": "heading text"},
]


def test_hts_json_export_statistical_lines_inherit() -> None:
    lines = parse_hts_json(HTS_JSON, valid_from=dt.date(2025, 1, 1))
    # the statistical line is kept (it exists in the revision) and has no rates of its own
    assert [(line.hts, line.rated) for line in lines] == [
        ("72083900", True),
        ("7208390015", False),
        ("87032301", True),
    ]
    schedule = Schedule(lines, name="test")
    assert schedule.line("7208.39.00.15", dt.date(2025, 2, 1)).hts == "72083900"
    car = schedule.line("8703230190", dt.date(2025, 2, 1))
    assert car.general_rate.ad_valorem == D("2.5") and car.preference(["S", "S+"]) is not None
    with pytest.raises(InputError) as exc:
        schedule.line("7208.39.00", dt.date(2024, 12, 31))
    assert exc.value.field == "entry_date"


def test_tariff_database_rows_are_dated_half_open() -> None:
    rows = [
        {
            "hts8": "99030101",
            "brief_description": "MX",
            "mfn_text_rate": "The duty provided in the applicable subheading + 25%",
            "col1_special_text": "",
            "col2_text_rate": "No change",
            "begin_effect_date": "3/4/25",
            "end_effective_date": "3/6/25",
        },
        {
            "hts8": "99030101",
            "brief_description": "MX",
            "mfn_text_rate": "The duty provided in the applicable subheading + 25%",
            "col1_special_text": "",
            "col2_text_rate": "No change",
            "begin_effect_date": "3/7/25",
            "end_effective_date": "12/31/50",
        },
    ]
    lines = parse_tariff_database(rows)
    assert (lines[0].valid_from, lines[0].valid_to) == (dt.date(2025, 3, 4), dt.date(2025, 3, 7))
    assert (lines[1].valid_from, lines[1].valid_to) == (dt.date(2025, 3, 7), None)
    schedule = Schedule(lines)
    assert schedule.line("99030101", dt.date(2025, 3, 6)) is lines[0]
    assert schedule.line("99030101", dt.date(2025, 3, 7)) is lines[1]


def test_tariff_database_bad_row_names_line_and_field() -> None:
    with pytest.raises(InputError) as exc:
        parse_tariff_database(
            [{"hts8": "9903", "begin_effect_date": "", "end_effective_date": ""}], source="f.csv"
        )
    assert (exc.value.line, exc.value.field) == (2, "hts8")


def test_read_schedule_file_detects_the_format(tmp_path: Path) -> None:
    j = tmp_path / "hts.json"
    j.write_text(json.dumps(HTS_JSON), encoding="utf-8")
    assert len(read_schedule_file(j)) == 3
    c = tmp_path / "export.csv"
    with c.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "HTS Number",
                "Indent",
                "Description",
                "Unit of Quantity",
                "General Rate of Duty",
                "Special Rate of Duty",
                "Column 2 Rate of Duty",
                "Quota Quantity",
                "Additional Duties",
            ]
        )
        w.writerow(["7604.21.00", "1", "Hollow profiles", "kg", "1.5%", "Free (A,AU,S)", "45%", "", ""])
    (line,) = read_schedule_file(c)
    assert line.hts == "76042100" and line.general_rate.ad_valorem == D("1.5")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="unrecognised schedule"):
        read_schedule_file(bad)


# --- the real USITC chapter-99 snapshot -------------------------------------------------------------


@pytest.fixture(scope="module")
def ch99(shared_data: Path) -> Schedule:
    lines = read_schedule_file(
        shared_data / "usitc-ch99" / "chapter99_8HTS_2025-06-09_tariff-database-format.csv"
    )
    return Schedule(lines, name="usitc ch.99 2025-06-09")


def test_real_snapshot_loads_every_row(shared_data: Path, ch99: Schedule) -> None:
    path = shared_data / "usitc-ch99" / "chapter99_8HTS_2025-06-09_tariff-database-format.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(ch99) == len(rows) == 101
    ieepa_mx = ch99.line("99030101", dt.date(2025, 3, 5))
    assert ieepa_mx.valid_to == dt.date(2025, 3, 7)
    assert ch99.line("99030101", dt.date(2025, 5, 1)).general_rate.ad_valorem == 25


def test_real_subset_file_loads(shared_data: Path) -> None:
    lines = read_schedule_file(shared_data / "usitc-ch99" / "chapter99_232_ieepa_subset.csv")
    assert len(lines) == 41


def test_bundled_measures_agree_with_the_usitc_snapshot(ch99: Schedule) -> None:
    """Each bundled measure found in the snapshot has the snapshot's rate on the dates both cover."""
    checked = 0
    snapshot_day = dt.date(2025, 6, 4)  # the file predates the 50 % rate (shared/data/README.md)
    for m in load_measures():
        if not m.heading or m.heading.replace(".", "") not in ch99.codes():
            continue
        for line in ch99:
            if line.hts != m.heading.replace(".", ""):
                continue
            start = max(m.valid_from, line.valid_from or m.valid_from)
            end = min(d for d in (m.valid_to, line.valid_to, snapshot_day) if d is not None)
            if start >= end:
                continue
            rate = line.general_rate.ad_valorem
            assert rate is not None, m.id
            expected = 0 if m.exemption else m.rate
            if m.base != "full" and rate == 0:
                continue  # "a duty of 25% upon the value of the steel content": the text is cut in the file
            assert rate == expected, (m.id, line.general, start)
            checked += 1
    assert checked >= 12
