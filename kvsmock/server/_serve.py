"""Starting and stopping a server: on the caller's event loop (``kvsmock serve``) or in a
background thread (:class:`ThreadedServer`)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import shutil
import ssl
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from aiohttp import web
from aiohttp.http import HttpProcessingError

from kvsmock._dispatch import DEFAULT_REGION
from kvsmock.mock import DEFAULT_ACCOUNT_ID
from kvsmock.server._app import DEFAULT_GET_MEDIA_IDLE_SECONDS, ServedMock, make_app
from kvsmock.server._signaling import SignalingLimits

#: The port ``kvsmock serve`` listens on unless told otherwise (``--port 0``: a free one).
DEFAULT_PORT = 4567
DEFAULT_HOST = "127.0.0.1"
#: aiohttp's request-body buffer limit (its ``read_bufsize``, default 64 KiB): reading a
#: PutMedia body pauses when twice this much waits unread. 64 KiB paused and resumed the
#: socket for every network read of a fast upload.
_READ_BUFSIZE = 1 << 20
#: Seconds open connections get to finish when the server stops.
_SHUTDOWN_SECONDS = 2.0


class _OneLineBadRequests(logging.Filter):
    """A request aiohttp cannot parse (it answers 400) is the client's mistake: one warning
    line naming it, not an error with aiohttp's traceback. Other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            problem = " ".join(str(exc.message).split()) or type(exc).__name__
            record.msg = f"{record.getMessage()}: HTTP {exc.code}: {problem}"
            record.args = ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


#: The logger given to aiohttp's request handlers (AppRunner's documented ``logger``).
HTTP_LOG = logging.getLogger("kvsmock.server.http")
HTTP_LOG.addFilter(_OneLineBadRequests())


@dataclasses.dataclass(frozen=True)
class CameraOptions:
    """The simulated cameras of ``kvsmock serve --camera`` (:mod:`kvsmock.media.camera`)."""

    fps: int = 10
    width: int = 320
    height: int = 240
    #: One fragment (one GOP) every this many seconds (more than 0, at most 10).
    fragment_seconds: float = 2.0
    codec: str = "h264"
    audio: bool = False
    #: The region of the cameras' streams (in the server's default account).
    region: str = DEFAULT_REGION
    #: Retention of a stream the camera creates (hours; > 0 so ListFragments sees them).
    retention_hours: int = 1


@dataclasses.dataclass(frozen=True)
class ServerOptions:
    """How a server is run; see ``kvsmock serve --help`` and ``docs/server.md``."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    seed: Optional[int] = 0
    transition_seconds: float = 0.0
    account_id: str = DEFAULT_ACCOUNT_ID
    accounts: Mapping[str, str] = dataclasses.field(default_factory=dict)
    tls: bool = False
    public_url: Optional[str] = None
    get_media_idle_seconds: float = DEFAULT_GET_MEDIA_IDLE_SECONDS
    require_data_endpoint: bool = True
    workers: int = 16
    #: Signaling WebSocket quotas (idle time, connection life, viewers, payload size).
    signaling: SignalingLimits = dataclasses.field(default_factory=SignalingLimits)
    #: Names of streams fed by a simulated camera (created when missing; again after a reset).
    cameras: Tuple[str, ...] = ()
    camera: CameraOptions = dataclasses.field(default_factory=CameraOptions)

    def __post_init__(self) -> None:
        """Check the numbers the CLI's parser checks for ``kvsmock serve``, for
        :class:`ThreadedServer` too.

        Raises:
            TypeError: ``port`` or ``workers`` not an int, a number of seconds not a number.
            ValueError: ``port`` outside 0-65535, ``workers`` under 1, a number of seconds
                negative or not finite.
        """
        for name, low, high in (("port", 0, 65535), ("workers", 1, 1024)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int from {low} to {high}, not {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{name} must be an int from {low} to {high}, not {value!r}")
        for name in ("transition_seconds", "get_media_idle_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number of seconds, not {value!r}")
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number of seconds >= 0, not {value!r}")


def attach_cameras(mock: ServedMock, options: ServerOptions) -> List[Any]:
    """Create each ``options.cameras`` stream when missing (in the default account and
    ``options.camera.region``) and attach a simulated camera to it; returns the cameras.

    Raises:
        ValueError: a bad camera size, rate, codec or fragment length, a stream name that
            breaks CreateStream's rule (1-256 of ``[a-zA-Z0-9_.-]``), an unknown region.
        TypeError: ``cameras`` not a tuple or list of names, ``camera`` not a
            :class:`CameraOptions`.
        kvsmock.media.archive.MediaExtraMissing: PyAV is not installed.
    """
    from kvsmock import _clock, _scope
    from kvsmock.errors import ServiceError
    from kvsmock.media import camera, fragments

    # Checked before any stream is made: a bad name would be stored and then fail every
    # listing (ModelConformanceError); a str would feed one stream per character.
    if not isinstance(options.cameras, (tuple, list)):
        raise TypeError(f"cameras must be a tuple of stream names, not {options.cameras!r}")
    for name in options.cameras:
        problems = fragments.stream_problems(name, None) if isinstance(name, str) else ["x"]
        if problems:
            raise ValueError(
                f"a camera's stream name must be 1-256 letters, digits, '_', '.' or '-', "
                f"not {name!r}"
            )
    if not isinstance(options.camera, CameraOptions):
        raise TypeError(
            f"camera must be a kvsmock.server.CameraOptions, not {type(options.camera).__name__}"
        )
    _scope.check_region(options.camera.region)
    found: List[Any] = []
    settings = options.camera
    for name in options.cameras:
        store = mock.store_for(options.account_id, settings.region)
        with store.lock:
            try:
                store.find_stream(name, None, now=_clock.now())
            except ServiceError:
                store.create_stream(name, data_retention_in_hours=settings.retention_hours)
        found.append(
            camera.attach(
                store,
                stream_name=name,
                fps=settings.fps,
                width=settings.width,
                height=settings.height,
                fragment_seconds=settings.fragment_seconds,
                audio=settings.audio,
                codec=settings.codec,
            )
        )
    return found


@dataclasses.dataclass
class Running:
    """A started server: its URL, its mock and what :func:`stop` releases."""

    endpoint_url: str
    mock: ServedMock
    ca_file: Optional[str]
    runner: web.AppRunner
    pool: ThreadPoolExecutor
    tls_dir: Optional[str]


def _tls_context(host: str) -> tuple[ssl.SSLContext, str, str]:
    """A server context with a certificate trustme issues for this run, and the CA file."""
    import trustme

    ca = trustme.CA()
    names = ["127.0.0.1", "localhost", "::1"]
    if host not in names and host not in ("0.0.0.0", "::"):
        names.append(host)
    cert = ca.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    folder = tempfile.mkdtemp(prefix="kvsmock-tls-")
    ca_file = str(Path(folder) / "kvsmock-ca.pem")
    ca.cert_pem.write_to_path(ca_file)
    return context, ca_file, folder


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


async def start(options: ServerOptions) -> Running:
    """Start serving on the running event loop. Raises ``OSError`` when the port is taken."""
    mock = ServedMock(
        account_id=options.account_id,
        accounts=dict(options.accounts),
        seed=options.seed,
        transition_seconds=options.transition_seconds,
        require_data_endpoint=options.require_data_endpoint,
    )
    attach_cameras(mock, options)  # before listening: a bad option fails at once
    pool = ThreadPoolExecutor(options.workers, thread_name_prefix="kvsmock-server")
    app = make_app(
        mock,
        pool,
        get_media_idle_seconds=options.get_media_idle_seconds,
        signaling=options.signaling,
        on_reset=(lambda: attach_cameras(mock, options)) if options.cameras else None,
    )
    context: Optional[ssl.SSLContext] = None
    ca_file = tls_dir = None
    if options.tls:
        context, ca_file, tls_dir = _tls_context(options.host)
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        shutdown_timeout=_SHUTDOWN_SECONDS,
        logger=HTTP_LOG,
        read_bufsize=_READ_BUFSIZE,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, options.host, options.port, ssl_context=context)
        await site.start()
    except BaseException:
        await runner.cleanup()
        pool.shutdown(wait=False)
        if tls_dir is not None:
            shutil.rmtree(tls_dir, ignore_errors=True)
        raise
    port = runner.addresses[0][1]
    scheme = "https" if options.tls else "http"
    url = f"{scheme}://{_url_host(options.host)}:{port}"
    mock.served_at = (options.public_url or url).rstrip("/")
    return Running(url, mock, ca_file, runner, pool, tls_dir)


async def stop(running: Running) -> None:
    """Stop serving: open connections get a moment to finish, then everything is released."""
    await running.runner.cleanup()
    running.pool.shutdown(wait=True, cancel_futures=True)
    if running.tls_dir is not None:
        shutil.rmtree(running.tls_dir, ignore_errors=True)


class ThreadedServer:
    """A kvsmock server on a free loopback port, in a background thread.

    Example::

        with ThreadedServer() as server:
            client = boto3.client("kinesisvideo", endpoint_url=server.endpoint_url,
                                  region_name="us-east-1")

    Keyword arguments are :class:`ServerOptions` fields (``port`` defaults to 0, a free port).
    """

    def __init__(self, **options: Any) -> None:
        options.setdefault("port", 0)
        self.options = ServerOptions(**options)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._running: Optional[Running] = None
        self._lock = threading.Lock()

    @property
    def endpoint_url(self) -> str:
        """The server's base URL (``http://127.0.0.1:<port>``)."""
        return self._started().endpoint_url

    @property
    def mock(self) -> ServedMock:
        """The served mock, to seed or inspect state in-process (``server.mock.state()``)."""
        return self._started().mock

    @property
    def ca_file(self) -> Optional[str]:
        """The PEM file of the CA that signed the ``tls=True`` certificate (else ``None``)."""
        return self._started().ca_file

    def _started(self) -> Running:
        if self._running is None:
            raise RuntimeError("the server is not running: call start() or use `with`")
        return self._running

    def start(self) -> ThreadedServer:
        """Serve in a new thread; returns once requests are answered."""
        with self._lock:
            if self._running is not None:
                return self
            loop = asyncio.new_event_loop()
            ready: Dict[str, Any] = {}
            started = threading.Event()

            def serve() -> None:
                asyncio.set_event_loop(loop)
                try:
                    ready["running"] = loop.run_until_complete(start(self.options))
                except BaseException as e:  # reported to start()'s caller
                    ready["error"] = e
                    started.set()
                    loop.close()
                    return
                started.set()
                loop.run_forever()
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

            thread = threading.Thread(target=serve, name="kvsmock-server", daemon=True)
            thread.start()
            started.wait()
            if "error" in ready:
                thread.join()
                raise ready["error"]
            self._loop, self._thread, self._running = loop, thread, ready["running"]
        return self

    def stop(self) -> None:
        """Stop serving and join the thread (idempotent)."""
        with self._lock:
            running, loop, thread = self._running, self._loop, self._thread
            self._running = self._loop = self._thread = None
        if running is None or loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(stop(running), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
