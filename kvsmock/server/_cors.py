"""CORS as the KVS endpoints send it, so pages on other origins can call the server.

The AWS SDK for JavaScript v3 in a browser signs its requests with ``Authorization``,
``x-amz-date``, ``x-amz-user-agent``, ``amz-sdk-*`` and a JSON ``Content-Type``, so every
API call is preceded by a preflight ``OPTIONS``. AWS's JSON endpoints answer it with any
origin allowed, the requested headers echoed and a two-day ``Access-Control-Max-Age``, and
expose the ``x-amzn-*`` headers the SDK reads on every response; HLS and DASH playlists,
segments, GetClip and GetImages answers carry ``Access-Control-Allow-Origin: *`` (hls.js and
dash.js fetch them from the page's origin).

PutMedia is the exception, as on AWS: its endpoint answers no preflight (403 without CORS
headers; aws-samples/amazon-kinesis-video-streams-demos #143), since PutMedia is not made
for browsers.
"""

from __future__ import annotations

from typing import Mapping, MutableMapping

from aiohttp import web

#: Seconds a browser may cache a preflight answer.
MAX_AGE_SECONDS = 172_800
ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
#: Response headers a page's script may read (the SDK reads the request id and error type).
EXPOSE_HEADERS = (
    "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date, Content-Type, Content-Length"
)


def allows(path: str) -> bool:
    """Whether responses under this (prefix-stripped) path carry CORS headers."""
    return path != "/putMedia"


def add_headers(request_headers: Mapping[str, str], headers: MutableMapping[str, str]) -> None:
    """The CORS headers of an ordinary (not preflight) response."""
    if "Origin" not in request_headers:
        return
    headers.setdefault("Access-Control-Allow-Origin", "*")
    headers.setdefault("Access-Control-Expose-Headers", EXPOSE_HEADERS)


def preflight(request: web.Request, path: str) -> web.Response:
    """The answer to ``OPTIONS``: 200 with the CORS headers, or PutMedia's 403."""
    if not allows(path):
        return web.Response(status=403)
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
        "Access-Control-Expose-Headers": EXPOSE_HEADERS,
    }
    requested = request.headers.get("Access-Control-Request-Headers")
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return web.Response(status=200, headers=headers)
