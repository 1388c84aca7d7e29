"""Whatever a case file holds, parsing and qualifying raise InputError or succeed — never a traceback."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tmec.core.errors import InputError
from tmec.origin import parse_case, qualify

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["", "x", "7208.51", "8482.10", "-1", "1e3", "originating", "unknown", "2024-01-01", "NaN"]
    ),
)

KEYS = [
    "id", "date", "good", "hs", "rule", "method", "valuation", "costs", "materials", "origin", "value",
    "self_produced", "intermediate", "accumulation", "any_of", "change", "rvc", "net_cost",
    "transaction_value", "excluded", "role", "deductions", "set", "weight_kg", "vnm",
]  # fmt: skip


values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12,
)

base_material = st.fixed_dictionaries(
    {"hs": st.sampled_from(["7208.51", "8482.99", "7228.30"]), "value": st.sampled_from(["1", "2.5", 3])},
    optional=dict.fromkeys(
        ("origin", "self_produced", "intermediate", "accumulation", "role", "materials"), values
    ),
)
cases = st.fixed_dictionaries(
    {"date": st.sampled_from(["2024-01-01", "2023-06-30"]), "good": st.just({"hs": "8482.10"})},
    optional={
        "rule": values,
        "method": values,
        "valuation": values,
        "costs": values,
        "materials": st.lists(base_material | values, max_size=3),
    },
)


@settings(max_examples=300, deadline=None)
@given(data=cases)
def test_parse_and_qualify_fail_only_with_input_errors(data: dict[str, Any]) -> None:
    message = None
    try:
        qualify(parse_case(data, source="fuzz.yaml"))
    except InputError as exc:
        message = str(exc)
    # an input error names the file it came from
    assert message is None or message.startswith("fuzz.yaml"), message
