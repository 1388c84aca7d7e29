"""Where tmec keeps its files (the store, the user's own law, the caches): one answer for every part.

``$TMEC_HOME`` when set, else the platform's per-user data directory as platformdirs names it
(``$XDG_DATA_HOME/tmec`` or ``~/.local/share/tmec`` on Linux).  On Linux the directory is worked out
here without importing platformdirs (about 20 ms of every command's start, for the same answer).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["tmec_home"]


def tmec_home() -> Path:
    """``$TMEC_HOME``, else the per-user data directory ``tmec`` of the platform."""
    env = os.environ.get("TMEC_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
        return Path(base).expanduser() / "tmec"
    import platformdirs

    return Path(platformdirs.user_data_dir("tmec", appauthor=False))
