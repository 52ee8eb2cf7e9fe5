"""The service: a read-only SPARQL endpoint and a browsable site over the built graph."""

from __future__ import annotations

from pathlib import Path

import click

from tipkg.cli.common import ROOT, fail


@click.command("serve")
@ROOT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option(
    "--setting",
    "settings",
    multiple=True,
    nargs=2,
    metavar="NAME VALUE",
    help="A service setting (repeatable): query_time_limit, row_cap, page_rows, max_query_bytes, workers, saved_query_workers,"
    " client_queries, queue_time_limit, worker_memory_mb, service_allow_list, licence, lang, base_url, node_modules.",
)
def serve_command(root: Path, host: str, port: int, settings: tuple[tuple[str, str], ...]) -> None:
    """Serve the built graph: a read-only SPARQL endpoint at /sparql and a browsable site."""
    import socket

    import uvicorn

    from tipkg.service.app import create_app

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for a TCP socket;
    # without it a kept-alive connection waits about 40 ms per answer (Nagle meets delayed ACKs)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    given = dict(settings)
    if "base_url" not in given and host in ("0.0.0.0", "::", ""):
        fail(f"--host {host} listens on every interface: say the address clients use with --setting base_url http://NAME:PORT/")
    app = create_app(root, {"base_url": url, **given})  # the descriptions name the served address, and no other Host is answered
    click.echo(f"tipkg: serving {root.resolve()} at {url} (Ctrl-C to stop)", err=False)
    # uvloop and httptools, named rather than "auto": the same server wherever tipkg is installed
    # (a cheap query's answer takes a quarter less CPU than on asyncio and h11)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", loop="uvloop", http="httptools")).run(sockets=[sock])
