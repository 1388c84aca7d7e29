"""A real server on a free loopback port and Debian's Chromium driven by Playwright (headless).

Skipped, with the reason, when Chromium or Playwright is missing; ``TMEC_REQUIRE_BROWSER=1`` (CI)
turns the skip into a failure.  Screenshots go to ``.screenshots/`` at the project root
(git-ignored; ``TMEC_SCREENSHOTS`` moves it) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tmec.api import Settings, create_app
from tmec.certify.issuer import Issuer
from tmec.store.access import create_key
from tmec.store.db import open_store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PASSPHRASE = b"browser tests"
CHROMIUM = os.environ.get("TMEC_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SHOTS = Path(os.environ.get("TMEC_SCREENSHOTS", ROOT / ".screenshots"))


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    why = _browser_missing()
    if why:
        if os.environ.get("TMEC_REQUIRE_BROWSER"):
            pytest.fail(f"TMEC_REQUIRE_BROWSER is set but the browser tests cannot run: {why}")
        pytest.skip(f"browser tests skipped: {why}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Server:
    url: str
    home: Path
    keys: dict[str, str]

    def shot(self, page: Any, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> Iterator[Server]:
    import uvicorn

    home = tmp_path_factory.mktemp("web-home")
    url = f"sqlite:///{home / 'tmec.db'}"
    store = open_store(url, home=home)
    try:
        Issuer(store).init("tmec.example/web-tests", PASSPHRASE)
        keys = {role: create_key(store, f"{role}-web", role) for role in ("analyst", "certifier", "viewer")}
    finally:
        store.close()
    app = create_app(Settings(home=home, database_url=url, passphrase=PASSPHRASE, rate_limit=0))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", home, keys)
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(chromium: Any, server: Server) -> Iterator[Any]:
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture
def page_es(chromium: Any, server: Server) -> Iterator[Any]:
    context = chromium.new_context(locale="es-MX", extra_http_headers={"Accept-Language": "es-MX,es;q=0.9"},
                                   viewport={"width": 1280, "height": 900})  # fmt: skip
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def sign_in(page: Any, server: Server, role: str = "analyst", then: str = "/qualify") -> None:
    page.goto(f"{server.url}/login?next={then}")
    page.fill("#key", server.keys[role])
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**{then}")
