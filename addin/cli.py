"""``tierkit serve``: run the Office.js add-in server (FastAPI + uvicorn) on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from tierkit.errors import msg


def _refuse(message: str) -> NoReturn:
    """A user mistake at start: one line, exit 2."""
    click.echo(f"tierkit serve: {message}", err=True)
    sys.exit(2)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        import ipaddress  # here, not at the top: ``tierkit --help`` loads this module

        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _token(token_file: str | None) -> str | None:
    if token_file:
        try:
            text = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError:
            _refuse(msg("--token-file cannot be read"))
        if not text:
            _refuse(msg("--token-file is empty"))
        return text
    return os.environ.get("TIERKIT_TOKEN", "").strip() or None


def _check_port(host: str, port: int) -> None:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host.strip("[]"), port))
        except OSError:
            _refuse(
                msg(
                    "port {port} on {host} is in use (or not allowed): choose another with --port", port=port, host=host
                )
            )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False),
              help="TLS certificate (PEM) for HTTPS; Excel loads add-ins only over HTTPS.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM) for --cert.")
@click.option("--rules-dir", type=click.Path(exists=True, file_okay=False),
              help="A folder of rule files (NAME.yaml) requests may name, besides the built-in ones.")
@click.option("--token-file", type=click.Path(dir_okay=False),
              help="A file holding the access token (else $TIERKIT_TOKEN); needed off loopback.")
@click.option("--insecure-http", is_flag=True, help="Allow plain HTTP off loopback (behind a TLS proxy).")
@click.option("--max-body-mb", default=50, show_default=True, type=click.IntRange(1),
              help="Largest request body, in MB.")
@click.option("--max-cells", default=2_000_000, show_default=True, type=click.IntRange(1),
              help="Largest table a call may send, in cells.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1),
              help="Calls run at once (more wait in a queue; a full queue answers 503).")
@click.option("--reload", is_flag=True, help="Restart when the add-in's files change (development).")
def serve(host: str, port: int, cert: str | None, key: str | None, rules_dir: str | None, token_file: str | None,
          insecure_http: bool, max_body_mb: int, max_cells: int, workers: int, reload: bool) -> None:
    """Serve the Excel add-in: manifest, task pane, TIERKIT.* functions and buttons.

    \b
    Example:
      tierkit serve --cert localhost.pem --key localhost-key.pem
    then sideload https://localhost:8000/manifest.xml in Excel (see addin/README.md).
    xlwings Server needs XLWINGS_LICENSE_KEY (noncommercial is free for non-commercial use).
    Off loopback (--host 0.0.0.0) a token (TIERKIT_TOKEN or --token-file) and HTTPS are required.
    """
    import json

    import uvicorn

    from .guard import loopback_hosts

    if bool(cert) != bool(key):
        raise click.UsageError(msg("give both --cert and --key (or neither)"))
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        _refuse(msg("xlwings Server needs XLWINGS_LICENSE_KEY: export XLWINGS_LICENSE_KEY=noncommercial for "
                "non-commercial use, or your xlwings licence key for commercial use"))
    token = _token(token_file)
    loopback = is_loopback(host)
    if not loopback and not token:
        _refuse(
            msg("--host {host} is reachable from other machines: set TIERKIT_TOKEN or give --token-file", host=host)
        )
    if not loopback and not cert and not insecure_http:
        _refuse(
            msg(
                "--host {host} is reachable from other machines: give --cert/--key for HTTPS (or --insecure-http "
                "behind a TLS proxy)",
                host=host,
            )
        )
    _check_port(host, port)
    os.environ["XLWINGS_ON_SERVER"] = "true"
    if token:
        os.environ["TIERKIT_TOKEN"] = token  # for uvicorn's factory (and --reload's child process)
    os.environ["TIERKIT_SERVE_OPTIONS"] = json.dumps({
        "rules_dir": str(Path(rules_dir).resolve()) if rules_dir else None,
        "hosts": sorted(loopback_hosts(port)) if loopback else None,
        "max_body": max_body_mb * 1024 * 1024, "max_cells": max_cells, "workers": workers,
    })
    scheme = "https" if cert else "http"
    shown = "localhost" if loopback or host in ("0.0.0.0", "::") else host
    click.echo(f"tierkit add-in on {scheme}://{shown}:{port}  manifest: {scheme}://{shown}:{port}/manifest.xml")
    if not cert:
        click.echo("note: Excel needs HTTPS; without --cert/--key use this only for tests (see addin/README.md)")
    uvicorn.run(
        "tierkit_addin.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        reload_dirs=[str(Path(__file__).resolve().parent)] if reload else None,
        ssl_certfile=cert,
        ssl_keyfile=key,
        log_level="info",
        access_log=True,  # uvicorn's access log holds the method and path, never a body
    )
