"""``tmec generate portfolio DIR`` / ``tmec generate entries FILE``: seeded synthetic data, any size."""

from __future__ import annotations

import time
from pathlib import Path

import click

from tmec.cli._common import console, emit_json, handles_errors, writable_file
from tmec.cli._progress import progress
from tmec.engine import generate_entries, generate_portfolio


@click.group("generate")
def command() -> None:
    """Synthetic, reproducible data for trials, tests and benchmarks (same seed, same files)."""


@command.command("portfolio")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--goods", type=click.IntRange(1), default=100, show_default=True, help="finished goods")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@click.option(
    "--rules/--no-rules",
    default=True,
    show_default=True,
    help="write an illustrative rules.yaml (without it the bundled Annex 4-B rules apply)",
)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def portfolio(directory: Path, goods: int, seed: int, fmt: str, rules: bool, as_json: bool) -> None:
    """A BOM_DIR with GOODS finished goods (75 parts and about 200 BOM edges per good, 3-6 levels)."""
    writable_file(directory / "parts", option="DIRECTORY")
    started = time.perf_counter()
    with progress(f"writing {goods:,} goods", quiet=as_json):
        size = generate_portfolio(directory, goods=goods, seed=seed, fmt=fmt, rules=rules)
    out = {
        "directory": str(directory),
        "goods": size.goods,
        "parts": size.parts,
        "edges": size.edges,
        "levels": size.levels,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if as_json:
        emit_json(out)
    else:
        console.print(
            f"{directory}: {size.goods:,} goods, {size.parts:,} parts, {size.edges:,} BOM edges, "
            f"up to {size.levels} levels (seed {seed}, {out['seconds']} s)",
            highlight=False,
        )


@command.command("entries")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lines", type=click.IntRange(1), default=1000, show_default=True, help="entry lines")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--year", type=click.IntRange(2018, 2100), default=2025, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def entries(path: Path, lines: int, seed: int, year: int, as_json: bool) -> None:
    """A year of customs entry lines in PATH (.parquet or .csv)."""
    writable_file(path, option="PATH")
    started = time.perf_counter()
    with progress(f"writing {lines:,} entry lines", quiet=as_json):
        n = generate_entries(path, lines=lines, seed=seed, year=year)
    out = {"path": str(path), "lines": n, "seed": seed, "year": year,
           "seconds": round(time.perf_counter() - started, 3)}  # fmt: skip
    if as_json:
        emit_json(out)
    else:
        console.print(
            f"{path}: {n:,} entry lines of {year} (seed {seed}, {out['seconds']} s)", highlight=False
        )
