"""The law as built, kept under ``$TMEC_HOME/cache/law`` (tmec.law.compiled): the same law read
back, never a stale or damaged one."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
import threading
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

import pytest

from tmec.law import build_parameters, parameter_files
from tmec.law import compiled as law_cache
from tmec.law.compiled import CACHE_ENV, MAGIC, cache_path, compiled
from tmec.law.tariffs import HTS_SCHEDULE, build_measures, load_tables, measure_files
from tmec.tariffs import Entry, MeasureSet, TariffTables, price_entry
from tmec.tariffs.measures import PROGRAMS


def _never() -> MeasureSet:
    raise AssertionError("built again: the kept law was not read")


def _files(tmp_path: Path) -> list[Path]:
    law = tmp_path / "law.yaml"
    law.write_text("rate: 25\n", encoding="utf-8")
    return [law]


def test_the_kept_law_is_the_law_built(home: Path) -> None:
    files = measure_files()
    built = compiled("measures", files, build_measures, MeasureSet)
    assert cache_path("measures", files).is_file()
    kept = compiled("measures", files, _never, MeasureSet)
    assert kept is not built
    assert kept.measures == built.measures
    # every chapter and heading of the schedule, and every 8-digit line of two metals' chapters
    lines = [ln.split("\t", 1)[0] for ln in HTS_SCHEDULE.read_text(encoding="utf-8").splitlines()]
    codes = {c[:n] for c in lines if c.isdigit() for n in (2, 4)}
    codes |= {c[:8] for c in lines if c[:2] in {"73", "76"} and c.isdigit()}
    for code in sorted(codes):
        for program in PROGRAMS:
            assert kept.covering(program, code) == built.covering(program, code), (program, code)
    params = parameter_files()
    made = compiled("parameters", params, lambda: build_parameters(params), type(build_parameters(params)))
    read = compiled("parameters", params, _never, type(made))  # type: ignore[arg-type]
    assert dict(read) == dict(made)


def test_the_same_duties_with_and_without_it(home: Path) -> None:
    base = load_tables()
    params = parameter_files()
    kind = type(base.parameters)
    cold = TariffTables(
        schedule=base.schedule,
        measures=build_measures(),
        parameters=build_parameters(params),
        law_as_of=base.law_as_of,
    )
    compiled("measures", measure_files(), build_measures, MeasureSet)
    compiled("parameters", params, lambda: build_parameters(params), kind)
    warm = TariffTables(
        schedule=base.schedule,
        measures=compiled("measures", measure_files(), _never, MeasureSet),
        parameters=compiled("parameters", params, _never, kind),  # type: ignore[arg-type]
        law_as_of=base.law_as_of,
    )
    for hts, origin, day in [
        ("7208390090", "MX", "2025-06-01"),
        ("7208390090", "CN", "2026-05-01"),
        ("8703230190", "JP", "2025-09-01"),
        ("9403200011", "BR", "2025-10-01"),
        ("7604101000", "IN", "2026-07-01"),
        ("8471300100", "CN", "2025-03-01"),
    ]:
        entry = Entry(hts=hts, origin=origin, value=Decimal(1000), entry_date=dt.date.fromisoformat(day))
        assert price_entry(entry, tables=warm).to_dict() == price_entry(entry, tables=cold).to_dict()


def test_a_changed_law_file_is_another_key(home: Path, tmp_path: Path) -> None:
    files = _files(tmp_path)
    first = cache_path("t", files)
    compiled("t", files, lambda: {"rate": 25}, dict)
    assert first.is_file()
    files[0].write_text("rate: 50\n", encoding="utf-8")
    second = cache_path("t", files)
    assert second != first
    assert compiled("t", files, lambda: {"rate": 50}, dict) == {"rate": 50}
    assert second.is_file() and not first.exists()  # the stale file removed


def test_the_key_covers_the_code_of_every_class_kept() -> None:
    """A class of the kept objects whose source is not in the key would be read back stale."""
    found: set[tuple[str, str]] = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> type:
            found.add((module, name))
            cls: type = super().find_class(module, name)
            return cls

    for made in (build_measures(), build_parameters(parameter_files())):
        Recording(io.BytesIO(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))).load()
    code = {str(p.relative_to(law_cache.PACKAGE)) for p in law_cache._code()}
    for module, name in found:
        if (module, name) in law_cache.STANDARD:
            continue
        assert module.startswith(law_cache.MODULES), (module, name)
        assert module.removeprefix("tmec.").replace(".", "/") + ".py" in code, (module, name)


def test_every_file_the_measures_are_read_from_is_in_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import tmec.law.tariffs as tariffs_law

    read: list[Path] = []
    load = tariffs_law.load_yaml

    def spy(path: Path) -> object:
        read.append(path)
        return load(path)

    monkeypatch.setattr(tariffs_law, "load_yaml", spy)
    build_measures()
    assert read and set(read) <= set(measure_files())


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]),  # bytes changed
        lambda data: b"",
        lambda data: b"not a pickle at all",
    ],
)
def test_a_damaged_file_is_built_again(home: Path, tmp_path: Path, damage: object) -> None:
    files = _files(tmp_path)
    compiled("t", files, lambda: {"rate": 25}, dict)
    path = cache_path("t", files)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert compiled("t", files, lambda: {"rate": 25, "again": True}, dict) == {"rate": 25, "again": True}
    assert compiled("t", files, dict, dict) == {"rate": 25, "again": True}  # written again, whole


def _call(module: str, name: str, arg: str) -> bytes:
    """A pickle calling ``module``'s ``name`` (dotted: reached through its attributes) on ``arg``."""
    parts = [module.encode(), name.encode(), arg.encode()]
    m, n, x = (bytes([0x8C, len(b)]) + b for b in parts)  # SHORT_BINUNICODE
    return b"\x80\x04" + m + n + b"\x93" + x + b"\x85R."  # PROTO 4, STACK_GLOBAL, TUPLE1, REDUCE, STOP


@pytest.mark.parametrize(
    "payload",
    [
        pickle.dumps(OrderedDict(rate=1)),  # a class of another package
        pickle.dumps(["a list"]),  # another kind of object
        _call("tmec.core.package_data", "json.loads", "{}"),  # a dict, made by a function it imports
        _call("tmec.core.safe_yaml", "yaml.safe_load", "{}"),
    ],
    ids=["another-package", "another-kind", "json.loads", "yaml.safe_load"],
)
def test_a_foreign_class_or_another_kind_is_built_again(home: Path, tmp_path: Path, payload: bytes) -> None:
    assert pickle.loads(payload) is not None  # a well-formed pickle; the file's checksum is right
    files = _files(tmp_path)
    path = cache_path("t", files)
    path.parent.mkdir(parents=True)
    path.write_bytes(MAGIC + hashlib.sha256(payload).digest() + payload)
    assert compiled("t", files, lambda: {"rate": 25}, dict) == {"rate": 25}


def test_processes_starting_together_read_whole_files(home: Path, tmp_path: Path) -> None:
    files = _files(tmp_path)
    start = threading.Barrier(8)
    results: list[dict[str, object]] = []

    def build() -> dict[str, object]:
        start.wait()  # every writer builds, then writes, at the same time
        return {"rate": 25, "codes": list(range(50_000))}

    def run() -> None:
        results.append(compiled("t", files, build, dict))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results)
    folder = cache_path("t", files).parent
    assert [p.name for p in folder.iterdir()] == [cache_path("t", files).name]  # nothing left aside
    assert compiled("t", files, dict, dict) == results[0]


def test_turned_off_or_unwritable(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path)
    monkeypatch.setenv(CACHE_ENV, "0")
    assert compiled("t", files, lambda: {"rate": 25}, dict) == {"rate": 25}
    assert not (home / "cache").exists()
    monkeypatch.delenv(CACHE_ENV)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TMEC_HOME", str(blocker))
    assert compiled("t", files, lambda: {"rate": 25}, dict) == {"rate": 25}
