"""Hypothesis-generated values for the options that take a number, a code or a date."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import harness
from tests.fuzz.conftest import EXAMPLES, fuzz_settings
from tests.fuzz.mutate import hostile_text


def value(valid: str) -> st.SearchStrategy[str]:
    """Mostly the valid value, otherwise a hostile one: so that one bad option is tested at a time."""
    return st.one_of(st.just(valid), st.just(valid), hostile_text)


def attempt(target: str, args: list[str]) -> None:
    args = [a.replace("\x00", "") for a in args]  # no operating system passes a NUL in an argument
    harness.check(harness.run(target, args), " ".join(args))


@fuzz_settings
@given(
    hts=value("7208.39.00"),
    origin=value("MX"),
    amount=value("1000"),
    day=value("2025-06-01"),
    steel=st.one_of(st.none(), hostile_text),
    json=st.booleans(),
)
def test_duty_options(hts: str, origin: str, amount: str, day: str, steel: str | None, json: bool) -> None:
    args = ["duty", "--hts", hts, "--origin", origin, "--value", amount, "--date", day]
    args += ["--steel-value", steel] if steel is not None else []
    attempt("options (duty)", args + (["--json"] if json else []))


@fuzz_settings
@given(day=value("2024-01-10"), method=st.sampled_from([[], ["--method", "net_cost"]]))
def test_qualify_options(day: str, method: list[str]) -> None:
    attempt("options (qualify)", ["qualify", str(EXAMPLES / "bearing.yaml"), "--date", day, *method])


@fuzz_settings
@given(hs=value("8708.70"), day=value("2025-06-01"), origin=value("MX"), which=st.integers(0, 4))
def test_lookup_options(hs: str, day: str, origin: str, which: int) -> None:
    args = [
        ["rules", "show", hs, "--date", day],
        ["measures", "show", "--date", day, "--origin", origin, "--hts", hs],
        ["automotive", "part", hs, "--end-use", "passenger_vehicle", "--date", day],
        ["law", "show", "--date", day],
        ["rules", "list", "--chapter", hs, "--date", day],
    ][which]
    attempt(f"options ({args[0]} {args[1]})", args)


@fuzz_settings
@given(flow=value("8.106e9"), before=value("25"), after=value("50"), em=value("-1.5"))
def test_impact_options(flow: str, before: str, after: str, em: str) -> None:
    attempt(
        "options (impact)", ["impact", "--flow", flow, "--from-rate", before, "--to-rate", after, "--em", em]
    )
