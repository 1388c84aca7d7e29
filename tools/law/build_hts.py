"""Compile the HTSUS, every USITC revision since 2025, into the dated schedule tmec ships.

Reads ``<data>/hts/revisions/*.json.gz`` and ``<data>/hts/hts_2026_rev_10.json.gz`` (USITC HTS JSON
exports) with ``<data>/hts/revision_dates.csv`` (each revision's effective date), and writes into
``src/tmec/law/tariffs/``:

* ``hts_schedule.tsv`` — every 8- and 10-digit line of chapters 01-97, one row per code and
  stretch of revisions in which its description, units and rates did not change, with half-open
  validity ``[valid_from, valid_to)`` (the effective date of the revision that introduced the
  version, and of the first revision that changed or dropped it; empty: still in force in the last
  revision).  Rows are sorted by their text, so a code's rows are found by bisection
  (``code<TAB>`` sorts before any longer code).
* ``hts_chapter99.tsv`` — the same for the 8-digit headings of chapter 99 (additional duties),
  description included, so that every measure can be checked against the heading's text and rate;
  dated from the day each revision's chapter 99 takes effect (``revision_files``).
* ``hts_schedule.json`` — the source: each revision's file, effective date, sha256 and record
  count; the licence; the date through which the schedule is verified; the outputs' sha256.

Usage: ``python tools/law/build_hts.py [--data ../shared/data] [--out src/tmec/law/tariffs]``.
The test ``tests/tariffs/test_hts_build.py`` regenerates the files when the data is present and
fails on any difference.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"
COLUMNS = ("hts", "valid_from", "valid_to", "general", "special", "other", "units", "description")
LICENCE = "US Government work (17 USC 105), public domain; revision dates from tariff-rate-tracker (MIT)"
SOURCE = (
    "USITC Harmonized Tariff Schedule of the United States, JSON exports of every revision "
    "(copies from GitHub arifshehab/tariff-rate-tracker data/hts_archives, snapshot 9919812f)"
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean(text: object) -> str:
    """One line of text: HTML tags (some 2025 files have them) and runs of white space removed."""
    if text is None:
        return ""
    return _SPACE.sub(" ", _TAG.sub("", str(text))).replace("\t", " ").strip()


def revision_files(data: Path) -> list[tuple[str, str, str, Path]]:
    """(revision, effective date, date its chapter 99 takes effect, file) in date order, for the
    revisions ``revision_dates.csv`` lists.

    A revision is published ahead of the measures it writes into chapter 99 (rev 14, published
    2 May 2025, carries the 50 % of Proc. 10947, effective 4 June): its chapter 99 takes effect on
    the policy effective date the dates file gives, else on the revision's effective date.

    A revision the dates file leaves out (2026 rev 8: editorial only, published after the
    retroactively dated rev 9) is not part of the timeline.
    """
    hts = data / "hts"
    with (hts / "revision_dates.csv").open(encoding="utf-8", newline="") as fh:
        dates = list(csv.DictReader(fh))
    out = []
    for row in dates:
        name = row["revision"]
        label = name if name.startswith("20") else f"2025_{name}"
        stem = f"hts_{label}"
        candidates = [hts / "revisions" / f"{stem}.json.gz", hts / f"{stem}.json.gz"]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise SystemExit(f"{hts}: no file for revision {name} (looked for {stem}.json.gz)")
        policy = row["policy_effective_date"]
        out.append((label, row["effective_date"], policy if policy != "NA" else row["effective_date"], path))
    out.sort(key=lambda r: r[1])
    return out


def _versions(
    revisions: Sequence[tuple[str, str, dict[str, tuple[str, ...]]]],
) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(code, valid_from, valid_to, fields): one row per code and unchanged stretch of revisions."""
    rows: list[tuple[str, str, str, tuple[str, ...]]] = []
    open_rows: dict[str, tuple[str, tuple[str, ...]]] = {}
    for _, day, lines in revisions:
        for code in list(open_rows):
            start, fields = open_rows[code]
            if lines.get(code) != fields:
                rows.append((code, start, day, fields))
                del open_rows[code]
        for code, fields in lines.items():
            if code not in open_rows:
                open_rows[code] = (day, fields)
    rows.extend((code, start, "", fields) for code, (start, fields) in open_rows.items())
    return rows


def read_revision(path: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], int]:
    """Chapters 01-97 lines (8 and 10 digits) and chapter 99 headings (8 digits) of one revision."""
    records: list[dict[str, Any]] = json.loads(gzip.decompress(path.read_bytes()))
    lines: dict[str, tuple[str, ...]] = {}
    ch99: dict[str, tuple[str, ...]] = {}
    for r in records:
        digits = clean(r.get("htsno")).replace(".", "")
        if len(digits) not in (8, 10) or not digits.isdigit():
            continue
        units = ",".join(clean(u) for u in (r.get("units") or []))
        fields = (clean(r.get("general")), clean(r.get("special")), clean(r.get("other")), units)
        description = clean(r.get("description"))
        if digits[:2] == "99":
            if len(digits) == 8:
                ch99[digits] = (*fields, description)
        elif digits[:2] != "98":
            lines[digits] = (*fields, description)
    return lines, ch99, len(records)


def _tsv(rows: Iterable[tuple[str, str, str, tuple[str, ...]]], header: str) -> bytes:
    text = sorted("\t".join((code, start, end, *fields)) for code, start, end, fields in rows)
    return (header + "\n" + "\n".join(text) + "\n").encode("utf-8")


def build(data: Path) -> dict[str, bytes]:
    """The three output files' bytes, by name."""
    revisions = revision_files(data)
    schedule, chapter99, meta_revisions = [], [], []
    for label, day, in_force, path in revisions:
        lines, ch99, n = read_revision(path)
        schedule.append((label, day, lines))
        chapter99.append((label, in_force, ch99))
        meta_revisions.append(
            {
                "revision": label,
                "effective_date": day,
                "chapter99_from": in_force,
                "file": f"hts/{path.relative_to(data / 'hts').as_posix()}",
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "records": n,
                "lines_01_97": len(lines),
                "headings_99": len(ch99),
            }
        )
    header = "#" + "\t".join(COLUMNS)
    out = {
        "hts_schedule.tsv": _tsv(_versions(schedule), header),
        "hts_chapter99.tsv": _tsv(_versions(chapter99), header),
    }
    last = revisions[-1]
    meta = {
        "source": SOURCE,
        "licence": LICENCE,
        "builder": "tools/law/build_hts.py",
        "columns": list(COLUMNS),
        "validity": "half-open [valid_from, valid_to); empty valid_to: in force in the last revision",
        "verified_through": last[1],
        "verified_through_note": (
            f"{last[0]} (effective {last[1]}) is the newest revision in the data; USITC published later "
            "revisions, which are not included: answers for later dates say so"
        ),
        "omitted": {"2026_rev_8": "editorial only; published after the retroactively dated 2026 rev 9"},
        "revisions": meta_revisions,
        "outputs": {name: hashlib.sha256(body).hexdigest() for name, body in out.items()},
    }
    out["hts_schedule.json"] = (json.dumps(meta, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for name, body in build(args.data).items():
        (args.out / name).write_bytes(body)
        print(f"{args.out / name}: {len(body):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
