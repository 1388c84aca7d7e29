"""``tmec rules show HS`` / ``tmec rules list``: the bundled product-specific rules of origin."""

from __future__ import annotations

import datetime as dt

import click
from rich.markup import escape
from rich.table import Table

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._table import Column, format_option, show_table
from tmec.core import hs as hscode
from tmec.core.dates import parse_date
from tmec.law import load_parameters
from tmec.origin.psr import (
    TRADE_WORDS,
    bundled_rules,
    chapter_notes,
    lookup,
    rules_for_chapter,
    search,
    tariff_items_with_rules,
)
from tmec.origin.rule_text import alternative_to_dict, describe_alternative, rule_to_dict
from tmec.origin.rules import END_USES, Rule
from tmec.reports.rules import check_kind, rule_document, rule_source

CONFIDENCE_WORDS = {
    "V": "verified against the primary text",
    "T": "third-party transcription of the primary text",
    "S": "secondary source only",
    "M": "UNVERIFIED",
    "L": "UNVERIFIED",
}


@click.group("rules")
def command() -> None:
    """Product-specific rules of origin (USMCA Annex 4-B) bundled with tmec."""


def _validity(rule: Rule) -> str:
    if rule.valid is None:
        return "always"
    if rule.valid.end is None:
        return f"from {rule.valid.start.isoformat()}"
    start, end = rule.valid.start.isoformat(), rule.valid.end.isoformat()
    return f"{start} until {end} (the later rule applies on {end})"


@command.command("show")
@click.argument("hs")
@click.option("--date", "day", help="ISO date the rule must be in force on; default today")
@click.option(
    "--end-use",
    type=click.Choice(sorted(END_USES - {"any"})),
    help="only the alternatives for a good of this end use",
)
@click.option("--kind", help="only the alternatives for a good of this kind (e.g. body_stamping)")
@click.option(
    "--trade",
    type=click.Choice(["CA-US", "MX-US", "other"]),
    help="the trade, for the codes GN 11(o) gives bilateral rules (5509.31, 6103.23 ...)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def show(
    hs: str, day: str | None, end_use: str | None, kind: str | None, trade: str | None, as_json: bool
) -> None:
    """Show the rule in force for the HS code HS, its alternatives in words and its law."""
    when = parse_date(day, field="--date") if day else dt.date.today()
    check_kind(kind)
    if as_json:
        emit_json(rule_document(hs, when, end_use, kind, trade))
        return
    match = lookup(hs, when, trade)
    rule = match.rule
    params = load_parameters().at(when)
    filtered = end_use is not None or kind is not None
    applicable = rule.applicable(end_use, kind) if filtered else rule.alternatives
    shown = hscode.format(match.code)
    title = f"[bold]{escape(shown)}[/bold] " + escape(
        f"on {when.isoformat()}: rule for {rule.hs} ({rule.vintage})"
    )
    console.print(title, highlight=False, markup=True)
    if match.correlated:
        targets = ", ".join(hscode.format(c) for c in match.vintage_codes)
        console.print(
            f"  {shown} is not an {rule.vintage} code; it corresponds to {targets} "
            "(HS 2022 -> HS 2012 correlation)",
            highlight=False,
        )
    table = Table("#", "applies to", "requirement (all parts must hold)", show_lines=True)
    for i, alt in enumerate(rule.alternatives, 1):
        if alt in applicable:
            table.add_row(str(i), alternative_to_dict(alt)["applies_to"], describe_alternative(alt, params))
    if filtered and not applicable:
        console.print(f"No alternative of this rule applies to a good of end use {end_use}, kind {kind}.")
    console.print("Any one alternative is enough (UR s.3(6)):")
    console.print(table)
    _labelled("Legal text", rule.text)
    _labelled("Reference", rule.reference)
    _labelled("In force", _validity(rule))
    scope = rule.extra.get("scope")
    if scope is not None:
        _labelled("Trade", f"this rule is for {TRADE_WORDS.get(scope, scope)}")
    confidence = CONFIDENCE_WORDS.get(rule.confidence, rule.confidence)
    _labelled("Confidence", f"{rule.confidence} ({confidence})")
    if rule.note:
        _labelled("Note", rule.note.strip())
    items = tariff_items_with_rules(match.code, when)
    if items:
        _labelled(
            "Tariff items",
            f"{', '.join(items)} have rules of their own; give the 8-digit item if the good is one of them",
        )


def _labelled(label: str, value: object) -> None:
    """``label: value``, the label in bold, the value (legal text, a note) exactly as it is."""
    console.print(f"[bold]{label}[/bold]: {escape(str(value))}", highlight=False, markup=True)


@command.command("list")
@click.option("--chapter", help="only this chapter, e.g. 73")
@click.option("--date", "day", help="only the rules in force on this ISO date")
@format_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output, every field")
@handles_errors
def list_(chapter: str | None, day: str | None, fmt: str, as_json: bool) -> None:
    """List the bundled rules, with their validity and confidence."""
    when = parse_date(day, field="--date") if day else None
    if chapter is not None:
        hscode.validate(chapter, field="--chapter")
        rules = rules_for_chapter(hscode.chapter(chapter), when)
    else:
        rules = sorted(
            (r for r in bundled_rules() if when is None or (r.valid is not None and when in r.valid)),
            key=lambda r: (r.hs.start if r.hs else "", r.valid.start if r.valid else dt.date.min),
        )
    if as_json:
        emit_json([{**rule_to_dict(r), "source": rule_source(r), "gn": r.extra.get("gn")} for r in rules])
        return
    rows = [
        [
            str(rule.hs),
            _validity(rule),
            rule.confidence,
            " | ".join(describe_alternative(a) for a in rule.alternatives),
        ]
        for rule in rules
    ]
    show_table([Column("HS"), Column("in force"), Column("conf."), Column("alternatives")], rows, fmt=fmt)
    if fmt == "table":
        console.print(f"{len(rules)} rules", highlight=False)
    if chapter is not None and fmt == "table":
        for note in chapter_notes(hscode.chapter(chapter)):
            console.print(
                f"[bold]{escape(str(note['gn']))}[/bold] "
                + escape(f"(GN p. {note['page']}): {note['text']}"),
                highlight=False,
                markup=True,
            )


@command.command("search")
@click.argument("text")
@click.option("--chapter", help="only this chapter, e.g. 85")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def search_(text: str, chapter: str | None, as_json: bool) -> None:
    """Find the GN 11(o) rules and notes whose words contain every word of TEXT."""
    if chapter is not None:
        hscode.validate(chapter, field="--chapter")
    found = search(text, hscode.chapter(chapter) if chapter is not None else None)
    if as_json:
        emit_json(found)
        return
    table = Table("GN", "page", "codes", "text")
    for item in found:
        codes = ", ".join(item["hs"]) if item["hs"] is not None else "(note)"
        table.add_row(item["gn"], str(item["page"]), codes, item["text"])
    console.print(table)
    console.print(f"{len(found)} rules and notes", highlight=False)
