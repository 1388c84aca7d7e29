"""Where tmec keeps the user's own law files and its caches: ``$TMEC_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["tmec_home"]


def tmec_home() -> Path:
    """``$TMEC_HOME``, else ``$XDG_DATA_HOME/tmec``, else ``~/.local/share/tmec``."""
    env = os.environ.get("TMEC_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tmec"
