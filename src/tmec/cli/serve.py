"""``tmec serve [--host H] [--port P] [--workers N]``: the REST API and the web application (uvicorn)."""

from __future__ import annotations

import click

from tmec.cli._common import handles_errors


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="address to listen on (behind a TLS proxy)"
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="server processes (sessions and jobs are in the store; each process keeps its own rate limits)",
)
@handles_errors
def command(host: str, port: int, workers: int) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the web pages on the store of $TMEC_HOME
    (or $TMEC_DATABASE_URL)."""
    import uvicorn

    from tmec.api import Settings, create_app

    click.echo(f"tmec serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    if workers == 1:
        app = create_app(Settings.from_env())
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        return
    # Several processes: each builds its own app from the environment (so the factory's import path).
    from tmec.store.db import open_store

    settings = Settings.from_env()
    open_store(settings.database_url, home=settings.home).close()  # migrations once, before the workers
    uvicorn.run(
        "tmec.api.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
    )
