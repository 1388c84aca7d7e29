"""A small pytest plugin: every ``cases/*.yaml`` file is a list of expert-readable tests.

Each test is either a case and the result expected of ``qualify``::

    - name: W-1 net cost method
      source: UR s.7(22) Example 4
      case: {date: ..., good: ..., costs: ...}      # a case file, as in shared/spec/case-format.md
      qualify: {method: net_cost}                 # optional keyword arguments (date, method)
      tolerance: 0.05                             # for numbers (official examples print 1 decimal)
      expect:
        originating: true
        rvc.net_cost.value: 54.545                # dotted paths into Determination.to_dict()

or a call of one of the computations outside ``qualify`` (``COMPUTATIONS``
below) with ``call``/``args``, its result checked the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tmec.law import load_parameters
from tmec.origin import parse_case, qualify
from tmec.origin.allocation import allocate, allocate_net_cost
from tmec.origin.averaging import first_averaging_period
from tmec.origin.fungible import Receipt, fifo
from tmec.origin.interest import non_allowable_interest


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _dmap(values: dict[str, Any]) -> dict[str, Decimal]:
    return {str(k): _d(v) for k, v in values.items()}


def _fifo(args: dict[str, Any]) -> Any:
    receipts = [
        Receipt(r["date"], _d(r["quantity"]), r["origin"] == "originating", _d(r["unit_value"]))
        for r in args["receipts"]
    ]
    shipments = [(s["date"], _d(s["quantity"])) for s in args["shipments"]]
    return [w.to_dict() for w in fifo(receipts, shipments, _d(args.get("per_good", 1)))]


def _interest(args: dict[str, Any]) -> Any:
    spread = load_parameters().at(args["date"])["usmca.non_allowable_interest_spread"]
    return non_allowable_interest(
        _d(args["principal"]),
        _d(args["rate_percent"]),
        int(args["years"]),
        _d(args["payment"]),
        {_d(k): _d(v) for k, v in args["yields"].items()},
        spread,
        _d(args.get("interest_cost", 0)),
    ).to_dict()


def _allocate(args: dict[str, Any]) -> Any:
    return {
        k: str(v)
        for k, v in allocate(_d(args["amount"]), _dmap(args["basis"]), args.get("ratio_places")).items()
    }


def _net_cost(args: dict[str, Any]) -> Any:
    result = allocate_net_cost(
        _d(args["total_cost"]), _dmap(args["excluded"]), _dmap(args["basis"]), args.get("method", "b")
    )
    return {k: v.to_dict() for k, v in result.items()}


def _averaging(args: dict[str, Any]) -> Any:
    start, end = first_averaging_period(args["fiscal_year_start"], args["entry_into_force"])
    return {"start": start.isoformat(), "end": end.isoformat(), "months": _months(start, end)}


def _months(start: dt.date, end: dt.date) -> int:
    after = end + dt.timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month


COMPUTATIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "fifo": _fifo,
    "non_allowable_interest": _interest,
    "allocate": _allocate,
    "allocate_net_cost": _net_cost,
    "first_averaging_period": _averaging,
}


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        tests = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for spec in tests:
            yield CaseItem.from_parent(self, name=spec["name"], spec=spec)


class CaseItem(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        spec = self.spec
        if "call" in spec:
            result = COMPUTATIONS[spec["call"]](spec["args"])
        else:
            case = parse_case(spec["case"], source=str(self.path))
            options = dict(spec.get("qualify") or {})
            result = qualify(case, **options).to_dict()
        tolerance = _d(spec.get("tolerance", 0))
        failures = []
        for path, expected in spec["expect"].items():
            actual = _dig(result, path)
            if not _matches(actual, expected, tolerance):
                failures.append(f"{path}: expected {expected!r}, found {actual!r}")
        if failures:
            raise CaseFailure(failures)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.spec.get('source', '')}\n" + "\n".join(excinfo.value.args[0])
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.name}"


class CaseFailure(Exception):
    pass


def _dig(result: Any, path: str) -> Any:
    node = result
    for part in str(path).split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return f"<missing {part}>"
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return f"<missing {part}>"
    return node


def _matches(actual: Any, expected: Any, tolerance: Decimal) -> bool:
    if isinstance(expected, bool) or expected is None:
        return actual is expected
    if isinstance(expected, int | float) and not isinstance(actual, bool):
        try:
            return abs(_d(actual) - _d(expected)) <= tolerance
        except ArithmeticError:
            return False
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(_matches(actual.get(k), v, tolerance) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(
            _matches(a, e, tolerance) for a, e in zip(actual, expected, strict=True)
        )
    return bool(actual == expected)
