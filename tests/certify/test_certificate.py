"""The certification model: Annex 5-A elements, who may certify, scope, refusal of non-originating goods."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from certify_fixtures import CERTIFIER, Case, Determination, Good
from hypothesis import given
from hypothesis import strategies as st

from tmec.certify.certificate import NotOriginating, Scope, build_certification
from tmec.certify.issuer import retention_years
from tmec.certify.parties import AVAILABLE_UPON_REQUEST, VARIOUS, Parties, parse_parties
from tmec.core.errors import InputError


def _build(
    parties: Parties,
    *,
    case: Case | None = None,
    det: Determination | None = None,
    scope: Scope | None = None,
    language: str = "en",
) -> dict[str, Any]:
    return build_certification(
        case or Case(),
        det or Determination(),
        parties,
        scope or Scope(invoice="INV-7"),
        certificate_id="CO-TEST",
        certification_date=dt.date(2024, 3, 1),
        worksheet_sha256="00" * 32,
        issuer={"log_origin": "x", "key_id": "00000000"},
        retention={"years": 5},
        language=language,
    )


def test_the_nine_elements_are_in_the_payload(parties: Parties) -> None:
    p = _build(parties)
    assert p["certifier"]["role"] == "producer"  # 1
    assert p["certifier"]["name"] == "Ana Pérez" and p["certifier"]["email"]  # 2
    assert p["exporter"] is None  # 3: a producer that does not know the exporter
    assert p["producer"] is None  # 4: the certifier is the producer
    assert p["importer"]["country"] == "US"  # 5
    assert p["good"] == {"description": "Ball bearings, 40 mm — sealed", "hs": "8482.10"}  # 6, HS-6
    assert p["invoice_number"] == "INV-7"
    assert p["origin_criterion"] == "B"  # 7, from the determination
    assert p["blanket_period"] is None  # 8
    assert p["certification"]["date"] == "2024-03-01" and "I certify" in p["certification"]["statement"]  # 9


@pytest.mark.parametrize("criterion", ["A", "C", "D"])
def test_the_criterion_comes_from_the_determination(parties: Parties, criterion: str) -> None:
    assert _build(parties, det=Determination(criterion=criterion))["origin_criterion"] == criterion


def test_a_good_that_does_not_qualify_is_refused(parties: Parties) -> None:
    with pytest.raises(NotOriginating, match="does not qualify"):
        _build(parties, det=Determination(originating=False, criterion=None))


def test_an_hs_code_under_six_digits_is_bad_input(parties: Parties) -> None:
    with pytest.raises(InputError, match="at least 6 digits"):
        _build(parties, case=Case(good=Good(hs="8482")))


def test_blanket_period_up_to_twelve_months() -> None:
    ok = Scope(start=dt.date(2024, 1, 15), end=dt.date(2025, 1, 14))
    assert ok.to_dict()["blanket_period"] == {"from": "2024-01-15", "to": "2025-01-14"}
    with pytest.raises(InputError, match="at most 12 months"):
        Scope(start=dt.date(2024, 1, 15), end=dt.date(2025, 1, 15))
    with pytest.raises(InputError, match="before it starts"):
        Scope(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 14))
    with pytest.raises(InputError, match="both"):
        Scope(start=dt.date(2024, 1, 15))
    with pytest.raises(InputError, match="not both"):
        Scope(invoice="1", start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 1))


@given(st.dates(min_value=dt.date(2020, 7, 1), max_value=dt.date(2099, 12, 31)))
def test_a_blanket_period_is_at_most_twelve_months_from_any_start(start: dt.date) -> None:
    if (start.month, start.day) == (2, 29):
        last = dt.date(start.year + 1, 2, 28)  # 1 March a year on is the first day past twelve months
    else:
        last = dt.date(start.year + 1, start.month, start.day) - dt.timedelta(days=1)
    Scope(start=start, end=last)
    with pytest.raises(InputError, match="at most 12 months"):
        Scope(start=start, end=last + dt.timedelta(days=1))
    assert (last - start).days in (364, 365)


def test_a_blanket_period_from_29_february() -> None:
    Scope(start=dt.date(2024, 2, 29), end=dt.date(2025, 2, 28))
    with pytest.raises(InputError, match="the last day allowed is 2025-02-28"):
        Scope(start=dt.date(2024, 2, 29), end=dt.date(2025, 3, 1))


@pytest.mark.parametrize("language", ["es", "fr"])
def test_labels_in_spanish_and_french(parties: Parties, language: str) -> None:
    statement = _build(parties, language=language)["certification"]["statement"]
    assert statement.startswith({"es": "Certifico", "fr": "J'atteste"}[language])


def test_producer_various_and_available_upon_request() -> None:
    data = copy.deepcopy(CERTIFIER)
    data["certifier"]["role"] = "exporter"
    data["producer"] = "various"
    assert parse_parties(data).producer == VARIOUS
    data["producer"] = "Available upon request"
    assert parse_parties(data).producer == AVAILABLE_UPON_REQUEST
    del data["producer"]
    with pytest.raises(InputError, match="element 4"):
        parse_parties(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["certifier"].update(role="broker"), "certifier.role"),
        (lambda d: d["certifier"].pop("email"), "certifier.email"),
        (lambda d: d["importer"].update(country="DE"), "must be in US, MX or CA"),
        (lambda d: d["certifier"].update(role="importer"), "names the exporter"),
        (lambda d: d.update(notary={}), "unknown section"),
    ],
)
def test_bad_certifier_files_name_the_field(change: Any, message: str) -> None:
    data = copy.deepcopy(CERTIFIER)
    change(data)
    with pytest.raises(InputError, match=message):
        parse_parties(data, source="certifier.yaml")


def test_retention_is_never_below_five_years() -> None:
    day = dt.date(2024, 1, 1)
    assert retention_years("US", day)[0] == 5
    assert "1508" in retention_years("US", day)[1]
    assert retention_years("CA", day)[1].endswith("[unverified]")
    assert retention_years("MX", day, 7)[0] == 7
    with pytest.raises(InputError, match="at least 5 years"):
        retention_years("MX", day, 4)
