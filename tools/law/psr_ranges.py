"""The entries of GN 11(o) rules once parsed (pure; no I/O): ranges of codes carved and nested
(a branch for a code inside another branch's range), the kinds of good named in earlier rules left
out of an "any other good", entries for the same codes merged, weight branches."""

from __future__ import annotations

from typing import Any

__all__ = ["exclude_named_kinds", "merge_same_codes"]


def _reference(chapter: int, labels: list[str], page: int) -> str:
    return f"HTSUS GN 11(o), {' and '.join(labels)} (GN p. {page}); USMCA Annex 4-B, ch. {chapter}"


def _bounds(item: str) -> tuple[str, str]:
    start, _, end = item.partition("-")
    return start, end or start


def _step(code: str, by: int) -> str:
    return f"{int(code) + by:0{len(code)}d}"


def _carve(item: str, hole: str) -> list[str]:
    """A range without a sub-range of its level: "681292-681299" less "681299" -> ["681292-681298"]."""
    start, end = _bounds(item)
    low, high = _bounds(hole)
    out = []
    if start < low:
        out.append(_range_of(start, _step(low, -1)))
    if high < end:
        out.append(_range_of(_step(high, 1), end))
    return out


def _meet(a: str, b: str) -> bool:
    """Whether two codes or ranges, of any levels, share a code (compared at the coarser level)."""
    (a_low, a_high), (b_low, b_high) = _bounds(a), _bounds(b)
    n = min(len(a_low), len(b_low))
    return a_low[:n] <= b_high[:n] and b_low[:n] <= a_high[:n]


def _within(hole: str, item: str) -> bool:
    low, high = _bounds(hole)
    return _inside(low, item) and _inside(high, item)


def _range_of(start: str, end: str) -> str:
    return start if start == end else f"{start}-{end}"


def _inside(code: str, item: str) -> bool:
    start, end = _bounds(item)
    return len(code) == len(start) and start <= code <= end


def _nest(by_target: dict[tuple[str, ...], list[dict[str, Any]]]) -> None:
    """Branches of one rule for a code inside another branch's range ("(A) ... of subheading
    6812.99 ...; (E) any other good of subheadings 6812.92 through 6812.99"): both apply to that
    code, so its entry takes the wider branch too, and the wider range leaves the code out."""
    for narrow in list(by_target):
        for wide in list(by_target):
            if wide == narrow or wide not in by_target or narrow not in by_target:
                continue
            if all(any(_within(c, w) for w in wide) for c in narrow):
                by_target[narrow] = by_target[narrow] + by_target[wide]
                carved = list(wide)
                for c in narrow:
                    carved = [part for w in carved for part in (_carve(w, c) if _within(c, w) else [w])]
                alts = by_target.pop(wide)
                if carved:
                    by_target[tuple(carved)] = alts


def _same_codes(e: dict[str, Any]) -> tuple[Any, ...]:
    return (tuple(e["hs"]), e["valid_from"], e.get("valid_to"), e.get("scope"))


def exclude_named_kinds(entries: list[dict[str, Any]]) -> None:
    """An "any other good" of a code is any good but those of the kinds named for that code in the
    rules printed before it, for the same end use: GN 11(o) ch. 87 rule 25 ("For any other good
    of subheading 8708.29 for use in a passenger vehicle, light truck or heavy truck") follows
    rule 24 ("For a body stamping of subheading 8708.29 for use in a passenger vehicle or light
    truck"), so a body stamping for a passenger vehicle or light truck is not one of its goods,
    while one for a heavy truck is; rule 52's tariff items "for any other good of subheading
    8708.99" are not chassis frames (rule 50).  An alternative whose end uses the earlier kinds cover in
    part is split by end use.  Entries in print order, one chapter; drops the ``_any_other`` mark."""
    named: dict[tuple[Any, ...], list[tuple[str, frozenset[str] | None]]] = {}
    for e in entries:
        earlier = list(named.get(_same_codes(e), []))
        alts: list[dict[str, Any]] = []
        for alt in e["any_of"]:
            if not alt.pop("_any_other", False) or not earlier:
                alts.append(alt)
                continue
            uses = alt.get("end_use")
            by_kinds: dict[tuple[str, ...], list[str] | None] = {}
            for use in uses or [None]:
                kinds = set(alt.get("except_kind", []))
                kinds |= {k for k, ks in earlier if ks is None or use is None or use in ks}
                kinds -= set(alt.get("kind", []))
                group = by_kinds.setdefault(tuple(sorted(kinds)), [] if uses else None)
                if group is not None and use is not None:
                    group.append(use)
            for kinds_key, group in by_kinds.items():
                part = dict(alt)
                if group is not None:
                    part["end_use"] = group
                if kinds_key:
                    part["except_kind"] = list(kinds_key)
                alts.append(part)
        e["any_of"] = alts
        named.setdefault(_same_codes(e), []).extend(
            (k, frozenset(a["end_use"]) if a.get("end_use") else None)
            for a in alts
            for k in a.get("kind", [])
        )


def merge_same_codes(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules printed apart for the same codes, dates and trade (8407.31-.34: one rule per end use;
    8523.52: one per kind of good) are one rule with the alternatives of each."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in entries:
        key = _same_codes(e)
        first = merged.get(key)
        if first is None:
            merged[key] = e
            continue
        first["any_of"] = first["any_of"] + e["any_of"]
        first["text"] = first["text"] + "\n" + e["text"]
        first["gn"] = first["gn"] + ", " + e["gn"]
        first["_labels"] = first["_labels"] + e["_labels"]
        first["reference"] = _reference(int(first["gn"][8:10]), first["_labels"], first["page"])
        if e.get("note"):
            notes = [n for note in (first.get("note"), e["note"]) if note for n in note.split("; ")]
            first["note"] = "; ".join(dict.fromkeys(notes))
        if e.get("underscored"):
            first["underscored"] = True
    return list(merged.values())


def _weight_branches(by_target: dict[tuple[str, ...], list[dict[str, Any]]]) -> None:
    """(a) "from any other heading, except from headings X"; (b) "from headings X, provided that at
    least 70 percent by weight of the materials of X is originating": a good may use materials of
    other headings (a) together with materials of X (b), so (b) keeps the change of (a) besides
    its ``from`` list, and the weight test decides for the materials of X."""
    for alts in by_target.values():
        for alt in alts:
            if "weight_share" not in alt or "change" in alt or "from" not in alt:
                continue
            sibling = next((a for a in alts if a.get("except") == alt["from"] and "change" in a), None)
            if sibling is not None:
                alt["change"] = sibling["change"]
