"""The USMCA certification of origin: the nine minimum data elements of Annex 5-A as a signed payload.

A certification is issued only from a qualification that found the good
originating; its origin criterion (Art. 4.2 (a)–(d), "A".."D") is the
determination's, never typed by hand.  It covers one shipment (invoice number)
or identical goods over a blanket period of at most 12 months (Annex 5-A
element 8).  Amendments and revocations are new signed records that point to
the record they change; the original is never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from tmec.certify.canonical import canonical_json, sha256_hex
from tmec.certify.labels import LANGUAGES, label
from tmec.certify.parties import Parties
from tmec.core import hs
from tmec.core.errors import InputError, TmecError

__all__ = [
    "FORMAT",
    "CaseLike",
    "DeterminationLike",
    "Good",
    "NotOriginating",
    "Scope",
    "build_certification",
    "build_multi_certification",
    "build_revocation",
    "combined_worksheet",
    "good_worksheets",
    "jsonable",
    "worksheet",
]

FORMAT = "tmec.usmca.certification/1"
CRITERIA = ("A", "B", "C", "D")  # USMCA Art. 4.2(a)-(d)


class NotOriginating(TmecError):
    """The qualification did not find the good originating: no certification may be issued."""


class GoodLike(Protocol):
    @property
    def description(self) -> str | None: ...
    @property
    def hs(self) -> str: ...


class CaseLike(Protocol):
    """What certification reads from ``tmec.origin.Case``."""

    @property
    def id(self) -> str | None: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def good(self) -> GoodLike: ...
    @property
    def raw(self) -> Mapping[str, Any]: ...


class DeterminationLike(Protocol):
    """What certification reads from ``tmec.origin.Determination``."""

    @property
    def originating(self) -> bool: ...
    @property
    def criterion(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Scope:
    """A single shipment (``invoice``) or a blanket period ``[start, end]`` (both days included)."""

    invoice: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise InputError(
                "a blanket period needs both --blanket-from and --blanket-to", field="--blanket-to"
            )
        if self.start is not None and self.invoice is not None:
            raise InputError(
                "a certification is for one invoice or a blanket period, not both", field="--invoice"
            )
        if self.start is not None and self.end is not None:
            if self.end < self.start:
                raise InputError(
                    f"the blanket period ends ({self.end}) before it starts ({self.start})",
                    field="--blanket-to",
                )
            if self.end >= _add_months(self.start, 12):
                # Annex 5-A element 8: multiple shipments "over a specified period of up to 12 months".
                raise InputError(
                    f"a blanket period is at most 12 months (Annex 5-A element 8): {self.start} to "
                    f"{self.end} is longer; the last day allowed is "
                    f"{_add_months(self.start, 12) - dt.timedelta(days=1)}",
                    field="--blanket-to",
                )

    @property
    def blanket(self) -> bool:
        return self.start is not None

    def to_dict(self) -> dict[str, Any]:
        if self.start is not None and self.end is not None:
            return {
                "blanket_period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
                "invoice_number": None,
            }
        return {"blanket_period": None, "invoice_number": self.invoice}


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month lacks (31 April, 29 February) rolls over to the 1st
    of the next month, so that ``[day, _add_months(day, 12))`` is exactly twelve months."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    try:
        return dt.date(year, month, day.day)
    except ValueError:
        return dt.date(year + month // 12, month % 12 + 1, 1)


def jsonable(value: Any) -> Any:
    """Turn a loaded case or result into signable JSON: decimals and dates as strings, no floats."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    return str(value)


def worksheet(
    case: CaseLike,
    determination: DeterminationLike,
    *,
    case_file: bytes | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The audit worksheet: the qualification's explanation and the bill-of-materials snapshot.

    This is what answers a verification request (19 CFR 182.72(a)): why the good is originating,
    from which materials, on which law.  Its SHA-256 goes into the signed certification.
    """
    out: dict[str, Any] = {
        "format": "tmec.audit-worksheet/1",
        "case_id": case.id,
        "case_date": case.date.isoformat(),
        "case": jsonable(case.raw),
        "determination": jsonable(determination.to_dict()),
    }
    if case_file is not None:
        out["case_file_sha256"] = hashlib.sha256(case_file).hexdigest()
    if context:
        out["context"] = jsonable(context)
    return out


def build_certification(
    case: CaseLike,
    determination: DeterminationLike,
    parties: Parties,
    scope: Scope,
    *,
    certificate_id: str,
    certification_date: dt.date,
    worksheet_sha256: str,
    issuer: Mapping[str, str],
    retention: Mapping[str, Any],
    language: str = "en",
    amends: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """The signed payload of a certification (or of an amendment, when ``amends`` is given)."""
    if language not in LANGUAGES:
        raise InputError(f"expected one of {', '.join(LANGUAGES)}, found {language!r}", field="--language")
    description, hs_code, criterion = _good_elements(case, determination)
    return _payload(
        parties,
        scope,
        {"good": {"description": description, "hs": hs_code}, "origin_criterion": criterion},
        {"statement": label("statement", language)},
        {
            "case_id": case.id,
            "case_date": case.date.isoformat(),
            "determination_sha256": sha256_hex(canonical_json(jsonable(determination.to_dict()))),
            "worksheet_sha256": worksheet_sha256,
        },
        certificate_id=certificate_id,
        certification_date=certification_date,
        issuer=issuer,
        retention=retention,
        language=language,
        amends=amends,
        reason=reason,
    )


def _payload(
    parties: Parties,
    scope: Scope,
    goods: dict[str, Any],
    statement: dict[str, Any],
    qualification: dict[str, Any],
    *,
    certificate_id: str,
    certification_date: dt.date,
    issuer: Mapping[str, str],
    retention: Mapping[str, Any],
    language: str,
    amends: str | None,
    reason: str | None,
    translation: str | None = None,
) -> dict[str, Any]:
    """The payload's elements in their order; ``goods``: element 6 and 7 (one good, or a list)."""
    payload: dict[str, Any] = {
        "format": FORMAT,
        "kind": "amendment" if amends else "certification",
        "certificate_id": certificate_id,
        "language": language,
        **({"translation": translation} if translation else {}),
        **parties.to_dict(),
        **goods,
        **scope.to_dict(),
        "certification": {
            **statement,
            "statement_unverified": True,  # spec usmca.md §6.1 [M]: the Annex text was not checked
            "signed_by": parties.certifier.name,
            "title": parties.certifier.title,
            "date": certification_date.isoformat(),
        },
        "qualification": qualification,
        "issuer": dict(issuer),
        "retention": jsonable(retention),
    }
    if amends:
        payload["amends"] = amends
        payload["reason"] = reason or ""
    return payload


def _good_elements(case: CaseLike, determination: DeterminationLike) -> tuple[str, str, str]:
    """Annex 5-A elements 6 and 7 of one good: description, HS subheading, origin criterion."""
    if not determination.originating:
        raise NotOriginating(
            f"the good in case {case.id or '(no id)'} does not qualify as originating on {case.date}: "
            "no certification of origin can be issued (USMCA Art. 5.2)"
        )
    criterion = determination.criterion
    if criterion not in CRITERIA:
        raise InputError(f"the determination's origin criterion must be one of A-D, found {criterion!r}")
    # Annex 5-A element 6(b): the HS classification to six digits.
    hs6 = hs.subheading(hs.validate(case.good.hs, min_digits=6, field="good.hs"))
    description = (case.good.description or "").strip()
    if not description:
        raise InputError(
            "the good's description is required on a certification (Annex 5-A element 6(a))",
            field="good.description",
        )
    return description, hs.format(hs6), criterion


@dataclass(frozen=True)
class Good:
    """One good of a certification covering many: its case, its qualification, its case file's bytes."""

    case: CaseLike
    determination: DeterminationLike
    case_file: bytes | None = None


def combined_worksheet(goods: list[Good]) -> dict[str, Any]:
    """The audit worksheet of a certification covering many goods: one worksheet per good, in order."""
    return {
        "format": "tmec.audit-worksheet/1",
        "goods": [worksheet(g.case, g.determination, case_file=g.case_file) for g in goods],
    }


def good_worksheets(sheet: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The per-good worksheets of a stored worksheet: itself, or each good's of a multi-good one."""
    goods = sheet.get("goods")
    return list(goods) if isinstance(goods, list) else [sheet]


def build_multi_certification(
    goods: list[Good],
    parties: Parties,
    scope: Scope,
    *,
    worksheet_sha256: str,
    language: str = "es",
    translation: str = "en",
    **facts: Any,
) -> dict[str, Any]:
    """One certification covering every good of ``goods`` over a blanket period (Annex 5-A element 8).

    Each good carries its own elements 6 and 7 and the hash of its determination; the labels are in
    ``language`` with ``translation`` alongside (CBP asks for an English translation of a
    certification in Spanish or French), and the statement is signed in both.  ``facts``: the
    keyword arguments of :func:`build_certification` after ``worksheet_sha256``.
    """
    if not goods:
        raise InputError("a certification covers at least one good", field="CASE")
    if not scope.blanket:
        raise InputError(
            "a certification covering many goods is a blanket certification: give --blanket-from and "
            "--blanket-to",
            field="--blanket-from",
        )
    for lang in (language, translation):
        if lang not in LANGUAGES:
            raise InputError(f"expected one of {', '.join(LANGUAGES)}, found {lang!r}", field="--language")
    if language == translation:
        raise InputError(f"the translation must be in another language than {language!r}", field="--language")
    items = []
    for g in goods:
        description, hs_code, criterion = _good_elements(g.case, g.determination)
        items.append(
            {
                "description": description,
                "hs": hs_code,
                "origin_criterion": criterion,
                "case_id": g.case.id,
                "case_date": g.case.date.isoformat(),
                "determination_sha256": sha256_hex(canonical_json(jsonable(g.determination.to_dict()))),
            }
        )
    return _payload(
        parties,
        scope,
        {"goods": items},
        {
            "statement": label("statement", language),
            "statement_translation": label("statement", translation),
        },
        {"worksheet_sha256": worksheet_sha256},
        language=language,
        translation=translation,
        **facts,
    )


def build_revocation(
    *, certificate_id: str, revokes: str, reason: str, date: dt.date, issuer: Mapping[str, str]
) -> dict[str, Any]:
    if not reason.strip():
        raise InputError("a revocation states its reason", field="--reason")
    return {
        "format": FORMAT,
        "kind": "revocation",
        "certificate_id": certificate_id,
        "revokes": revokes,
        "reason": reason.strip(),
        "date": date.isoformat(),
        "issuer": dict(issuer),
    }
