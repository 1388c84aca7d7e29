"""The codes, ranges of codes and dates as HTSUS General Note 11 prints them (pure; no I/O): the
words every part of the GN 11 parser reads (:mod:`psr_text`, :mod:`psr_processes`, :mod:`psr_staging`,
:mod:`psr_de_minimis`)."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["ENTRY_INTO_FORCE", "LEVELS", "codes_in", "parse_codes", "slug"]

LEVELS = {"chapter": 2, "heading": 4, "subheading": 6, "tariff item": 8}
_LEVEL_WORD = r"(?:chapters?|headings?|subheadings?|tariff items?)"
# A code as GN 11 prints it: tariff item 8482.99.05, subheading 8407.31, heading 7208 (or the
# misprint 72.26), chapter 54 (only after the word chapter).
_CODE = r"\d{4}\.\d{2}\.\d{2}|\d{4}\.\d{2}|\d{2}\.\d{2}|\d{4}"
_CODE_RE = re.compile(rf"(?<![\d.])(?:{_CODE})(?![\d])")
_THROUGH = re.compile(rf"({_CODE})\s*through\s*({_CODE})")
# "chapters 28, 29, or 32": a comma may come with the "or"/"and" before the last chapter.
_CHAPTERS = re.compile(r"\bchapters?\s+((?:\d{1,2}\b(?:\s*(?:,\s*(?:or|and)?|or|and|through)\s*)?)+)")

_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*percent")

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_DATE_RE = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),\s*(\d{4})"
)
ENTRY_INTO_FORCE = dt.date(2020, 7, 1)


def _fix(text: str) -> str:
    """Normalise the print oddities the README lists ("6006or", "through7326", "(A)No")."""
    text = text.replace("includinganother", "including another").replace("ofsubheading", "of subheading")
    text = re.sub(r"(\d)(or|and|through)\b", r"\1 \2", text)
    text = re.sub(r"\b(through|or|and)(\d)", r"\1 \2", text)
    text = re.sub(r"(\))(?=[A-Z])", r"\1 ", text)
    text = text.replace("goodis", "good is").replace("isoriginating", "is originating")
    text = re.sub(r"\b(other|that|the|net)(subheading|heading|chapter|group|cost|net)\b", r"\1 \2", text)
    text = text.replace("Achange", "A change").replace("thenet", "the net")
    text = text.replace("any other good subheading", "any other good of subheading")  # ch. 87 r. 38-39
    text = re.sub(r"\[Compiler's note:.*?\]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _compact(code: str) -> str:
    return code.replace(".", "")


_FILLER = {"a", "an", "the", "of", "kind", "used", "as", "is", "be"}


def slug(words: str) -> str:
    """A kind tag from the words that name it: "body stampings" -> ``body_stampings``."""
    words = re.sub(r"\(.*?\)", " ", words.lower())
    out = re.sub(r"[^a-z0-9]+", "_", words).strip("_")
    # "a battery of a kind used as the primary source" and "a battery used as the primary
    # source" name one kind: the small words do not tell kinds apart.
    kept = [w for w in out.split("_") if w not in _FILLER]
    return "_".join(kept[:6])


def _range(a: str, b: str | None = None) -> str:
    start = _compact(a)
    if b is None or _compact(b) == start:
        return start
    end = _compact(b)
    if len(end) != len(start):  # "8504.21 through 8504.34" only; a mixed pair is a misprint
        return start
    return f"{start}-{end}"


def parse_codes(text: str) -> list[str]:
    """Every code or range a phrase names, in order, compact ("7208-7229", "54", "84829905")."""
    out: list[str] = []
    for m in _CHAPTERS.finditer(text):
        body = m.group(1)
        for t in re.finditer(r"(\d{1,2})(?:\s*through\s*(\d{1,2}))?", body):
            a = f"{int(t.group(1)):02d}"
            out.append(a if not t.group(2) else f"{a}-{int(t.group(2)):02d}")
    rest = _CHAPTERS.sub(" ", text)
    pos = 0
    spans: list[tuple[int, str]] = []
    for m in _THROUGH.finditer(rest):
        spans.append((m.start(), _range(m.group(1), m.group(2))))
    taken = [(m.start(), m.end()) for m in _THROUGH.finditer(rest)]
    for m in _CODE_RE.finditer(rest):
        if any(a <= m.start() < b for a, b in taken):
            continue
        spans.append((m.start(), _range(m.group(0))))
    del pos
    out.extend(code for _, code in sorted(spans))
    return out


def codes_in(text: str) -> set[str]:
    """Every single code the text names (ranges by their bounds), compact: the "nothing lost"
    check compares these with the model's."""
    found: set[str] = set()
    for item in parse_codes(_strip_percent(text)):
        found.update(item.split("-"))
    return found


def _strip_percent(text: str) -> str:
    # "60 percent", "140 grams" and "15 persons" are numbers, not codes.
    text = _PERCENT_RE.sub(" ", text)
    text = re.sub(
        r"\d+(?:\.\d+)?\s*(?:grams|persons|months|decitex|mm|cm|kg|metric|tons|kW|kVA|cc)\b", " ", text
    )
    text = _DATE_RE.sub(" ", text)
    return re.sub(r"(?<![\d.])\d{1,3}\b(?!\.\d)", lambda m: m.group(0) if _in_chapter(text, m) else " ", text)


def _in_chapter(text: str, m: re.Match[str]) -> bool:
    before = text[max(0, m.start() - 40) : m.start()]
    return bool(re.search(r"chapters?\s+(?:\d{1,2}\s*(?:,\s*(?:or|and)?|or|and|through)\s*)*$", before))


def _parse_date(text: str) -> dt.date:
    m = _DATE_RE.search(text)
    assert m is not None
    return dt.date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))


def _dates(header: str) -> tuple[dt.date, dt.date | None]:
    start_m = re.search(r"Beginning on (.*?\d{4})", header)
    until_m = re.search(r"until (.*?\d{4})", header)
    start = _parse_date(start_m.group(1)) if start_m else ENTRY_INTO_FORCE
    end = _parse_date(until_m.group(1)) if until_m else None
    return start, end
