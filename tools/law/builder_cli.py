"""The command line the law builders share: read a source (``--data``, or a git directory of a
mirror named by another option), write one compiled file into ``--out``, say its size."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"


def run_builder(
    argv: Sequence[str] | None,
    description: str,
    build: Callable[[Path, Path], bytes],
    name: str,
    *,
    source: str = "--data",
    required: str | None = None,
) -> int:
    """Parse ``source`` (``DEFAULT_DATA`` unless ``required`` names what must be given) and ``--out``,
    write ``build(source, out)`` as ``out/name``."""
    parser = argparse.ArgumentParser(description=description)
    if required is None:
        parser.add_argument(source, type=Path, default=DEFAULT_DATA)
    else:
        parser.add_argument(source, type=Path, required=True, help=required)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    body = build(getattr(args, source.lstrip("-").replace("-", "_")), args.out)
    (args.out / name).write_bytes(body)
    print(f"{args.out / name}: {len(body):,} bytes", file=sys.stderr)
    return 0


def git_show(git_dir: Path, commit: str, path: str) -> bytes:
    """The bytes of ``path`` at ``commit`` in the mirror ``git_dir``; stops naming what could not be read."""
    try:
        return subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], check=True, capture_output=True
        ).stdout
    except subprocess.CalledProcessError as exc:
        raise SystemExit(
            f"{git_dir}: cannot read {path} at {commit}: {exc.stderr.decode().strip()}"
        ) from None
