"""The console page's files and control paths over plain HTTP (the page itself runs in
Chromium in tests/test_browser.py)."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests

from kvsmock.server import ThreadedServer


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(accounts={"AKIAOTHERKEY00000001": "210987654321"}) as s:
        yield s


def test_console_page_at_the_root(server: ThreadedServer) -> None:
    page = requests.get(server.endpoint_url + "/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<script src="/_kvsmock/static/hls.min.js">' in page.text
    assert '<script src="/_kvsmock/static/console.js">' in page.text


@pytest.mark.parametrize(
    ("name", "kind", "needle"),
    [
        ("hls.min.js", "text/javascript", "MediaSource"),
        ("console.js", "text/javascript", "/getHLSStreamingSessionURL"),
        ("console.css", "text/css", "svg.timeline"),
    ],
)
def test_shipped_files(server: ThreadedServer, name: str, kind: str, needle: str) -> None:
    reply = requests.get(f"{server.endpoint_url}/_kvsmock/static/{name}", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith(kind)
    assert needle in reply.text


@pytest.mark.parametrize("name", ["NOTICE.md", "../_app.py", "%2e%2e/_app.py", "nope.js"])
def test_only_shipped_files_by_exact_name(server: ThreadedServer, name: str) -> None:
    reply = requests.get(f"{server.endpoint_url}/_kvsmock/static/{name}", timeout=10)
    assert reply.status_code == 404


def test_accounts_control_path(server: ThreadedServer) -> None:
    reply = requests.get(server.endpoint_url + "/_kvsmock/accounts", timeout=10)
    assert reply.json() == {
        "DefaultAccount": "123456789012",
        "AccessKeys": {"AKIAOTHERKEY00000001": "210987654321"},
    }
