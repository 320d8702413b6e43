"""Helpers for the headless-Chromium tests: the browser runner (``tests/node/browser.mjs``,
playwright-core driving Debian's ``chromium``), esbuild bundles, and a static server that
puts test pages on an origin of their own."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
from server_support import tool

NODE_DIR = Path(__file__).parent / "node"
BROWSER_DIR = NODE_DIR / "browser"


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chromium() -> str:
    """Debian's chromium (``$CHROMIUM`` overrides); missing fails in CI, skips elsewhere."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found is None:
        _missing("chromium is not installed (make deps-browser installs it)")
    assert found is not None
    return found


def node_with(*packages: str) -> str:
    """``node``, once the npm packages named are installed in tests/node (``npm ci``)."""
    node = tool("node")
    for package in packages:
        if not (NODE_DIR / "node_modules" / package / "package.json").is_file():
            _missing(f"the npm package {package} is not installed (make deps-node)")
    return node


def bundle(entry: Path, out: Path) -> Path:
    """``entry`` and what it imports, bundled by esbuild for the browser (one IIFE file)."""
    node = node_with("esbuild")
    subprocess.run(
        [node, str(NODE_DIR / "bundle.mjs"), str(entry), str(out)],
        check=True,
        cwd=NODE_DIR,
        timeout=120,
    )
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on a free loopback port: another origin than the server's."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def run_pages(
    *urls: str,
    timeout: float = 60.0,
    screenshot: Optional[Path] = None,
    wait_for: Optional[str] = None,
    result: Optional[str] = None,
) -> Dict[str, Any]:
    """Open the pages in headless Chromium and wait for each to finish.

    Returns ``{"pages": [window.__result, ...], "console": [...], "blocked": [...]}``.
    """
    node = node_with("playwright-core")
    env = dict(os.environ, CHROMIUM=chromium())
    if wait_for is not None:
        env["WAIT_FOR"] = wait_for
    if result is not None:
        env["RESULT"] = result
    done = subprocess.run(
        [
            node,
            str(NODE_DIR / "browser.mjs"),
            str(int(timeout * 1000)),
            str(screenshot) if screenshot else "-",
            *urls,
        ],
        capture_output=True,
        text=True,
        timeout=timeout + 90,
        cwd=NODE_DIR,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    out: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out
