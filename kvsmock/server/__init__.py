"""``kvsmock serve``: the same fake over real HTTP, for clients outside the test process.

Needs the ``server`` extra (``pip install 'kvsmock[server]'``). Every request goes through
the pipeline the in-process mock uses (:func:`kvsmock._dispatch.dispatch`); see
``docs/server.md``.

- :class:`ThreadedServer`: a server on a free port in a background thread (a context manager
  with ``endpoint_url``);
- the ``kvsmock_server`` pytest fixture (a :class:`ThreadedServer` per test);
- :func:`start` / :func:`stop`: on your own event loop;
- :class:`SignalingLimits`: the signaling WebSocket's quotas (``ServerOptions.signaling``).
"""

from __future__ import annotations

from kvsmock.server._app import (
    DEFAULT_GET_MEDIA_IDLE_SECONDS,
    MAX_BODY_BYTES,
    ServedMock,
    make_app,
    state_view,
)
from kvsmock.server._serve import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    CameraOptions,
    Running,
    ServerOptions,
    ThreadedServer,
    start,
    stop,
)
from kvsmock.server._signaling import SignalingLimits

__all__ = [
    "DEFAULT_GET_MEDIA_IDLE_SECONDS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_BODY_BYTES",
    "CameraOptions",
    "Running",
    "ServedMock",
    "ServerOptions",
    "SignalingLimits",
    "ThreadedServer",
    "make_app",
    "start",
    "state_view",
    "stop",
]
