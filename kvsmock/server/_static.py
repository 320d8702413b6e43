"""Files shipped in ``kvsmock/server/static``: the console page and hls.js (no CDN, no network).

Served at ``/_kvsmock/static/<name>``; the console page also at ``/``. Only the files of the
folder with a known type are served, by exact name.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Optional

from aiohttp import web

FOLDER = Path(__file__).parent / "static"
PREFIX = "/_kvsmock/static/"
CONSOLE = "console.html"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


@functools.lru_cache(maxsize=1)
def files() -> Dict[str, Path]:
    """Name -> path of every file served."""
    return {p.name: p for p in sorted(FOLDER.iterdir()) if p.is_file() and p.suffix in _TYPES}


def response(name: str) -> Optional[web.Response]:
    """The file ``name`` as a response, or ``None`` when there is no such file."""
    path = files().get(name)
    if path is None:
        return None
    return web.Response(
        body=path.read_bytes(),
        headers={"Content-Type": _TYPES[path.suffix], "Cache-Control": "no-cache"},
    )
