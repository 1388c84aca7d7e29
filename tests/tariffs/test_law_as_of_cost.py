"""`tmec duty` of one line reads one line of the schedule (issue 18, CLI start): the day the law is
verified through is read from the revisions, never by counting (parsing) every line."""

from __future__ import annotations

import pytest

from tmec.law.tariffs import law_as_of, load_schedule
from tmec.tariffs.schedule import Schedule


def test_the_law_date_does_not_parse_the_whole_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = load_schedule()
    want = law_as_of(schedule)

    def counted(self: Schedule) -> int:
        raise AssertionError("the whole schedule was parsed to learn whether it is empty")

    monkeypatch.setattr(Schedule, "__len__", counted)
    assert law_as_of(schedule) == want
