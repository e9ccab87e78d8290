"""``tierkit serve``: run the Office.js add-in server (FastAPI + uvicorn) on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--cert",
    type=click.Path(exists=True, dir_okay=False),
    help="TLS certificate (PEM) for HTTPS; Excel loads add-ins only over HTTPS.",
)
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM) for --cert.")
@click.option("--reload", is_flag=True, help="Restart when the add-in's files change (development).")
def serve(host: str, port: int, cert: str | None, key: str | None, reload: bool) -> None:
    """Serve the Excel add-in: manifest, task pane, TIERKIT.* functions and buttons.

    \b
    Example:
      tierkit serve --cert localhost.pem --key localhost-key.pem
    then sideload https://localhost:8000/manifest.xml in Excel (see addin/README.md).
    xlwings Server needs XLWINGS_LICENSE_KEY (noncommercial is free for non-commercial use).
    """
    import uvicorn

    from tierkit import TierkitError

    if bool(cert) != bool(key):
        raise click.UsageError("give both --cert and --key (or neither)")
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise click.ClickException(
            "xlwings Server needs XLWINGS_LICENSE_KEY: export XLWINGS_LICENSE_KEY=noncommercial for "
            "non-commercial use, or your xlwings licence key for commercial use"
        )
    os.environ["XLWINGS_ON_SERVER"] = "true"
    scheme = "https" if cert else "http"
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::1") else host
    click.echo(
        f"tierkit add-in on {scheme}://{shown}:{port}  manifest: {scheme}://{shown}:{port}/manifest.xml"
    )
    if not cert:
        click.echo(
            "note: Excel needs HTTPS; without --cert/--key use this only for tests (see addin/README.md)"
        )
    try:
        uvicorn.run(
            "tierkit_addin.server:create_app",
            factory=True,
            host=host,
            port=port,
            reload=reload,
            reload_dirs=[str(Path(__file__).resolve().parent)] if reload else None,
            ssl_certfile=cert,
            ssl_keyfile=key,
            log_level="info",
        )
    except TierkitError as err:  # pragma: no cover - errors at start-up
        raise click.ClickException(str(err)) from err
