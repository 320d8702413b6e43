"""The only seam with botocore's request path: the ``before-send`` handler and the guard.

Importing this module appends one handler per KVS service id to
``botocore.handlers.BUILTIN_HANDLERS`` (sessions copy that list when they are created), so
every client made afterwards routes ``before-send.<service-id>.<Operation>`` here. The
handler is inert unless a mock is active; then the innermost active mock answers, and
botocore still serializes, signs and parses as it does against AWS.

While any mock is active, ``URLLib3Session.send`` is wrapped so that a botocore request no
mock answered (another AWS service, an odd endpoint) is refused instead of sent, unless its
host is loopback or allowed by the mock's ``allow_network``.
"""

from __future__ import annotations

import io
import ipaddress
import sys
import threading
import weakref
from fnmatch import fnmatch
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Union
from urllib.parse import urlsplit

from botocore import handlers as _handlers
from botocore.awsrequest import AWSResponse

from kvsmock import _dispatch, _model, _protocol
from kvsmock.errors import NetworkAccessBlocked

#: Active mocks, innermost last. Process-wide; guarded by ``_lock``.
_active: List[Any] = []
_lock = threading.RLock()
_UNIQUE_ID = "kvsmock-before-send"
#: Where a request kvsmock answered is pointed afterwards, so that later ``before-send``
#: handlers of other mocks (moto's) do not also act on it. Only done when moto is loaded.
_ANSWERED_URL = "https://kvsmock.invalid/answered"


class _RawBody:
    """The ``raw`` of an ``AWSResponse``: ``read(amt)`` and ``stream()`` over the body."""

    __slots__ = ("_buffer", "_bytes", "_chunks", "_current")  # one per response: no __dict__

    def __init__(self, body: Union[bytes, Iterable[bytes]]) -> None:
        # A bytes body is rarely read through ``raw`` (botocore reads ``content``): its
        # buffer is made on the first read.
        self._bytes = body if isinstance(body, bytes) else None
        self._buffer: Optional[io.BytesIO] = None
        self._chunks: Optional[Iterator[bytes]] = None if isinstance(body, bytes) else iter(body)
        # The chunk being read, as a file (sharing the chunk's bytes): a read copies only
        # what it returns, so reading in pieces of any size costs time linear in the body.
        self._current = io.BytesIO()

    def read(self, amt: Optional[int] = None, **_: Any) -> bytes:
        if self._bytes is not None:
            if self._buffer is None:
                self._buffer = io.BytesIO(self._bytes)
            return self._buffer.read(amt)
        assert self._chunks is not None
        if amt is None:
            return b"".join([self._current.read(), *self._chunks])
        data = self._current.read(amt)
        if len(data) == amt:
            return data
        parts = [data]
        missing = amt - len(data)
        for chunk in self._chunks:
            self._current = io.BytesIO(chunk)
            data = self._current.read(missing)
            parts.append(data)
            missing -= len(data)
            if not missing:
                break
        return b"".join(parts)

    def stream(self, amt: int = 1024 * 64, **_: Any) -> Iterator[bytes]:
        while True:
            chunk = self.read(amt)
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        self._current = io.BytesIO()


ResponseFactory = Callable[[str, int, Mapping[str, str], Any], AWSResponse]


def _aws_response(url: str, status: int, headers: Mapping[str, str], body: Any) -> AWSResponse:
    """``AWSResponse(url, status, headers, raw)`` as botocore's constructor builds it.

    A bytes body is also set as the response's read ``content`` (what ``content`` would read
    from ``raw`` and keep): botocore parses a non-streaming body from ``content``; a
    streaming one still gets ``raw``, unread.
    """
    response = AWSResponse(url, status, headers, _RawBody(body))  # type: ignore[arg-type]
    if body.__class__ is bytes:
        response._content = body  # type: ignore[attr-defined]
    return response


def _register_authorization_getter(headers_dict: Any, header_key: Any) -> None:
    """Let :func:`kvsmock._dispatch.identity` read ``Authorization`` from botocore's
    ``HeadersDict`` with one prebuilt ``_HeaderKey`` instead of making one per request (a
    private layout: registered only if it reads what ``get`` reads)."""
    key = header_key("Authorization")

    def authorization(headers: Any) -> Any:
        return headers._dict.get(key)

    try:
        probe = headers_dict({"AUTHORIZATION": "x", "Other": "y"})
        agrees = authorization(probe) == probe.get("Authorization") == "x"
        agrees = agrees and authorization(headers_dict()) is None
    except Exception:  # pragma: no cover - another botocore layout
        agrees = False
    if agrees:
        _dispatch.AUTHORIZATION_GETTERS[headers_dict] = authorization


def _response_factory() -> ResponseFactory:
    """A faster equivalent of :func:`_aws_response`, or that function itself.

    ``AWSResponse.__init__`` copies the headers into a ``HeadersDict`` through
    ``MutableMapping.update``: a new ``_HeaderKey`` and three Python calls per header, on
    every response. The factory fills the ``HeadersDict``'s dict directly, with one
    ``_HeaderKey`` per header name kept for reuse (they are immutable). It relies on
    botocore's private layout, so it is used only if a response it builds has the same
    attributes, the same headers (read case-insensitively) and the same content as one
    the constructor builds; otherwise the constructor is.
    """
    try:
        from botocore.awsrequest import HeadersDict, _HeaderKey
    except ImportError:  # pragma: no cover - a botocore without them
        return _aws_response
    keys: Dict[str, Any] = {}
    new_response = AWSResponse.__new__
    new_headers = HeadersDict.__new__

    def fast(url: str, status: int, headers: Mapping[str, str], body: Any) -> AWSResponse:
        table = {}
        for name, value in headers.items():
            key = keys.get(name)
            if key is None:
                if len(keys) >= 256:
                    keys.clear()
                key = keys[name] = _HeaderKey(name)
            table[key] = value
        copied = new_headers(HeadersDict)
        copied._dict = table  # type: ignore[attr-defined]
        response = new_response(AWSResponse)
        response.url = url
        response.status_code = status
        response.headers = copied
        response.raw = _RawBody(body)
        response._content = body if body.__class__ is bytes else None  # type: ignore[attr-defined]
        return response

    _register_authorization_getter(HeadersDict, _HeaderKey)
    sample = {"x-amzn-RequestId": "r", "Content-Type": "application/json", "Content-Length": "2"}
    try:
        ours, theirs = (f("https://x", 200, sample, b"{}") for f in (fast, _aws_response))
        same = (
            vars(ours).keys() == vars(theirs).keys()
            and vars(ours.headers).keys() == vars(theirs.headers).keys()
            and list(ours.headers.items()) == list(theirs.headers.items())
            and ours.headers.get("X-AMZN-REQUESTID") == "r"
            and ours.content == theirs.content == b"{}"
            and ours.status_code == theirs.status_code
        )
    except Exception:  # pragma: no cover - another botocore layout
        same = False
    return fast if same else _aws_response


#: Built on the first answered request (not at import).
_new_response: Optional[ResponseFactory] = None


def active_mock() -> Optional[Any]:
    """The innermost active mock, or ``None``."""
    stack = _active
    return stack[-1] if stack else None


#: ``before-send.<service id>.<operation>`` -> (service id, operation); at most 43 x 5 names.
_event_names: Dict[str, Any] = {}


def _before_send(request: Any, event_name: str, **_: Any) -> Optional[AWSResponse]:
    stack = _active
    if not stack:
        return None
    mock = stack[-1]
    names = _event_names.get(event_name)
    if names is None:
        names = _event_names[event_name] = tuple(event_name.split(".", 2)[1:])
    service_id, operation = names
    reply = _dispatch.dispatch(
        mock,
        service_id,
        operation,
        request.url,
        request.headers,
        _protocol.decode_body(request.body),
    )
    global _new_response
    if _new_response is None:
        _new_response = _response_factory()
    response = _new_response(request.url, reply.status, reply.headers, reply.body)
    if "moto" in sys.modules:
        request.url = _ANSWERED_URL
    return response


_EVENTS = tuple(f"before-send.{service_id}" for service_id in _model.SERVICE_NAMES)
for _event in _EVENTS:
    _handlers.BUILTIN_HANDLERS.append((_event, _before_send, _handlers.REGISTER_FIRST))


def _has_handler(emitter: Any) -> bool:
    inner = getattr(emitter, "_emitter", emitter)  # EventAliaser wraps HierarchicalEmitter
    try:
        found = inner._handlers.prefix_search(_EVENTS[0] + ".DescribeStream")
    except AttributeError:
        return False
    return _before_send in found


def patch_emitter(emitter: Any) -> None:
    """Register the handler on an event emitter that predates ``import kvsmock`` (idempotent)."""
    if _has_handler(emitter):
        return
    for event in _EVENTS:
        emitter.register_first(event, _before_send, unique_id=f"{_UNIQUE_ID}:{event}")


_patched_sessions: weakref.WeakSet[Any] = weakref.WeakSet()
#: The default session checked last (a weak reference): every start looks at
#: ``boto3.DEFAULT_SESSION``, which is almost always the one it saw the time before.
_last_session: Callable[[], Any] = lambda: None  # noqa: E731 - a dead reference's call


def patch_default_session() -> None:
    """Make ``boto3.DEFAULT_SESSION`` route to kvsmock if it was created before the import.

    The session is kept (no rebuilding, so its clients, caches and loaded models stay); the
    handler is inert whenever no mock is active.
    """
    global _last_session
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if session is None or session is _last_session():
        return
    if session not in _patched_sessions:
        patch_emitter(session._session.get_component("event_emitter"))
        _patched_sessions.add(session)
    _last_session = weakref.ref(session)


# -- the network guard ---------------------------------------------------------------------

_original_send: Optional[Callable[..., Any]] = None
#: The class whose ``send`` the guard replaced (restored on the last stop).
_urllib3_session: Any = None


def _is_allowed(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        pass
    mock = active_mock()
    allow = getattr(mock, "allow_network", False)
    if allow is True:
        return True
    return any(fnmatch(host, pattern) for pattern in (allow or ()))


def _guarded_send(self: Any, request: Any) -> Any:
    if _active and not _is_allowed(request.url):
        raise NetworkAccessBlocked(request.url)
    assert _original_send is not None
    return _original_send(self, request)


def _session_class() -> Any:
    """``botocore.httpsession.URLLib3Session`` as it is now (loaded with any client)."""
    module: Any = sys.modules.get("botocore.httpsession")
    if module is None:
        from botocore import httpsession as module
    return module.URLLib3Session


def push(mock: Any, on_first: Callable[[], None]) -> None:
    """Make ``mock`` the innermost active mock; ``on_first`` runs when none was active."""
    global _original_send, _urllib3_session
    with _lock:
        if not _active:
            cls = _session_class()
            on_first()
            _original_send = cls.send
            cls.send = _guarded_send
            _urllib3_session = cls
        _active.append(mock)
    patch_default_session()


def pop(mock: Any, on_last: Callable[[], None]) -> None:
    """Deactivate ``mock``; ``on_last`` runs when it was the last active one."""
    global _original_send, _urllib3_session
    with _lock:
        if _active and _active[-1] is mock:
            del _active[-1]
        else:
            for i in range(len(_active) - 2, -1, -1):
                if _active[i] is mock:
                    del _active[i]
                    break
            else:
                return
        if not _active:
            if _original_send is not None and _urllib3_session is not None:
                _urllib3_session.send = _original_send
                _original_send = _urllib3_session = None
            on_last()
