"""Issue 12 item 3: what an input may cost — file size, YAML aliases and depth, materials — each limit
refused at once (exit 2) naming the limit and the variable that raises it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.core.errors import InputError
from tmec.core.input_limits import LIMITS, MAX_FILE_BYTES, check_materials, read_input
from tmec.core.safe_yaml import load_document, load_json_text, load_yaml_text

ROOT = Path(__file__).resolve().parents[2]

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def _qualify(path: Path | str) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    result = CliRunner().invoke(main, ["qualify", str(path)])
    return result.exit_code, " ".join(result.output.split()), time.perf_counter() - t0


def test_billion_laughs_is_refused_while_it_is_parsed(tmp_path: Path) -> None:
    assert len(LAUGHS) < 500
    case = tmp_path / "laughs.yaml"
    case.write_text(LAUGHS)
    code, output, seconds = _qualify(case)
    assert code == 2 and "TMEC_MAX_YAML_NODES" in output and "laughs.yaml:" in output, output
    assert seconds < 5  # measured well under a second; the bound leaves room for a loaded machine


def test_every_yaml_input_goes_through_the_bounded_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certifier file, a scenario, rules.yaml: the same loader as a case."""
    from tmec.engine.exposure import load_scenario
    from tmec.engine.rules_file import RuleBook
    from tmec.law import load_yaml

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS)
    for read in (load_yaml, RuleBook.load):
        with pytest.raises(InputError, match="TMEC_MAX_YAML_NODES"):
            read(bomb)
    with pytest.raises(InputError, match="TMEC_MAX_YAML_NODES"):
        load_scenario(bomb, None)  # type: ignore[arg-type]
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "pw")
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["certify", str(ROOT / "examples" / "bearing.yaml"), "--certifier", str(bomb)]
    )
    assert result.exit_code == 2 and "TMEC_MAX_YAML_NODES" in result.output, result.output


def test_aliases_depth_and_values_each_have_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    many = "x: &x 1\ny: [" + ", ".join(["*x"] * 20) + "]\n"
    assert load_yaml_text(many)["y"] == [1] * 20  # anchors in reason are fine
    monkeypatch.setenv("TMEC_MAX_YAML_ALIASES", "10")
    with pytest.raises(InputError, match=r"11 aliases \(the limit is 10 aliases.*TMEC_MAX_YAML_ALIASES"):
        load_yaml_text(many)
    deep = "[" * 150 + "]" * 150
    with pytest.raises(InputError, match="TMEC_MAX_YAML_DEPTH"):
        load_yaml_text(deep)
    with pytest.raises(InputError, match="TMEC_MAX_YAML_DEPTH"):
        load_json_text(deep)
    with pytest.raises(InputError, match="TMEC_MAX_YAML_DEPTH"):
        load_json_text("[" * 100_000 + "]" * 100_000)  # past the interpreter's own recursion
    monkeypatch.setenv("TMEC_MAX_YAML_DEPTH", "200")
    assert load_yaml_text(deep) == load_json_text(deep) != []
    monkeypatch.setenv("TMEC_MAX_YAML_NODES", "5")
    with pytest.raises(InputError, match="TMEC_MAX_YAML_NODES"):
        load_json_text("[1, 2, 3, 4, 5, 6]")


def test_bytes_yaml_refuses_are_bad_input_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="malformed YAML: unacceptable character"):
        load_yaml_text("name: \x9b\n")  # refused by the reader as it starts
    latin1 = tmp_path / "scenario.yaml"
    latin1.write_bytes(b'name: "\xff"\n')
    with pytest.raises(InputError, match="not UTF-8"):
        load_document(latin1)


def test_a_device_or_a_pipe_is_refused_at_once(tmp_path: Path) -> None:
    code, output, _ = _qualify("/dev/zero")
    assert code == 2 and "not a regular file" in output, output
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)  # opening it would wait for a writer
    code, output, _ = _qualify(fifo)
    assert code == 2 and "not a regular file" in output, output
    with pytest.raises(InputError, match="not a regular file"):
        read_input(tmp_path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: 60 MB on paper, nothing on disk
        fh.truncate(60 * 1024 * 1024)
    code, output, seconds = _qualify(big)
    assert code == 2 and "TMEC_MAX_FILE_BYTES" in output and "62,914,560 bytes" in output, output
    assert seconds < 5
    monkeypatch.setenv("TMEC_MAX_FILE_BYTES", "10")
    small = tmp_path / "small.yaml"
    small.write_text("date: 2025-01-01\n")
    with pytest.raises(InputError, match="the limit is 10 bytes"):
        load_document(small)
    monkeypatch.setenv("TMEC_MAX_FILE_BYTES", "ten")
    with pytest.raises(InputError, match="TMEC_MAX_FILE_BYTES: expected a positive whole number"):
        MAX_FILE_BYTES.value()


def _case_with_materials(count: int) -> str:
    head = (ROOT / "examples" / "bearing.yaml").read_text(encoding="utf-8").split("\nmaterials:")[0]
    rows = "".join(
        f"  - {{id: M{i}, hs: '7326.90', origin: non_originating, value: '0.01'}}\n" for i in range(count)
    )
    return f"{head}\nmaterials:\n{rows}"


def test_a_case_of_too_many_materials_is_refused_before_they_are_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMEC_MAX_MATERIALS", "1000")
    case = tmp_path / "many.yaml"
    case.write_text(_case_with_materials(1001))
    code, output, _ = _qualify(case)
    assert code == 2 and "TMEC_MAX_MATERIALS" in output and "materials" in output, output
    case.write_text(_case_with_materials(1000))
    assert _qualify(case)[0] in (0, 1)


def test_materials_nested_beyond_the_depth_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def nested(depth: int) -> dict:  # type: ignore[type-arg]
        node: dict = {"id": "LEAF", "value": "1"}  # type: ignore[type-arg]
        for i in range(depth - 1):
            node = {"id": f"S{i}", "self_produced": True, "materials": [node]}
        return {"materials": [node]}

    check_materials(nested(100))  # a deep chain is not a cycle (issue 11 item 8)
    with pytest.raises(InputError, match=r"nested too deep: more than 100 levels.*TMEC_MAX_MATERIAL_DEPTH"):
        check_materials(nested(101))
    monkeypatch.setenv("TMEC_MAX_MATERIAL_DEPTH", "120")
    check_materials(nested(101))
    # a list that contains itself through YAML anchors is named as such
    looped = load_yaml_text("materials: &m [{id: A, self_produced: true, materials: *m}]\n")
    with pytest.raises(InputError, match="contains itself"):
        check_materials(looped)


def _chain(directory: Path, levels: int) -> Path:
    directory.mkdir()
    (directory / "goods.csv").write_text("good_id,hs,transaction_value\nP0,870899,1000\n")
    parts = "".join(f"P{i},870899,non_originating,{'1' if i == levels else ''}\n" for i in range(levels + 1))
    (directory / "parts.csv").write_text("part_id,hs,origin,value\n" + parts)
    edges = "".join(f"P{i},P{i + 1},1\n" for i in range(levels))
    (directory / "edges.csv").write_text("parent,child,quantity\n" + edges)
    return directory


def test_a_200_level_portfolio_bom_is_refused_without_rolling_up_64_levels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tmec.engine import rollup
    from tmec.engine.rollup_sql import Steps

    levels_rolled: list[int] = []
    real_level, real_step = rollup._level, Steps.level
    monkeypatch.setattr(rollup, "_level", lambda *a: levels_rolled.append(1) or real_level(*a))
    # DuckDB's full roll-up runs its levels as SQL (tmec.engine.rollup_sql): counted the same way
    monkeypatch.setattr(Steps, "level", lambda *a: levels_rolled.append(1) or real_step(*a))
    bom = _chain(tmp_path / "deep", 200)
    args = ["portfolio", "qualify", str(bom), "--date", "2025-01-01", "--out", str(tmp_path / "o.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "deeper than 64 levels" in result.output and "TMEC_MAX_BOM_DEPTH" in result.output
    assert len(levels_rolled) <= 1  # it took 64 levels (33 s) to refuse it
    # the limit is exact: a BOM of as many levels as the limit runs (rolled level by level)
    monkeypatch.setenv("TMEC_MAX_BOM_DEPTH", "4")
    levels_rolled.clear()
    args[2] = str(_chain(tmp_path / "four", 4))
    assert CliRunner().invoke(main, args).exit_code in (0, 1)
    assert len(levels_rolled) == 4
    args[2] = str(_chain(tmp_path / "five", 5))
    five = CliRunner().invoke(main, args)
    assert five.exit_code == 2 and "deeper than 4 levels" in five.output, five.output


def test_the_readme_documents_every_limit() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Limits", 1)[1]
    for limit in LIMITS:
        assert limit.env in section and f"{limit.default:_}".replace("_", ",") in section, limit.env


@pytest.mark.parametrize("parser", ["libyaml", "pure Python"])
def test_both_parsers_keep_every_limit(parser: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server parses with libyaml (about 5x less CPU); the counting composer is the same on both."""
    from tmec.core import safe_yaml

    if parser == "libyaml":
        pytest.importorskip("yaml._yaml", reason="PyYAML built without libyaml")
        assert safe_yaml._LOADER.__name__ == "_CBoundedLoader"  # the default where libyaml exists
    else:
        monkeypatch.setattr(safe_yaml, "_LOADER", safe_yaml._BoundedLoader)
    with pytest.raises(InputError, match="TMEC_MAX_YAML_NODES") as bomb:
        load_yaml_text(LAUGHS, source="laughs.yaml")
    assert bomb.value.line is not None and bomb.value.source == "laughs.yaml"
    with pytest.raises(InputError, match="TMEC_MAX_YAML_DEPTH"):
        load_yaml_text("[" * 150 + "]" * 150)
    with pytest.raises(InputError, match="malformed YAML: unacceptable character"):
        load_yaml_text("name: \x9b\n")
    with pytest.raises(InputError, match="malformed YAML") as bad:
        load_yaml_text("a: 1\nb: [2,\n", source="x.yaml")
    assert bad.value.line == 3
    with pytest.raises(InputError, match="invalid value"):
        load_yaml_text("day: 2023-02-29\n")
    monkeypatch.setenv("TMEC_MAX_YAML_ALIASES", "3")
    with pytest.raises(InputError, match="TMEC_MAX_YAML_ALIASES"):
        load_yaml_text("x: &x 1\ny: [*x, *x, *x, *x]\n")
    case = (ROOT / "examples" / "bearing.yaml").read_text(encoding="utf-8")
    # and the same data from either parser
    monkeypatch.setattr(safe_yaml, "_LOADER", safe_yaml._BoundedLoader)
    reference = load_yaml_text(case)
    monkeypatch.undo()
    assert load_yaml_text(case) == reference
