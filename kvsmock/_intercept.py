"""The only seam with botocore's request path: the ``before-send`` handler and the guard.

Importing this module appends one handler per KVS service id to
``botocore.handlers.BUILTIN_HANDLERS`` (sessions copy that list when they are created), so
every client made afterwards routes ``before-send.<service-id>.<Operation>`` here. The
handler is inert unless a mock is active; then the innermost active mock answers, and
botocore still serializes, signs and parses as it does against AWS.

aiobotocore (and aioboto3, built on it) emits the same event with the same request, so the
same handler answers its clients; only the response object differs, because its endpoint
awaits the body (:func:`_aio_response`).

While any mock is active, the ``send`` of botocore's ``URLLib3Session`` (and of
aiobotocore's ``AIOHTTPSession`` / ``HttpxSession`` when aiobotocore is loaded) is wrapped so
that a request no mock answered (another AWS service, an odd endpoint) is refused instead of
sent, unless its host is loopback or allowed by the mock's ``allow_network``.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import ipaddress
import sys
import threading
import weakref
from fnmatch import fnmatch
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)
from urllib.parse import urlsplit

import botocore
from botocore import handlers as _handlers
from botocore.awsrequest import AWSResponse

from kvsmock import _dispatch, _model, _protocol
from kvsmock.errors import NetworkAccessBlocked

#: Active mocks, innermost last, each with the id of the thread that started it.
#: Process-wide; changed under ``_lock`` (replaced whole, so readers need no lock).
_active: List[Tuple[Any, int]] = []
_lock = threading.RLock()
_UNIQUE_ID = "kvsmock-before-send"
#: Where a request kvsmock answered is pointed afterwards, so that later ``before-send``
#: handlers of other mocks (moto's) do not also act on it. Only done when moto is loaded.
_ANSWERED_URL = "https://kvsmock.invalid/answered"


class _RawBody:
    """The ``raw`` of an ``AWSResponse``: ``read(amt)`` and ``stream()`` over the body
    (bytes, or an iterable of bytes that is read as it is asked for).

    The chunk being read is held as a file sharing the chunk's bytes, so a read copies only
    what it returns: reading in pieces of any size costs time linear in the body.
    """

    def __init__(self, body: Union[bytes, Iterable[bytes]]) -> None:
        self._chunks: Iterator[bytes] = iter((body,) if isinstance(body, bytes) else body)
        self._current = io.BytesIO()

    def read(self, amt: Optional[int] = None, **_: Any) -> bytes:
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


def _aws_response(url: str, status: int, headers: Mapping[str, str], body: Any) -> AWSResponse:
    """The ``AWSResponse`` botocore's own HTTP session would return (``raw`` is read by
    ``content`` or streamed by a ``StreamingBody``)."""
    return AWSResponse(url, status, headers, _RawBody(body))  # type: ignore[arg-type]


def active_mock() -> Optional[Any]:
    """The mock that answers the calling thread: the innermost one this thread started, else
    the innermost of the process (a worker thread of the code under test), else ``None``.

    So tests running in parallel threads each see their own mock, and the threads a test
    starts see the test's.
    """
    stack = _active
    if not stack:
        return None
    me = threading.get_ident()
    for mock, owner in reversed(stack):
        if owner == me:
            return mock
    return stack[-1][0]


def _before_send(request: Any, event_name: str, **_: Any) -> Optional[AWSResponse]:
    mock = active_mock()
    if mock is None:
        return None
    _before, service_id, operation = event_name.split(".", 2)
    reply = _dispatch.dispatch(
        mock,
        service_id,
        operation,
        request.url,
        request.headers,
        _protocol.decode_body(request.body),
    )
    if _from_aiobotocore(request):
        response: AWSResponse = _aio_response(request.url, reply.status, reply.headers, reply.body)
    else:
        response = _aws_response(request.url, reply.status, reply.headers, reply.body)
    if "moto" in sys.modules:
        request.url = _ANSWERED_URL
    return response


#: The access key and secret of the fake credentials kvsmock provides while a mock is active
#: (in ``os.environ``, see :mod:`kvsmock.mock`, and to clients that resolved none).
FAKE_ACCESS_KEY_ID = "AKIAKVSMOCKTESTING00"
FAKE_SECRET_ACCESS_KEY = "kvsmock-fake-secret-access-key"


def _before_sign(
    request: Any,
    signature_version: Any = None,
    request_signer: Any = None,
    signing_name: Optional[str] = None,
    region_name: Optional[str] = None,
    **_: Any,
) -> None:
    """Give the mock's fake credentials to a request whose client has none.

    botocore resolves a client's credentials when the client is made; one made before a
    mock started, with no credentials anywhere, would fail to sign (``NoCredentialsError``)
    before kvsmock sees the request. While a mock is active such a request is signed with
    the fake credentials instead, through botocore's ``before-sign`` event ("allow mutating
    request before signing") and the request's signing context, which the signer reads
    (``request_credentials``, botocore 1.33 and later). A client with credentials of its
    own keeps them. aiobotocore clients (whose signer is asynchronous) are left as they are.
    """
    if active_mock() is None or request_signer is None or not signature_version:
        return
    if signature_version is botocore.UNSIGNED:
        return
    context = getattr(request, "context", None)
    if not isinstance(context, dict):
        return
    signing = context.get("signing") or {}
    if signing.get("request_credentials"):
        return
    lacking = _lacks_credentials.get(request_signer)
    if lacking is None:
        get_auth = getattr(request_signer, "get_auth_instance", None)
        if get_auth is None or inspect.iscoroutinefunction(get_auth):
            return
        try:
            auth = get_auth(
                signing_name=signing.get("signing_name") or signing_name,
                region_name=signing.get("region") or region_name,
                signature_version=signature_version,
            )
        except Exception:  # an auth type that is not kvsmock's business: botocore decides
            return
        lacking = getattr(auth, "credentials", True) is None
        with contextlib.suppress(TypeError):  # a signer that takes no weak reference
            _lacks_credentials[request_signer] = lacking
    if lacking:
        from botocore.credentials import Credentials

        context.setdefault("signing", {})["request_credentials"] = Credentials(
            FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY
        )


#: Request signer -> whether its client has no credentials (a client's credentials object is
#: fixed when it is made: asked once per client).
_lacks_credentials: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


_EVENTS = tuple(f"before-send.{service_id}" for service_id in _model.SERVICE_NAMES)
_SIGN_EVENTS = tuple(f"before-sign.{service_id}" for service_id in _model.SERVICE_NAMES)
#: (event, handler) of every handler kvsmock registers.
_REGISTRATIONS: Tuple[Tuple[str, Callable[..., Any]], ...] = (
    *((event, _before_send) for event in _EVENTS),
    *((event, _before_sign) for event in _SIGN_EVENTS),
)
#: An event only kvsmock listens to: a session whose emitter answers it was made after the
#: import (it copied the built-in handlers).
_PROBE_EVENT = "kvsmock-builtin-probe"
_PROBE_ANSWER = "kvsmock"


def _probe(**_: Any) -> str:
    return _PROBE_ANSWER


for _event, _handler in (*_REGISTRATIONS, (_PROBE_EVENT, _probe)):
    _handlers.BUILTIN_HANDLERS.append((_event, _handler, _handlers.REGISTER_FIRST))


def _has_builtin_handlers(emitter: Any) -> bool:
    """Whether ``emitter`` (a session's) copied kvsmock's built-in handlers, asked through
    the public ``emit_until_response`` with an event no one else handles."""
    _handler, answer = emitter.emit_until_response(_PROBE_EVENT)
    return bool(answer == _PROBE_ANSWER)


def patch_emitter(emitter: Any) -> None:
    """Register the handlers on an event emitter that predates ``import kvsmock``
    (idempotent).

    Public emitter calls only: any registration of a handler (the built-in one a session
    made after the import has, or an earlier patch) is removed, then it is registered once
    under its ``unique_id``, so it never runs twice for one request.
    """
    for event, handler in _REGISTRATIONS:
        unique_id = f"{_UNIQUE_ID}:{event}"
        emitter.unregister(event, handler, unique_id=unique_id)
        emitter.unregister(event, handler)
        emitter.register_first(event, handler, unique_id=unique_id)


def unpatch_emitter(emitter: Any) -> None:
    """Remove what :func:`patch_emitter` registered."""
    for event, handler in _REGISTRATIONS:
        emitter.unregister(event, handler, unique_id=f"{_UNIQUE_ID}:{event}")


def _default_session() -> Any:
    boto3 = sys.modules.get("boto3")
    return getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None


#: Default sessions made before the import, patched while mocks are active (unpatched by
#: the last stop).
_patched_sessions: weakref.WeakSet[Any] = weakref.WeakSet()
#: Default sessions seen that were made after the import (nothing to patch).
_later_sessions: weakref.WeakSet[Any] = weakref.WeakSet()


def patch_default_session() -> None:
    """Make ``boto3.DEFAULT_SESSION`` route to kvsmock if it was created before the import
    (every session made since copied the built-in handlers).

    The session is kept (no rebuilding, so its clients, caches and loaded models stay);
    :func:`unpatch_sessions` takes the handlers off it again when the last mock stops.
    """
    session = _default_session()
    if session is None or session in _patched_sessions or session in _later_sessions:
        return
    events = session.events
    if _has_builtin_handlers(events):
        _later_sessions.add(session)
        return
    patch_emitter(events)
    _patched_sessions.add(session)


def unpatch_sessions() -> None:
    """Take kvsmock's handlers off the sessions :func:`patch_default_session` patched, so
    they are as they were before the first start (clients made from them meanwhile keep an
    inert copy)."""
    if not _patched_sessions:  # the usual case: iterating an empty WeakSet costs ~4 us
        return
    for session in list(_patched_sessions):
        unpatch_emitter(session.events)
    _patched_sessions.clear()


# -- aiobotocore (and aioboto3): the same reply, as the response its endpoint awaits ----------


def _from_aiobotocore(request: Any) -> bool:
    """Whether an aiobotocore client sent ``request`` (then its endpoint awaits the
    response's ``content`` and reads streaming bodies asynchronously).

    botocore 1.42 and later hand the request context to ``before-send``: its
    ``client_config`` is an ``AioConfig`` for aiobotocore clients. Older botocore has no
    context there; aiobotocore's ``User-Agent`` (``aiobotocore/<version> ...``) tells then.
    """
    module = sys.modules.get("aiobotocore.config")
    if module is None:
        return False
    context = getattr(request, "context", None)
    if context and "client_config" in context:
        return isinstance(context["client_config"], module.AioConfig)
    user_agent = request.headers.get("User-Agent") or b""
    if isinstance(user_agent, str):
        user_agent = user_agent.encode("latin-1")
    return bool(user_agent.startswith(b"aiobotocore/"))


class _AsyncContent:
    """What aiobotocore's ``StreamingBody`` reads: aiohttp's ``StreamReader`` interface
    (``await read(n)``, ``n`` -1 for all, and ``at_eof()``) over a :class:`_RawBody`."""

    def __init__(self, raw: _RawBody) -> None:
        self._raw = raw
        self._eof = False

    async def read(self, n: int = -1) -> bytes:
        data = self._raw.read(None if n is None or n < 0 else n)
        if not data or n is None or n < 0:
            self._eof = True
        return data

    def at_eof(self) -> bool:
        return self._eof


class _AsyncRawBody:
    """The ``raw`` of an aiobotocore response: an ``aiohttp.ClientResponse`` look-alike with
    ``await read()``, ``content`` (see :class:`_AsyncContent`), ``url`` and ``close()``."""

    def __init__(self, url: str, body: Union[bytes, Iterable[bytes]]) -> None:
        self.url = url
        self._raw = _RawBody(body)
        self.content = _AsyncContent(self._raw)

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        self._raw.close()

    def release(self) -> None:
        self._raw.close()

    async def __aenter__(self) -> _AsyncRawBody:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


def _aio_response(url: str, status: int, headers: Mapping[str, str], body: Any) -> AWSResponse:
    from aiobotocore.awsrequest import AioAWSResponse  # loaded: the request came from it

    response: AWSResponse = AioAWSResponse(url, status, headers, _AsyncRawBody(url, body))
    return response


# -- the network guard ---------------------------------------------------------------------

#: HTTP session class -> its own ``send``, while the guard replaces it (first start to last
#: stop): botocore's ``URLLib3Session`` always, aiobotocore's ``AIOHTTPSession`` and
#: ``HttpxSession`` when aiobotocore is loaded.
_original_sends: Dict[Any, Callable[..., Any]] = {}


def _is_allowed(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":  # a name under .localhost may resolve anywhere: not loopback
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


def _check_allowed(url: str) -> None:
    if _active and not _is_allowed(url):
        raise NetworkAccessBlocked(url)


def _guard_sync(cls: Any) -> Callable[..., Any]:
    def guarded_send(self: Any, request: Any) -> Any:
        _check_allowed(request.url)
        return _original_sends[cls](self, request)

    return guarded_send


def _guard_async(cls: Any) -> Callable[..., Any]:
    async def guarded_send(self: Any, request: Any) -> Any:
        _check_allowed(request.url)
        return await _original_sends[cls](self, request)

    return guarded_send


def _session_classes() -> List[Tuple[Any, Callable[[Any], Callable[..., Any]]]]:
    """The HTTP session classes loaded now, with the guard each needs."""
    module: Any = sys.modules.get("botocore.httpsession")
    if module is None:
        from botocore import httpsession as module
    classes: List[Tuple[Any, Callable[[Any], Callable[..., Any]]]] = [
        (module.URLLib3Session, _guard_sync)
    ]
    for name, attribute in (
        ("aiobotocore.httpsession", "AIOHTTPSession"),
        ("aiobotocore.httpxsession", "HttpxSession"),
    ):
        cls = getattr(sys.modules.get(name), attribute, None)
        if cls is not None:
            classes.append((cls, _guard_async))
    return classes


def _guard_on() -> None:
    for cls, guard in _session_classes():
        if cls not in _original_sends:
            _original_sends[cls] = cls.send
            cls.send = guard(cls)


def _guard_off() -> None:
    for cls, send in _original_sends.items():
        cls.send = send
    _original_sends.clear()


def push(mock: Any, on_first: Callable[[], None]) -> None:
    """Make ``mock`` the innermost active mock; ``on_first`` runs when none was active."""
    global _active
    with _lock:
        if not _active:
            on_first()
        _guard_on()  # also covers an HTTP session class loaded since the first start
        _active = [*_active, (mock, threading.get_ident())]
    patch_default_session()


def pop(mock: Any, on_last: Callable[[], None]) -> None:
    """Deactivate ``mock``; ``on_last`` runs when it was the last active one."""
    global _active
    with _lock:
        for i in range(len(_active) - 1, -1, -1):
            if _active[i][0] is mock:
                _active = _active[:i] + _active[i + 1 :]
                break
        else:
            return
        if not _active:
            _guard_off()
            unpatch_sessions()
            on_last()
