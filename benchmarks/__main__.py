"""`make bench`: run every benchmark module and print its figures (see BENCHMARKS.md)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    only = set(sys.argv[1:])
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_") or (only and info.name not in only):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        print(f"== {info.name}", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
