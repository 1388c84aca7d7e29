"""``tmec serve [--host H] [--port P]``: the REST API and the web application (uvicorn)."""

from __future__ import annotations

import click

from tmec.cli._common import handles_errors


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="address to listen on (behind a TLS proxy)"
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@handles_errors
def command(host: str, port: int) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the web pages on the store of $TMEC_HOME
    (or $TMEC_DATABASE_URL)."""
    import uvicorn

    from tmec.api import Settings, create_app

    app = create_app(Settings.from_env())
    click.echo(f"tmec serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
