"""The service names the address it is served at, never the one a request's ``Host`` header makes
up: ``tipkg serve`` answers only the Hosts of the address it listens at (``base_url``, by default
that address; a loopback one under each of its loopback names) and refuses the others with 400;
the Service Description and the VoID name that address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from service_support import Server, client_for, serve

from tipkg.service.settings import SettingError, resolve

DESCRIPTIONS = ("/sparql", "/dataset", "/.well-known/void")
FOREIGN = ("evil.example", "evil.example:80", "127.0.0.2", "")


@pytest.fixture(scope="module")
def server(built_real: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(built_real, tmp_path_factory.mktemp("host")) as s:
        yield s


@pytest.mark.parametrize("path", DESCRIPTIONS)
@pytest.mark.parametrize("host", FOREIGN)
def test_a_foreign_host_is_refused_and_never_described(server: Server, path: str, host: str) -> None:
    r = server.get(path, headers={"Host": host, "Accept": "text/turtle"})
    assert r.status_code == 400
    assert (host or "evil") not in r.text and "Host" in r.text


@pytest.mark.parametrize("path", DESCRIPTIONS)
def test_each_description_names_the_served_address_under_every_loopback_name(server: Server, path: str) -> None:
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    assert server.url == f"http://127.0.0.1:{port}/"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        r = server.get(path, headers={"Host": host, "Accept": "text/turtle"})
        assert r.status_code == 200, host
        assert f"<{server.url}sparql>" in r.text and "localhost" not in r.text.lower()


def test_an_app_given_its_address_answers_only_it(built_real: Path) -> None:
    for client in client_for(built_real, base_url="https://tipkg.example"):
        assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 400  # the TestClient's own Host
        r = client.get("/sparql", headers={"Accept": "text/turtle", "Host": "tipkg.example"})
        assert r.status_code == 200 and "<https://tipkg.example/sparql>" in r.text and "testserver" not in r.text
        assert client.get("/dataset", headers={"Accept": "text/turtle", "Host": "tipkg.example:443"}).status_code == 200


@pytest.mark.parametrize("value", ["ftp://x/", "http://x/sparql", "http://x:port/", "x", "http:///", "http://x/?a=1"])
def test_a_base_url_that_is_no_address_is_refused(value: str) -> None:
    with pytest.raises(SettingError, match="base_url"):
        resolve({"base_url": value})


def test_serving_every_interface_asks_for_the_address(built_real: Path) -> None:
    from tipkg.cli import main

    result: Any = CliRunner().invoke(main, ["serve", "--root", str(built_real), "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code != 0 and "--setting base_url" in result.output


def test_two_host_headers_are_refused() -> None:
    """A request with two Host headers (a server that passes both on) names no one address: 400."""
    import asyncio

    from tipkg.service.addresses import CheckedAddress

    reached: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    for headers, allowed in (([(b"host", b"tipkg.example")], True), ([(b"host", b"tipkg.example"), (b"host", b"evil.example")], False)):
        reached.clear(), sent.clear()
        scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"", "headers": headers}
        asyncio.run(CheckedAddress(app, frozenset({"tipkg.example"}))(scope, receive, send))
        assert bool(reached) == allowed
        assert allowed or sent[0]["status"] == 400
