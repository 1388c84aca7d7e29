"""Compile the USMCA product-specific rules from HTSUS General Note 11(o) into the package.

    python tools/law/build_psr.py [--data ../shared/data] [--check]

Reads ``usmca-psr/gn11o_rules.jsonl`` (the 1,053 numbered rules and 171 notes of GN 11(o), HTS
2025 Rev. 7, USITC, public domain) and writes ``src/tmec/law/rules/usmca_gn11o/`` (``index.json``
and one ``chNN.json`` per chapter): every
numbered rule and every operative note as dated rules in the ``rule:`` form (see
``psr_text.py``), the other notes in words per chapter, the rules written by hand (``HAND``,
each with its reason) and the source, revision, checksums and licence.  ``--check`` compares
instead of writing and exits 1 on any difference (the test does the same).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from psr_codes import ENTRY_INTO_FORCE
from psr_de_minimis import parse_de_minimis_rules
from psr_processes import attach, parse_chapter_rule, parse_gn11n
from psr_ranges import exclude_named_kinds, merge_same_codes
from psr_staging import parse_staging
from psr_text import ParsedRecord, parse_record

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "src" / "tmec" / "law" / "rules" / "usmca_gn11o"
SOURCE_FILES = (
    "gn11o_rules.jsonl",
    "gn11e_de_minimis.txt",
    "gn11_hts2025r7.txt",
    "GN11_HTS2025Rev7_USITC.pdf",
)

# Rules whose words the grammar of psr_text does not take: written by hand next to their text,
# each with the reason.  The verbatim text still comes from the source record.
HAND: dict[str, dict[str, Any]] = {
    "gn11o-ch27-r007": {
        "reason": "branches (B) and (C) confer origin by a production process (distillation, "
        "cracking, ...; direct blending), not by a change of classification or an RVC",
        "any_of": [
            {
                "change": "heading",
                "except": ["2711-2715"],
                "text": "(A) A change to heading 2710 from "
                "any other heading, except from headings 2711 through 2715",
            },
            {
                "from": ["01-97"],
                "proviso": "the good is produced as the result of atmospheric "
                "distillation, vacuum distillation, catalytic hydroprocessing, catalytic reforming, "
                "alkylation, catalytic cracking, thermal cracking, coking or isomerization",
                "text": "(B) Production of any good of heading 2710 as the result of ...",
            },
            {
                "from": ["27"],
                "except": ["2207"],
                "proviso": "the good is produced by direct blending; no "
                "component of the nonoriginating material is of heading 2207; the nonoriginating material "
                "is no more than 25 percent by volume of the good",
                "text": "(C) Production of any good of heading 2710 as the result of direct blending ...",
            },
        ],
    },
    "gn11o-ch85-r060": {
        "reason": "the proviso counts printed circuit assemblies (one non-originating PCA per nine), "
        "a test on the bill of materials by number, not by code or value",
        "any_of": [
            {
                "change": "subheading",
                "except": ["852550-852560"],
                "proviso": "with respect to printed "
                "circuit assemblies (PCAs) of subheading 8529.90: for each multiple of nine PCAs, or any "
                "portion thereof, contained in the good, only one PCA may be non-originating; if the good "
                "contains less than three PCAs, all of them must be originating",
                "text": "A change to subheadings 8525.50 through 8525.60 from any subheading outside "
                "that group, provided that, with respect to printed circuit assemblies ...",
            },
        ],
    },
}

# Codes GN 11(o) gives no rule of their own, and why: the lookup says so instead of "no rule".
NO_RULE: dict[str, tuple[str, str]] = {
    "847149": (
        "gn11o-ch84-n02",
        "GN 11(o) ch. 84 chapter rule 2: the origin of each unit presented within a system of 8471.49 "
        "is determined by the rule that would apply to that unit presented separately; ask for the "
        "rule of each unit's own subheading",
    ),
}

# Kinds of good the parser names from the words, renamed where another part of tmec already has
# a word for the same goods: the automotive tables' carve-out of Table A.1 (UR s.14(2)-(3)) calls
# the EV battery of 8507.60 ``propulsion_battery``; one word lets a case name both.
KIND_NAMES: dict[str, str] = {"battery_primary_source_electrical_power_for": "propulsion_battery"}

# Print errors of the source, corrected in the model (never in the verbatim text), each with the
# evidence; the corrected rule is tagged T (third-party reading), not V.
CORRECTIONS: dict[str, dict[str, Any]] = {
    "gn11o-ch73-n02": {
        "why": "the (c) branch prints '(i) 75 percent where the transaction value method is used' twice "
        "and no net cost threshold; every other chapter 73 steel rule of 2023 prints '(ii) 65 percent "
        "where the net cost method is used', and so does the origynlx transcription of GN 11 (2026 Rev. 15)",
        "rvc": {"transaction_value": "75", "net_cost": "65"},
    },
}

LICENCE = (
    "Work of the U.S. Government (USITC), public domain under 17 U.S.C. 105; copied byte for byte "
    "from GitHub brendanxmac/hts-hero (public/notes/general/General Note 11.pdf, blob f8301c33)"
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _phase(entries: list[dict[str, Any]]) -> None:
    """A dated rule "until June 30, 2023" followed by one "beginning on July 1, 2023" ends the day
    the next begins (the rules are half-open [valid_from, valid_to)); an "until" date that is the
    successor's first day is already right.  Any other gap stays: no rule on those days."""
    by_codes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for e in entries:
        by_codes.setdefault((*e["hs"], e.get("scope", "")), []).append(e)
    for group in by_codes.values():
        starts = {dt.date.fromisoformat(e["valid_from"]) for e in group}
        for e in group:
            if "valid_to" not in e:
                continue
            end = dt.date.fromisoformat(e["valid_to"])
            start = dt.date.fromisoformat(e["valid_from"])
            successors = sorted(d for d in starts if start < d < end)
            if successors:
                # 7312.10: "until July 1, 2023", its successor "beginning on January 1, 2023":
                # the later rule governs from its own first day.
                fixed = successors[0]
            elif end + dt.timedelta(days=1) in starts:
                fixed = end + dt.timedelta(days=1)
            else:
                continue
            e["valid_to"] = fixed.isoformat()
            e["until_as_printed"] = end.isoformat()


def build(data: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The bundled document and the list of records the grammar could not take (with reasons)."""
    psr = data / "usmca-psr"
    records = [
        json.loads(line) for line in (psr / "gn11o_rules.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    chapters: dict[str, dict[str, list[dict[str, Any]]]] = {}
    unparsed: list[dict[str, Any]] = []
    before: ParsedRecord | None = None
    before_chapter = ""
    for record in records:
        ch = f"{int(record['chapter']):02d}"
        chapter = chapters.setdefault(ch, {"rules": [], "notes": []})
        operative = record["type"] == "rule" or record.get("contains_rule_text")
        if not operative:
            chapter["notes"].append(
                {
                    "gn": record["id"],
                    "page": record["page"],
                    "label": record.get("label"),
                    "text": record["text"],
                }
            )
            continue
        parsed = parse_record(record, before if before and before_chapter == ch else None)
        before, before_chapter = parsed, ch
        if record["id"] in HAND:
            hand = HAND[record["id"]]
            unparsed.append({"gn": record["id"], "reason": hand["reason"], "written_by_hand": True})
            entries = parsed.entries[:1]
            for e in entries:
                e["any_of"] = hand["any_of"]
                e["confidence"] = "T"
                e["note"] = "written by hand: " + hand["reason"]
        elif parsed.problems:
            unparsed.append(
                {"gn": record["id"], "reason": "; ".join(parsed.problems), "written_by_hand": False}
            )
            entries = parsed.entries
            for e in entries:
                e["confidence"] = "L"
        elif record["id"] in CORRECTIONS:
            fix = CORRECTIONS[record["id"]]
            entries = parsed.entries
            for e in entries:
                for alt in e["any_of"]:
                    if "rvc" in alt:
                        alt["rvc"] = fix["rvc"]
                e["confidence"] = "T"
                e["note"] = "; ".join(n for n in (e.get("note"), "print error corrected: " + fix["why"]) if n)
        else:
            entries = parsed.entries
            for e in entries:
                # Read word for word by the grammar: V.  A branch that names materials by kind
                # and is read by their codes only is an approximation: M, shown as unverified.
                e["confidence"] = "M" if e.get("note") else "V"
        chapter["rules"].extend(entries)
    for chapter in chapters.values():
        exclude_named_kinds(chapter["rules"])
        for rule in chapter["rules"]:
            for alt in rule["any_of"]:
                for key in ("kind", "except_kind"):
                    if key in alt:
                        alt[key] = sorted(KIND_NAMES.get(k, k) for k in alt[key])
        chapter["rules"] = merge_same_codes(chapter["rules"])
        for rule in chapter["rules"]:
            del rule["_labels"]
        _phase(chapter["rules"])
    processes = parse_gn11n((psr / "gn11_hts2025r7.txt").read_text(encoding="utf-8"))
    for record in records:
        # A chapter rule that confers origin by a process "notwithstanding the applicable
        # product-specific rules" (ch. 27: a chemical reaction) is one more alternative, as (n)(iv).
        if (
            record.get("kind") == "chapter_rule"
            and "Notwithstanding the applicable product-specific" in (record["text"])
        ):
            processes.extend(parse_chapter_rule(record, int(record["chapter"])))
    attach(chapters, processes)
    document = {
        "source": "HTSUS General Note 11 (USMCA), subdivision (o), as published by the USITC in "
        "HTS 2025 Revision 7 (GN pp. 24-135); shared/data/usmca-psr/gn11o_rules.jsonl",
        "revision": "HTS 2025 Rev. 7",
        "licence": LICENCE,
        "sha256": {name: _sha256(psr / name) for name in SOURCE_FILES if (psr / name).is_file()},
        "vintage": "HS2012",
        "entry_into_force": ENTRY_INTO_FORCE.isoformat(),
        "generated_by": "tools/law/build_psr.py",
        "de_minimis": parse_de_minimis_rules((psr / "gn11e_de_minimis.txt").read_text(encoding="utf-8")),
        "unparsed": unparsed,
        "processes": processes,
        # GN 11(k)(iii): the staging of the vehicle and part thresholds GN 11(o) prints at their
        # final values; the dated parameters the chapter 87 rules name are checked against it.
        "automotive_staging": parse_staging((psr / "gn11_hts2025r7.txt").read_text(encoding="utf-8")),
        "no_rule": {code: {"gn": gn, "reason": why} for code, (gn, why) in NO_RULE.items()},
        "chapters": dict(sorted(chapters.items())),
    }
    return document, unparsed


def _lines(items: list[dict[str, Any]]) -> str:
    return ",\n".join(json.dumps(i, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for i in items)


def render(document: dict[str, Any]) -> dict[str, str]:
    """File name -> text: ``index.json`` and one ``chNN.json`` per chapter, one rule per line, so
    a look-up reads one small file and a diff stays readable."""
    head = {k: v for k, v in document.items() if k != "chapters"}
    head["chapters"] = list(document["chapters"])
    files = {"index.json": json.dumps(head, ensure_ascii=False, sort_keys=True, indent=1) + "\n"}
    for ch, body in document["chapters"].items():
        files[f"ch{ch}.json"] = (
            '{"rules": [\n' + _lines(body["rules"]) + '\n],\n"notes": [\n' + _lines(body["notes"]) + "\n]}\n"
        )
    return files


def differences(files: dict[str, str], folder: Path) -> list[str]:
    """The files of ``folder`` that differ from ``files``, are missing or are extra."""
    found = {p.name for p in folder.glob("*.json")} if folder.is_dir() else set()
    out = sorted(found - set(files))
    out += [
        n
        for n, text in files.items()
        if not (folder / n).is_file() or (folder / n).read_text("utf-8") != text
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--check", action="store_true", help="compare with the bundled files; exit 1 on a difference"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    document, unparsed = build(args.data)
    files = render(document)
    if args.check:
        stale = differences(files, args.output)
        print(
            "up to date"
            if not stale
            else f"{args.output}: {', '.join(stale)} differ from what {args.data} gives"
        )
        return 1 if stale else 0
    args.output.mkdir(parents=True, exist_ok=True)
    for stale in sorted({p.name for p in args.output.glob("*.json")} - set(files)):
        (args.output / stale).unlink()
    for name, text in files.items():
        (args.output / name).write_text(text, encoding="utf-8")
    rules = sum(len(c["rules"]) for c in document["chapters"].values())
    print(
        f"wrote {args.output}: {rules} rules in {len(files) - 1} chapters, "
        f"{len(unparsed)} not taken by the grammar"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
