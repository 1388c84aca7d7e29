"""Portfolio inputs read as the per-case path reads them (issue 11 items 1 and 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.core.errors import InputError
from tmec.engine.whereused import load_changes

GOODS = "good_id,hs,transaction_value\nG1,870830,100\n"
PARTS = (
    "part_id,hs,origin,value\nG1,870830,,\nA,870899,,\nB,720851,non_originating,10\nC,392690,originating,5\n"
)
EDGES = "parent,child,quantity\nG1,A,1\nA,B,1\nA,C,1\n"


def _dir(tmp_path: Path, *, goods: str = GOODS, parts: str = PARTS, edges: str = EDGES) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "goods.csv").write_text(goods, encoding="utf-8")
    (tmp_path / "parts.csv").write_text(parts, encoding="utf-8")
    (tmp_path / "edges.csv").write_text(edges, encoding="utf-8")
    return tmp_path


def _qualify(d: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["portfolio", "qualify", str(d), "--date", "2026-01-05", "--json", *extra]
    )
    return result.exit_code, result.output


def test_a_decimal_comma_in_a_bom_directory_is_refused_not_misread(tmp_path: Path) -> None:
    d = _dir(tmp_path, parts=PARTS.replace("non_originating,10", 'non_originating,"3,60"'))
    code, out = _qualify(d)
    assert code == 2, out
    assert "parts.csv:4: value: expected a number written 1234.56 or as locale en writes it" in out
    assert "found '3,60'" in out


def test_a_bom_directory_in_a_declared_locale(tmp_path: Path) -> None:
    plain = _qualify(_dir(tmp_path / "a"))
    german = _dir(
        tmp_path / "b",
        goods=GOODS.replace(",100", ',"100,00"'),
        parts=PARTS.replace("non_originating,10", 'non_originating,"10,00"'),
    )
    assert _qualify(german, "--locale", "de")[0] == plain[0]
    assert _qualify(german)[0] == 2  # the same file in the default locale: 100,00 is not 10000


def test_a_part_country_must_be_iso_3166(tmp_path: Path) -> None:
    parts = (
        "part_id,hs,origin,value,country\nG1,870830,,,\nA,870899,,,\n"
        "B,720851,non_originating,10,CN\nC,392690,originating,5,ZZ\n"
    )
    code, out = _qualify(_dir(tmp_path, parts=parts))
    assert code == 2, out
    assert "parts.csv:5: country: expected an ISO 3166 country code such as MX or CA, found 'ZZ'" in out


def test_parts_without_an_hs_column_are_bad_input(tmp_path: Path) -> None:
    parts = "part_id,origin,value\nG1,,\nA,,\nB,non_originating,10\nC,originating,5\n"
    code, out = _qualify(_dir(tmp_path, parts=parts))
    assert code == 2, out
    assert "missing column(s) ['hs']" in out


def test_changed_parts_file_not_utf8_is_bad_input(tmp_path: Path) -> None:
    changes = tmp_path / "changes.csv"
    changes.write_bytes(b"part_id,value\nB,1\xff2\n")
    with pytest.raises(InputError, match="expected UTF-8 text"):
        load_changes(changes)
    changes.write_text('part_id,value\nB,"1,5"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"changes.csv:2: value: expected a number written 1234.56"):
        load_changes(changes)
    assert load_changes(changes, locale="de")[0].value == 1.5


def test_a_good_without_components_is_bad_input(tmp_path: Path) -> None:
    goods = GOODS + "G2,870830,50\n"
    parts = PARTS + "G2,870830,,\n"
    code, out = _qualify(_dir(tmp_path, goods=goods, parts=parts))
    assert code == 2, out
    assert "goods.csv:3: good_id: G2 has no components in edges" in out
