"""The only seam with ``requests``: PutMedia and the HLS/DASH session URLs.

PutMedia is in no botocore model, so producers that speak its wire protocol (the Java and
producer SDKs, or Python code that ports them) send it with a plain HTTP client; players and
viewers fetch HLS/DASH session URLs with one. While a mock is active,
``requests.adapters.HTTPAdapter.send`` is wrapped: a request to one of the innermost active
mock's data endpoints is answered in-process (PutMedia through the ``responses`` library,
session URLs by a ``requests.Response`` over the reply's bytes):

- any request to the ``PUT_MEDIA`` endpoint of an existing stream
  (``https://s-<8 hex>.kinesisvideo.<region>.<dns suffix>``), and ``/putMedia`` on any
  ``s-`` host that is no stream's (a deleted stream's endpoint: 404
  ``ResourceNotFoundException``, as for an unknown stream name);
- a request under ``/hls/v1/`` or ``/dash/v1/`` on the ``b-`` endpoint of a stream, or of a
  session, of the mock (the host of ``GetHLSStreamingSessionURL`` /
  ``GetDASHStreamingSessionURL`` URLs).

Every other request goes, untouched, to whatever ``send`` was in place when the first mock
started (the real adapter, or a user's own ``responses`` mock).

- ``POST /putMedia`` ingests the body through :func:`kvsmock.media.put_media`, the one
  PutMedia code path, and answers 200 with the acknowledgement events, one JSON object per
  line (API_dataplane_PutMedia.html, "Response Elements").
- Problems found before any acknowledgement are HTTP errors of the ``kinesis-video-media``
  error shapes: 400 ``InvalidArgumentException`` for missing or invalid headers, 404
  ``ResourceNotFoundException`` for an unknown stream.
- Any other method or path on such a host gets the 404 ``UnknownOperationException`` AWS
  sends for an unknown operation, so nothing leaks to the network.
- ``GET`` (or ``HEAD``) of a session URL is answered by :func:`kvsmock.media.archive.serve`
  (playlists, manifest, init and media segments; 403 once the session has expired, 400 for
  an unknown token); another method, or a path ``serve`` does not know, gets the 404
  ``UnknownOperationException``.

The account is the SigV4 credential scope's access key mapped through the mock's
``accounts`` (the default account when unsigned); the region is the host's. Session URLs are
unsigned: their token is looked up in every account of the host's region.

Cost: :func:`activate` and :func:`deactivate` run on the first start and the last stop. They
never import ``requests`` or ``responses``: when ``requests.adapters`` is already imported
they swap one class attribute; otherwise a ``sys.meta_path`` watcher swaps it when
``requests.adapters`` is first imported. ``responses`` is imported on the first request that
kvsmock answers.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Tuple,
    Union,
)
from urllib.parse import urlsplit

from kvsmock import _clock, _dispatch, _endpoints, _intercept, _protocol, _validate
from kvsmock.errors import ServiceError, not_found

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    from kvsmock.state import Store

# Patterns are kept as text and compiled by ``re`` on first use (its cache), not at import.
#: Host of a data endpoint: fleet (``s``: PUT_MEDIA / GET_MEDIA, ``b``: the archived-media
#: APIs and session URLs), endpoint id, region, DNS suffix.
_DATA_HOST = r"([sb])-([0-9a-f]{8})\.kinesisvideo\.([a-z0-9-]+)\.([a-z0-9.-]+)"
#: What the ``responses`` registry matches; :func:`_resolve` has already checked the host.
_DATA_URL = r"(?i)https://[sb]-[0-9a-f]{8}\.kinesisvideo\."
#: Paths of HLS and DASH session URLs on a ``b-`` host.
SESSION_PATHS = ("/hls/v1/", "/dash/v1/")
_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")
PUT_MEDIA_PATH = "/putMedia"
#: The service whose error shapes give PutMedia's HTTP statuses and message member.
ERROR_SERVICE = "kinesis-video-media"
TIMECODE_TYPES = ("ABSOLUTE", "RELATIVE")
#: The latest producer start timestamp ingestion takes (:data:`kvsmock._clock.LATEST`).
_LATEST_EPOCH_SECONDS = _clock.LATEST_MS / 1000

_lock = threading.RLock()
#: The class whose ``send`` kvsmock replaced, and the ``send`` it replaced.
_patched_class: Any = None
_base_send: Optional[Callable[..., Any]] = None
#: ``(base send, responses' send function)``: built on the first answered request.
_responder: Optional[Tuple[Callable[..., Any], Callable[..., Any]]] = None
_watcher: Optional[_AdaptersWatcher] = None


# -- which requests are kvsmock's ------------------------------------------------------------


class _Target(NamedTuple):
    """Who answers a request: the active mock and the stores involved.

    ``session`` is False for PutMedia (one store: the request's account, the host's region)
    and True for a session URL (every store of the host's region).
    """

    mock: Any
    stores: List[Store]
    session: bool


def _resolve(url: str, headers: Any) -> Optional[_Target]:
    """The target when ``url`` is the mock's: a stream's PUT_MEDIA endpoint, or a session
    path on the ``b-`` endpoint of one of its streams or sessions."""
    mock = _intercept.active_mock()
    if mock is None:
        return None
    parts = urlsplit(url)
    found = re.fullmatch(_DATA_HOST, parts.hostname or "")
    if parts.scheme != "https" or found is None:
        return None
    fleet, endpoint_id, region, dns_suffix = found.groups()
    if fleet == "b":
        if not parts.path.startswith(SESSION_PATHS):
            return None
        stores = [s for s in mock.stores() if s.region == region and s.dns_suffix == dns_suffix]
        if any(_serves_host(s, endpoint_id, parts.hostname or "") for s in stores):
            return _Target(mock, stores, True)
        return None
    account_id, _ = _dispatch.identity(headers, mock)
    for store in mock.stores():  # looked up, never created: a host check is a read
        if (store.account_id, store.region, store.dns_suffix) != (account_id, region, dns_suffix):
            continue
        if any(s.endpoint_ids.get("s") == endpoint_id for s in store.streams):
            return _Target(mock, [store], False)
    if parts.path == PUT_MEDIA_PATH:
        # PutMedia on an endpoint no stream of the account has (any more: the stream was
        # deleted): answered as PutMedia, 404 ResourceNotFoundException, never ingested.
        return _Target(mock, [], False)
    return None


def _serves_host(store: Store, endpoint_id: str, host: str) -> bool:
    """Whether ``host`` is the ``b-`` endpoint of a stream or a session of ``store``."""
    if any(s.endpoint_ids.get("b") == endpoint_id for s in store.streams):
        return True
    sessions = store.media.sessions.values() if store.media is not None else ()
    return any(urlsplit(session.base_url).hostname == host for session in sessions)


# -- the reply -----------------------------------------------------------------------------


def _header(headers: Any, name: str) -> Optional[str]:
    value = headers.get(name)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return None if value is None else str(value).strip()


def _problem(value: Optional[str], path: str, constraint: str) -> str:
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def _chunks(body: Any) -> Iterator[bytes]:
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _payload(body: Any) -> Any:
    """The request body as :func:`kvsmock.media.put_media` takes it.

    ``requests`` leaves bytes, ``str`` (sent as ISO-8859-1 by ``http.client``), a file (read
    by ``responses``) or an iterable of chunks (a chunked upload; ``str`` chunks are sent as
    UTF-8 by urllib3).
    """
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("latin-1")
    if isinstance(body, (bytes, bytearray, memoryview)) or hasattr(body, "read"):
        return body
    return _chunks(body)


class PutMediaHeaders(NamedTuple):
    """The documented PutMedia request headers, checked."""

    stream_name: Optional[str]
    stream_arn: Optional[str]
    fragment_timecode_type: str
    producer_start_timestamp: float


def put_media_headers(headers: Any, request_id: str) -> Union[PutMediaHeaders, _protocol.HttpReply]:
    """PutMedia's headers, or the 400 ``InvalidArgumentException`` reply for a missing or
    invalid one (also used by :mod:`kvsmock.server`, which streams the acknowledgements)."""
    name = _header(headers, "x-amzn-stream-name")
    arn = _header(headers, "x-amzn-stream-arn")
    timecode_type = _header(headers, "x-amzn-fragment-timecode-type")
    start = _header(headers, "x-amzn-producer-start-timestamp")
    from kvsmock.media import fragments  # the one rule for the stream headers

    problems = fragments.stream_problems(name, arn)
    if timecode_type is None:
        problems.append(_problem(None, "fragmentTimecodeType", "Member must not be null"))
    elif timecode_type not in TIMECODE_TYPES:
        problems.append(
            _problem(
                timecode_type,
                "fragmentTimecodeType",
                f"Member must satisfy enum value set: [{', '.join(TIMECODE_TYPES)}]",
            )
        )
    seconds: Optional[float] = None
    if start is None:
        problems.append(_problem(None, "producerStartTimestamp", "Member must not be null"))
    else:
        try:
            # ASCII only, no "1_000": float() takes both, the service's numbers do not
            seconds = float(start) if start.isascii() and "_" not in start else None
        except ValueError:
            seconds = None
        if (
            seconds is None
            or not math.isfinite(seconds)
            or seconds < 0
            or seconds > _LATEST_EPOCH_SECONDS  # ingestion could not make a timestamp of it
        ):
            problems.append(
                _problem(start, "producerStartTimestamp", "Member must be epoch seconds")
            )
    if problems or seconds is None or timecode_type is None:
        return _protocol.error_reply(
            ERROR_SERVICE, "InvalidArgumentException", _validate.summary(problems), request_id
        )
    return PutMediaHeaders(name, arn, timecode_type, seconds)


def answer(
    mock: Any, store: Optional[Store], method: str, url: str, headers: Any, body: Any
) -> _protocol.HttpReply:
    """Answer one HTTP request to a stream's PUT_MEDIA data endpoint.

    Args:
        mock: the active :class:`kvsmock.KinesisVideoMock` (request ids).
        store: the store of the request's account and of the host's region (``None``
            when there is none: the stream is not found).
        method, url: the request line; only ``POST /putMedia`` is an operation.
        headers: a case-insensitive mapping: ``x-amzn-stream-name`` or ``x-amzn-stream-arn``,
            ``x-amzn-fragment-timecode-type`` (``ABSOLUTE`` | ``RELATIVE``) and
            ``x-amzn-producer-start-timestamp`` (epoch seconds, fractions allowed).
        body: the Matroska payload: bytes, a binary file or an iterable of chunks.

    Returns:
        200 with ``Content-Type: application/json`` and one acknowledgement per line
        (``{"EventType": ..., "FragmentTimecode": ..., "FragmentNumber": ...}``, plus
        ``ErrorId`` and ``ErrorCode`` on ``ERROR``); 400 ``InvalidArgumentException`` for a
        missing or invalid header; 404 ``ResourceNotFoundException`` for an unknown stream;
        404 ``UnknownOperationException`` for any other method or path.
        See API_dataplane_PutMedia.html.
    """
    request_id: str = mock.new_request_id()
    if method.upper() != "POST" or urlsplit(url).path != PUT_MEDIA_PATH:
        unknown = _endpoints.UNKNOWN_OPERATION
        return _protocol.raw_error_reply(unknown.code, unknown.status, unknown.body, request_id)
    checked = put_media_headers(headers, request_id)
    if isinstance(checked, _protocol.HttpReply):
        return checked
    name, arn, timecode_type, seconds = checked
    from kvsmock import media

    injected = mock.faults.before_put_media(name, arn)
    if injected is not None:
        code, message = injected
        return _protocol.error_reply(ERROR_SERVICE, code, message, request_id)
    if store is None:
        missing = not_found()
        return _protocol.error_reply(ERROR_SERVICE, missing.code, missing.message, request_id)
    try:
        acks = media.put_media(
            store,
            stream_name=name,
            stream_arn=arn,
            payload=_payload(body),
            fragment_timecode_type=timecode_type,
            producer_start_timestamp=seconds,
            ack_fault=mock.faults.ack_error,
        )
    except ServiceError as e:
        return _protocol.error_reply(ERROR_SERVICE, e.code, e.message, request_id)
    except TypeError as e:  # a body that is not binary data
        return _protocol.error_reply(ERROR_SERVICE, "InvalidArgumentException", str(e), request_id)
    data = b"".join(json.dumps(ack, separators=(",", ":")).encode() + b"\n" for ack in acks)
    headers_out = {
        "x-amzn-RequestId": request_id,
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
    }
    return _protocol.HttpReply(200, headers_out, data)


def _unknown_operation(request_id: str) -> _protocol.HttpReply:
    unknown = _endpoints.UNKNOWN_OPERATION
    return _protocol.raw_error_reply(unknown.code, unknown.status, unknown.body, request_id)


def answer_session(stores: List[Store], method: str, url: str) -> _protocol.HttpReply:
    """Answer one request for an HLS or DASH session URL (``GET`` or ``HEAD``).

    Args:
        stores: the stores of the host's region, where the session token is looked up.
        method, url: the request line.

    Returns:
        What :func:`kvsmock.media.archive.serve` answers at the mock's ``now`` (200 with the
        playlist, manifest or segment; 403 ``NotAuthorizedException`` for an expired session;
        400 for an unknown token; 404 for a fragment no longer in the session), or 404
        ``UnknownOperationException`` for another method or path.
    """
    if method.upper() not in ("GET", "HEAD"):
        return _unknown_operation("")
    from kvsmock.media import archive

    reply = archive.serve(stores, url, _clock.now())
    if reply is None:
        return _unknown_operation("")
    headers = {"Content-Type": reply.content_type, "Content-Length": str(len(reply.body))}
    if reply.error_code is not None:
        headers["x-amzn-ErrorType"] = reply.error_code
    body = b"" if method.upper() == "HEAD" else reply.body
    return _protocol.HttpReply(reply.status, headers, body)


def _callback(request: Any) -> Tuple[int, Dict[str, str], bytes]:
    """The ``responses`` callback: the request is on one of the mock's data endpoints."""
    url = str(request.url)
    found = _resolve(url, request.headers)
    if found is None:  # the stream went away between the check and now
        reply = _unknown_operation("")
    elif found.session:
        reply = answer_session(found.stores, str(request.method), url)
    else:
        store = found.stores[0] if found.stores else None
        reply = answer(found.mock, store, str(request.method), url, request.headers, request.body)
    body = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
    return reply.status, dict(reply.headers), body


def _responses_send(base: Callable[..., Any]) -> Callable[..., Any]:
    """``responses``' ``send`` for KVS requests, passing the rest through to ``base``."""
    global _responder
    cached = _responder
    if cached is not None and cached[0] is base:
        return cached[1]
    responses = _import_responses()
    registry = responses.RequestsMock(assert_all_requests_are_fired=False, real_adapter_send=base)
    for method in _METHODS:
        registry.add_callback(method, re.compile(_DATA_URL), callback=_callback, content_type=None)
    registry.add_passthru(re.compile(".*"))
    send: Callable[..., Any] = registry.unbound_on_send()
    _responder = (base, send)
    return send


def _session_response(request: Any, target: _Target) -> Any:
    """A ``requests.Response`` answering a session URL: its ``raw`` is a file over the
    reply's bytes, which ``requests`` reads in its 10 KiB pieces at a file's speed (a
    segment of a few hundred KB costs ~0.1 ms here, ~2 ms through ``responses``' urllib3
    response)."""
    url = str(request.url)
    reply = answer_session(target.stores, str(request.method), url)
    response = _requests_response(request, reply)
    fault = _segment_fault(target, url) if reply.status == 200 else None
    if fault is not None:
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if fault.disconnect_after_bytes is not None:
            response.raw = _DroppingRaw(response.raw.read(), fault.disconnect_after_bytes)
    return response


def _segment_fault(target: _Target, url: str) -> Any:
    """The injected fault (delay, dropped body) for a session URL: faults on the
    ``GetHLSStreamingSessionURL`` / ``GetDASHStreamingSessionURL`` operation that name no
    error hit the playlists, manifests and segments of its sessions."""
    from urllib.parse import parse_qs

    from kvsmock.media import archive

    parts = urlsplit(url)
    token = (parse_qs(parts.query).get("SessionToken") or [""])[-1]
    session = archive.find_session(target.stores, token)
    if session is None:
        return None
    operation = f"Get{session.protocol}StreamingSessionURL"
    params = {"StreamARN": session.stream_arn}
    return target.mock.faults.match(_SESSION_SERVICE, operation, params, ())


_SESSION_SERVICE = "kinesis-video-archived-media"


class _DroppingRaw:
    """A ``requests`` raw body that breaks after ``after`` bytes as a dropped connection
    does: urllib3's ``ProtocolError``, which ``requests`` raises as ``ChunkedEncodingError``
    (``iter_content``, ``.content``), and which ``raw.read()`` raises itself."""

    def __init__(self, body: bytes, after: int) -> None:
        self._body = body[:after]
        self._cut = len(body) > after

    def stream(self, amt: int = 10240, **_: Any) -> Iterator[bytes]:
        while True:
            piece = self.read(amt)
            if not piece:
                return
            yield piece

    def read(self, amt: Optional[int] = None, **_: Any) -> bytes:
        """Up to ``amt`` bytes of what arrived before the cut, then the ``ProtocolError``
        of a dropped connection (at once when reading it all, as urllib3 does)."""
        if self._cut and (amt is None or not self._body):  # urllib3 reads all or fails
            from urllib3.exceptions import ProtocolError

            raise ProtocolError(
                "Connection broken: IncompleteRead",
                ConnectionResetError("kvsmock: injected disconnect"),
            )
        size = len(self._body) if amt is None else amt
        data, self._body = self._body[:size], self._body[size:]
        return data

    def close(self) -> None:
        self._body = b""
        self._cut = False


#: ``(method, path)`` -> (service id, operation) of every operation of the five services.
_operation_paths: Dict[Tuple[str, str], Tuple[str, str]] = {}


def _operation_at(method: str, path: str) -> Optional[Tuple[str, str]]:
    if not _operation_paths:
        from kvsmock import _model

        for service_id, service in _model.SERVICE_NAMES.items():
            for operation in _model.operation_names(service):
                http = _model.operation_model(service, operation).http
                key = (http["method"], http["requestUri"].split("?", 1)[0])
                _operation_paths[key] = (service_id, operation)
    return _operation_paths.get((method.upper(), path))


def _kvs_host_response(mock: Any, request: Any) -> Any:
    """A ``requests`` call to a KVS host kvsmock does not otherwise serve, answered and never
    sent: an operation's REST path (exact case) through the pipeline, as botocore's would
    be; any other path 404 ``UnknownOperationException``, as the service answers it."""
    url = str(request.url)
    found = _operation_at(str(request.method), urlsplit(url).path)
    if found is None:
        reply = _unknown_operation(mock.new_request_id())
    else:
        body = _protocol.decode_body(request.body)
        reply = _dispatch.dispatch(mock, found[0], found[1], url, request.headers, body)
    return _requests_response(request, reply)


def _requests_response(request: Any, reply: _protocol.HttpReply) -> Any:
    """A ``requests.Response`` over a reply's bytes."""
    import http.client
    import io

    import requests
    from requests.structures import CaseInsensitiveDict

    response = requests.Response()
    response.status_code = reply.status
    response.reason = http.client.responses.get(reply.status, "")
    response.headers = CaseInsensitiveDict(reply.headers)
    body = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
    response.raw = io.BytesIO(body)
    response.url = str(request.url)
    response.request = request
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)
    return response


def _send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
    """``HTTPAdapter.send`` while kvsmock is installed."""
    base = _base_send
    assert base is not None
    if _intercept.active_mock() is not None:
        target = _resolve(str(request.url), request.headers)
        if target is not None and target.session:
            return _session_response(request, target)
        if target is not None:
            return _responses_send(base)(adapter, request, *args, **kwargs)
        mock = _intercept.active_mock()
        if mock is not None and _endpoints.region_of_host(str(request.url)) is not None:
            return _kvs_host_response(mock, request)
    return base(adapter, request, *args, **kwargs)


# -- installing ------------------------------------------------------------------------------


#: Set while kvsmock imports ``responses`` (see :func:`_import_responses`).
_importing_responses = False


def _import_responses() -> Any:
    """``import responses``, which reads ``HTTPAdapter.send`` once, at import, as the
    ``send`` its mocks pass through to. While kvsmock imports it, looking ``send`` up on the
    class gives the ``send`` kvsmock replaced, so ``responses`` keeps the real one after the
    mock stops, as if it had been imported without kvsmock."""
    global _importing_responses
    if "responses" in sys.modules:
        import responses

        return responses
    with _lock:
        _importing_responses = True
        try:
            import responses
        finally:
            _importing_responses = False
    return responses


class _SendHook:
    """What kvsmock puts in ``HTTPAdapter.__dict__["send"]``: a descriptor that is
    :func:`_send` while kvsmock is installed (``HTTPAdapter.send is _send``, and
    ``adapter.send`` is it bound).

    Another patch of ``send`` started inside a mock and stopped after the mock's last stop
    (``responses`` started in the mock, stopped after it) puts this hook back where kvsmock
    can no longer remove it. The hook then removes itself the first time ``send`` is looked
    up, on the class or an adapter, putting back the ``send`` kvsmock found; until then it
    behaves exactly as that ``send`` (nothing of kvsmock runs).
    """

    def __get__(self, adapter: Any, owner: Any = None) -> Any:
        if _patched_class is None:  # kvsmock is not installed: left behind by another patch
            send = _heal(owner if owner is not None else type(adapter))
            return send if adapter is None else send.__get__(adapter, owner)
        if adapter is None:
            return _base_send if _importing_responses else _send
        return _send.__get__(adapter, owner)


_HOOK = _SendHook()


def _heal(adapter_class: Any) -> Any:
    """Put back the ``send`` kvsmock found, where only its hook is left; that ``send``."""
    with _lock:
        for cls in getattr(adapter_class, "__mro__", ()):  # the class holding the hook
            if cls.__dict__.get("send") is _HOOK:
                if _patched_class is None:
                    cls.send = _base_send
                break
    return _base_send


def _patch(adapter_class: Any) -> None:
    global _patched_class, _base_send
    current = getattr(adapter_class, "__dict__", {}).get("send")
    if current is None:
        return
    if current is not _HOOK:  # else left in place by a non-nested stop: keep its base
        _base_send = current
        adapter_class.send = _HOOK
    _patched_class = adapter_class


def _unpatch() -> None:
    global _patched_class, _responder
    adapter_class, _patched_class = _patched_class, None
    _responder = None
    # Restore only our own hook: if something patched over it since, that patch puts the
    # hook back when it stops, and the hook then removes itself (see _SendHook).
    if adapter_class is not None and adapter_class.__dict__.get("send") is _HOOK:
        adapter_class.send = _base_send


class _PatchingLoader:
    """Runs ``requests.adapters`` with its own loader, then installs kvsmock's ``send``."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        created: Optional[ModuleType] = self._loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        with _lock:
            if _watcher is not None:
                _unwatch()
                _patch(getattr(module, "HTTPAdapter", None))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _AdaptersWatcher:
    """A ``sys.meta_path`` finder that only notices the first import of ``requests.adapters``."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Optional[ModuleType] = None
    ) -> Optional[ModuleSpec]:
        if fullname != "requests.adapters":
            return None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: Optional[ModuleSpec] = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader)  # type: ignore[assignment]
                return spec
        return None


#: The one watcher (it holds no state); in ``sys.meta_path`` only while ``_watcher`` is set.
_WATCHER = _AdaptersWatcher()


def _unwatch() -> None:
    global _watcher
    watcher, _watcher = _watcher, None
    if watcher is not None and watcher in sys.meta_path:
        sys.meta_path.remove(watcher)


def activate() -> None:
    """Answer PutMedia sent with ``requests`` (the first mock started).

    Swaps ``HTTPAdapter.send`` when ``requests.adapters`` is imported, else watches for its
    import; imports neither ``requests`` nor ``responses``.
    """
    global _watcher
    with _lock:
        adapters = sys.modules.get("requests.adapters")
        if adapters is not None:
            _patch(getattr(adapters, "HTTPAdapter", None))
        elif _watcher is None:
            _watcher = _WATCHER
            sys.meta_path.insert(0, _watcher)


def deactivate() -> None:
    """Undo :func:`activate` (the last mock stopped): ``HTTPAdapter.send`` is restored."""
    with _lock:
        _unwatch()
        _unpatch()
