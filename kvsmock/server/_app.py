"""The aiohttp application: every request goes through :func:`kvsmock._dispatch.dispatch`.

aiohttp reads request bodies as they arrive and writes chunked responses as they are made,
keeps many connections open on one event loop, and speaks WebSockets (for signaling). The
pipeline is synchronous (and media work may take a while), so each call runs in a thread
pool and the event loop keeps serving other connections meanwhile.

Routes (see ``docs/server.md``):

- ``POST <requestUri>`` of each of the 43 operations of the five services, at the root or
  under a data-endpoint prefix (``/s-1e415f8b.kinesisvideo.us-east-1.amazonaws.com``);
- ``POST /putMedia`` under an ``s-`` prefix (or at the root): acknowledgements streamed
  while the upload goes on;
- ``GET``/``HEAD`` ``/hls/v1/...`` and ``/dash/v1/...`` under a ``b-`` prefix: session URLs;
- WebSocket upgrades at a channel's WSS endpoint (``/m-...``, ``/v-...``): the signaling
  data plane (:mod:`kvsmock.server._signaling`);
- ``OPTIONS`` anywhere: the CORS preflight (:mod:`kvsmock.server._cors`);
- ``GET /``: the console page; ``GET /_kvsmock/static/<file>``: its files and hls.js;
- ``GET /_kvsmock/health``, ``GET /_kvsmock/state``, ``GET /_kvsmock/accounts`` (access
  key -> account), ``GET /_kvsmock/signaling`` (open WebSocket connections),
  ``POST /_kvsmock/reset``; ``GET``/``POST``/``DELETE /_kvsmock/faults`` and
  ``DELETE /_kvsmock/faults/<id>``: injected faults, with the fields of ``mock.faults.add``.

Anything else gets the service's 404 ``UnknownOperationException``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple, TypeVar

from aiohttp import web

from kvsmock import _clock, _dispatch, _endpoints, _http, _model, _protocol
from kvsmock.errors import ServiceError
from kvsmock.mock import KinesisVideoMock
from kvsmock.server import _cors, _routes, _signaling, _static
from kvsmock.server._putmedia import FragmentCutter, ack_lines
from kvsmock.server._signaling import SignalingLimits, SignalingRelay
from kvsmock.services.kinesis_video_signaling import SIGNALING_RELAY
from kvsmock.state import Store

log = logging.getLogger("kvsmock.server")
T = TypeVar("T")

#: Largest body of an API call (the operations' inputs are a few KiB at most); larger ones
#: get HTTP 413. PutMedia bodies are streamed and have no such limit.
MAX_BODY_BYTES = 1024 * 1024
#: Seconds a GetMedia response stays open without a new fragment before it ends.
DEFAULT_GET_MEDIA_IDLE_SECONDS = 3.0
#: How often an open GetMedia response looks for new fragments (seconds).
_FOLLOW_POLL_SECONDS = 0.05
#: StartSelector types after which GetMedia follows the stream (the others name a fragment).
_LIVE_SELECTORS = frozenset(
    {"NOW", "EARLIEST", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP", "CONTINUATION_TOKEN"}
)

#: PutMedia's error id for a stream that is not active (API_dataplane_PutMedia.html).
_STREAM_NOT_ACTIVE = 4008

#: The served mock, for handlers added to the application (``app[MOCK_KEY]``).
MOCK_KEY = web.AppKey("mock", KinesisVideoMock)


class ServedMock(KinesisVideoMock):
    """A :class:`~kvsmock.KinesisVideoMock` whose stores lead clients back to a server.

    Every store it hands out carries the server's base URL (``served_at``), which
    :func:`kvsmock._endpoints.public_url` puts in front of data endpoints, channel endpoints
    and session URLs. The mock is never started: the server calls the pipeline directly, so
    nothing in the process is patched.
    """

    served_at: Optional[str] = None
    #: The server's signaling WebSocket relay, which SendAlexaOfferToMaster reaches.
    relay: Optional[SignalingRelay] = None

    def store_for(self, account_id: str, region: str) -> Store:
        """The store of one account and region (made on first use: by a request or by
        :meth:`state`), leading its clients back to the server."""
        store = super().store_for(account_id, region)
        if getattr(store, _endpoints.SERVED_AT, None) != self.served_at:
            setattr(store, _endpoints.SERVED_AT, self.served_at)
        if getattr(store, SIGNALING_RELAY, None) is not self.relay:
            setattr(store, SIGNALING_RELAY, self.relay)
        return store


class _Server:
    """The request handlers of one server (one mock, one thread pool)."""

    def __init__(
        self,
        mock: ServedMock,
        pool: ThreadPoolExecutor,
        idle_seconds: float,
        relay: SignalingRelay,
        on_reset: Optional[Callable[[], object]] = None,
    ) -> None:
        self.mock = mock
        self.on_reset = on_reset
        self.pool = pool
        self.idle_seconds = idle_seconds
        self.relay = relay
        self.closing = asyncio.Event()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    # -- entry -------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._route(request)
        except web.HTTPRequestEntityTooLarge as e:  # an API body over client_max_size
            return _send(_too_large(e.text or "", self.mock.new_request_id()))
        except web.HTTPException:
            raise  # aiohttp's own documented replies
        except (ConnectionError, asyncio.CancelledError):
            raise
        except Exception:  # a kvsmock fault: say so, keep serving
            log.exception("kvsmock could not answer %s %s", request.method, request.path)
            body = {"__type": "InternalFailure", "message": "kvsmock failed; see its log."}
            return web.json_response(body, status=500)

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if request.method == "OPTIONS":  # a browser's CORS preflight
            return _cors.preflight(request, _routes.split(path).path)
        if path.startswith("/_kvsmock/"):
            return await self._control(request, path)
        target = _routes.split(path)
        if _is_signaling(request, target):
            return await self._signaling(request, target)
        if path == "/" and request.method in ("GET", "HEAD"):  # the console page
            console = _static.response(_static.CONSOLE)
            if console is not None:
                return console
        if target.path.startswith(_http.SESSION_PATHS):
            return await self._session(request, target)
        if target.path == _http.PUT_MEDIA_PATH and request.method == "POST":
            return await self._put_media(request, target)
        found = _routes.operation(request.method, target.path)
        if found is None:
            return _send(_unknown_operation(self.mock.new_request_id()))
        service_id, operation = found
        body = await request.read()
        host = target.host or self._control_host(request.headers)
        url = f"https://{host}{target.path}"
        if request.query_string:
            url += "?" + request.query_string
        headers = request.headers
        if operation == "GetMedia":
            return await self._get_media(request, url, body)
        reply = await self.run(
            _dispatch.dispatch, self.mock, service_id, operation, url, headers, body
        )
        return await self._reply(request, reply)

    def _control_host(self, headers: Mapping[str, str]) -> str:
        # The control-plane host AWS would have been reached at: a data-plane call sent to the
        # server's root gets the error AWS gives there (kvsmock._endpoints).
        _, region = _dispatch.identity(headers, self.mock)
        return f"kinesisvideo.{region}.{_model.partition_of(region)[1]}"

    # -- replies -----------------------------------------------------------------------------

    async def _reply(self, request: web.Request, reply: _protocol.HttpReply) -> web.StreamResponse:
        if isinstance(reply.body, (bytes, bytearray)):
            return _send(reply)
        response = web.StreamResponse(status=reply.status, headers=_headers(reply.headers))
        response.enable_chunked_encoding()
        await response.prepare(request)
        await self._write_chunks(response, reply.body)
        await response.write_eof()
        return response

    async def _write_chunks(self, response: web.StreamResponse, body: Iterable[bytes]) -> None:
        chunks = iter(body)
        while True:
            chunk = await self.run(next, chunks, None)
            if chunk is None:
                return
            await response.write(chunk)

    # -- PutMedia ----------------------------------------------------------------------------

    async def _put_media(self, request: web.Request, target: _routes.Target) -> web.StreamResponse:
        mock = self.mock
        request_id = mock.new_request_id()
        checked = _http.put_media_headers(request.headers, request_id)
        if isinstance(checked, _protocol.HttpReply):
            return _send(checked)
        injected = await self.run(
            mock.faults.before_put_media, checked.stream_name, checked.stream_arn
        )
        if injected is not None:
            code, message = injected
            return _send(_protocol.error_reply(_http.ERROR_SERVICE, code, message, request_id))
        account_id, region = _dispatch.identity(request.headers, mock)
        store = mock.store_for(account_id, target.region or region)
        try:
            await self.run(_find_stream, store, checked.stream_name, checked.stream_arn)
        except ServiceError as e:
            return _send(_protocol.error_reply(_http.ERROR_SERVICE, e.code, e.message, request_id))
        from kvsmock import media
        from kvsmock.media.fragments import Upload

        upload = Upload()  # the timecode order and early BUFFERING numbers, across payloads

        def ingest(payload: bytes) -> List[Dict[str, Any]]:
            try:
                return media.put_media(
                    store,
                    stream_name=checked.stream_name,
                    stream_arn=checked.stream_arn,
                    payload=payload,
                    fragment_timecode_type=checked.fragment_timecode_type,
                    producer_start_timestamp=checked.producer_start_timestamp,
                    ack_fault=mock.faults.ack_error,
                    upload=upload,
                )
            except ServiceError:  # the stream went away during the upload: as ingestion
                return [  # answers a stream that is no longer active
                    {
                        "EventType": "ERROR",
                        "FragmentTimecode": -1,
                        "FragmentNumber": "",
                        "ErrorId": _STREAM_NOT_ACTIVE,
                        "ErrorCode": media.ERROR_NAMES[_STREAM_NOT_ACTIVE],
                    }
                ]

        headers = {"x-amzn-RequestId": request_id, "Content-Type": "application/json"}
        response = web.StreamResponse(status=200, headers=headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        cutter = FragmentCutter()
        early: Set[str] = set()  # numbers of the BUFFERING acks sent before ingestion
        ended = False
        try:
            async for chunk in request.content.iter_any():
                if cutter.add(chunk):  # a cluster may have completed
                    payload = await self.run(cutter.cut)
                    if payload is not None and await self._ack(response, ingest, payload, early):
                        ended = True
                        break
                timecode = cutter.started()
                if timecode is not None:  # a cluster started arriving: BUFFERING now
                    buffering = upload.reserve(store, timecode)
                    early.add(buffering["FragmentNumber"])
                    await response.write(ack_lines([buffering]))
            if not ended:
                payload = cutter.finish()
                if payload is not None:
                    await self._ack(response, ingest, payload, early)
        except (ConnectionError, asyncio.IncompleteReadError, web.HTTPException) as e:
            # An upload cut off: every fragment acknowledged so far stays stored.
            log.info("PutMedia upload ended early after %d bytes: %s", cutter.received, e)
            return response
        except Exception as e:  # aiohttp's payload errors (a broken chunked body)
            log.info("PutMedia upload ended early after %d bytes: %r", cutter.received, e)
            return response
        finally:
            upload.release(store)  # a cluster that never completed keeps no number
        await response.write_eof()
        return response

    async def _ack(
        self,
        response: web.StreamResponse,
        ingest: Callable[[bytes], List[Dict[str, Any]]],
        payload: bytes,
        early: Set[str],
    ) -> bool:
        """Ingest one payload and stream its acks (but the BUFFERING acks already sent);
        True when an ERROR ends the upload."""
        acks = [
            ack
            for ack in await self.run(ingest, payload)
            if ack["EventType"] != "BUFFERING" or ack["FragmentNumber"] not in early
        ]
        if acks:
            await response.write(ack_lines(acks))
        return any(ack.get("EventType") == "ERROR" for ack in acks)

    # -- GetMedia ----------------------------------------------------------------------------

    async def _get_media(self, request: web.Request, url: str, body: bytes) -> web.StreamResponse:
        """GetMedia through the pipeline; then, like the service, the response stays open and
        carries each new fragment until none has come for the idle time."""
        mock = self.mock
        headers = request.headers
        identity = _dispatch.identity(headers, mock)
        store = mock.store_for(*identity)
        service_id = "kinesis-video-media"

        def first() -> Tuple[_protocol.HttpReply, Optional[int]]:
            with store.lock:  # the fragments served and the last number read together
                reply = _dispatch.dispatch(mock, service_id, "GetMedia", url, headers, body)
                return reply, _last_fragment(store, params) if reply.status == 200 else None

        try:
            params = json.loads(body)
        except (ValueError, RecursionError):  # the pipeline answers InvalidArgumentException
            params = None
        reply, last = await self.run(first)
        selector = (params or {}).get("StartSelector") if isinstance(params, dict) else None
        live = (
            reply.status == 200
            and isinstance(selector, dict)
            and selector.get("StartSelectorType") in _LIVE_SELECTORS
        )
        if not live or isinstance(reply.body, (bytes, bytearray)):
            return await self._reply(request, reply)
        assert isinstance(params, dict)
        response = web.StreamResponse(status=reply.status, headers=_headers(reply.headers))
        response.enable_chunked_encoding()
        await response.prepare(request)
        loop = asyncio.get_running_loop()
        try:
            await self._write_chunks(response, reply.body)
            deadline = loop.time() + self.idle_seconds
            while loop.time() < deadline and not self.closing.is_set():
                await asyncio.sleep(_FOLLOW_POLL_SECONDS)
                if mock.store_for(*identity) is not store:
                    break  # a reset forgot the stream (its camera would go on in the old store)
                if await self.run(_last_fragment, store, params) == last:
                    continue
                reply, last = await self.run(
                    self._next_fragments, store, params, url, headers, last
                )
                if reply.status != 200 or isinstance(reply.body, (bytes, bytearray)):
                    break  # the stream is gone: end the response
                await self._write_chunks(response, reply.body)
                deadline = loop.time() + self.idle_seconds
            await response.write_eof()
        except ConnectionError:
            log.info("GetMedia consumer went away")
        return response

    def _next_fragments(
        self,
        store: Store,
        params: Dict[str, Any],
        url: str,
        headers: Mapping[str, str],
        last: Optional[int],
    ) -> Tuple[_protocol.HttpReply, Optional[int]]:
        """GetMedia from the continuation token of the last fragment sent (or EARLIEST)."""
        follow: Dict[str, Any] = {k: params[k] for k in ("StreamName", "StreamARN") if k in params}
        follow["StartSelector"] = (
            {"StartSelectorType": "EARLIEST"}
            if last is None
            else {"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": str(last)}
        )
        body = json.dumps(follow).encode()
        with store.lock:
            reply = _dispatch.dispatch(
                self.mock, "kinesis-video-media", "GetMedia", url, headers, body
            )
            return reply, _last_fragment(store, params)

    # -- WebRTC signaling (WebSocket) ----------------------------------------------------------

    async def _signaling(self, request: web.Request, target: _routes.Target) -> web.StreamResponse:
        mock = self.mock

        def find(account_id: str, region: str, arn: str) -> int:
            store = mock.store_for(account_id, region)
            with store.lock:
                channel = store.find_channel(arn=arn, now=_clock.now(), usable=True)
                return channel.message_ttl_seconds

        async def find_channel(account_id: str, region: str, arn: str) -> int:
            return await self.run(find, account_id, region, arn)

        fleet = target.host[0] if target.host else None
        return await _signaling.handle(
            request, self.relay, fleet, mock.account_for, find_channel, mock.new_request_id()
        )

    # -- HLS and DASH session URLs -------------------------------------------------------------

    async def _session(self, request: web.Request, target: _routes.Target) -> web.StreamResponse:
        mock = self.mock
        stores = [
            s
            for s in mock.stores()
            if target.region is None
            or (s.region, s.dns_suffix) == (target.region, target.dns_suffix)
        ]
        url = f"https://{target.host or 'kvsmock'}{target.path}"
        if request.query_string:
            url += "?" + request.query_string
        reply = await self.run(_http.answer_session, stores, request.method, url)
        return _send(reply)

    # -- control -------------------------------------------------------------------------------

    async def _control(self, request: web.Request, path: str) -> web.StreamResponse:
        if path == "/_kvsmock/health" and request.method in ("GET", "HEAD"):
            return web.json_response({"status": "ok"})
        if path == "/_kvsmock/state" and request.method in ("GET", "HEAD"):
            return web.json_response(await self.run(state_view, self.mock))
        if path.startswith(_static.PREFIX) and request.method in ("GET", "HEAD"):
            found = _static.response(path[len(_static.PREFIX) :])
            if found is not None:
                return found
        if path == "/_kvsmock/accounts" and request.method in ("GET", "HEAD"):
            return web.json_response(
                {"DefaultAccount": self.mock.account_id, "AccessKeys": dict(self.mock.accounts)}
            )
        if path == "/_kvsmock/signaling" and request.method in ("GET", "HEAD"):
            return web.json_response(self.relay.view())
        if path == "/_kvsmock/faults" or path.startswith("/_kvsmock/faults/"):
            return await self._faults(request, path)
        if path == "/_kvsmock/reset" and request.method == "POST":
            await self.run(self.mock.reset)
            if self.on_reset is not None:  # the cameras of `kvsmock serve --camera` again
                await self.run(self.on_reset)
            await self.relay.close_all()  # their channels are gone
            return web.json_response({"reset": True})
        return web.json_response({"message": f"No such kvsmock control path: {path}"}, status=404)

    async def _faults(self, request: web.Request, path: str) -> web.StreamResponse:
        """The served mock's :class:`kvsmock.faults.Faults` as JSON, with the fields of
        ``mock.faults.add``: ``GET`` lists the faults and the calls they hit, ``POST`` adds
        one (a JSON object of fields; 400 with the ``ValueError`` text when they are wrong),
        ``DELETE`` removes every fault, ``DELETE /_kvsmock/faults/<id>`` one."""
        faults = self.mock.faults
        fault_id = path[len("/_kvsmock/faults/") :] if path != "/_kvsmock/faults" else None
        if fault_id is None and request.method in ("GET", "HEAD"):
            return web.json_response(
                {"Faults": [f.as_dict() for f in faults], "Calls": faults.calls}
            )
        if fault_id is None and request.method == "POST":
            try:
                fields = json.loads(await request.read() or b"{}")
                if not isinstance(fields, dict):
                    raise ValueError("the body must be a JSON object of mock.faults.add fields")
                fault = faults.add(**fields)
            except RecursionError:  # absurdly deep nesting
                return web.json_response({"message": "the body is not valid JSON"}, status=400)
            except (ValueError, TypeError) as e:  # JSONDecodeError is a ValueError
                return web.json_response({"message": str(e)}, status=400)
            return web.json_response({"Fault": fault.as_dict()}, status=201)
        if fault_id is None and request.method == "DELETE":
            faults.clear()
            return web.json_response({"Faults": []})
        if fault_id is not None and request.method == "DELETE":
            found = [f for f in faults if str(f.id) == fault_id]
            if not found:
                return web.json_response({"message": f"No fault {fault_id}"}, status=404)
            found[0].remove()
            return web.json_response({"Removed": found[0].as_dict()})
        return web.json_response(
            {"message": f"{request.method} is not allowed on {path}"}, status=405
        )


def _is_signaling(request: web.Request, target: _routes.Target) -> bool:
    """A WebSocket upgrade, or any request to a channel's WSS (``m-``/``v-``) endpoint root."""
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return True
    return target.host is not None and target.host[0] in "mv" and target.path == "/"


def _find_stream(store: Store, name: Optional[str], arn: Optional[str]) -> None:
    with store.lock:
        store.find_stream(name, arn, now=_clock.now())


def _last_fragment(store: Store, params: Any) -> Optional[int]:
    """Number of the stream's newest readable fragment (None without one, or no stream)."""
    from kvsmock import media

    if not isinstance(params, dict):
        return None
    now = _clock.now()
    with store.lock:
        try:
            stream = store.find_stream(params.get("StreamName"), params.get("StreamARN"), now=now)
        except ServiceError:
            return None
        fragments = media.readable(store, stream, now)
        return fragments[-1].number_value if fragments else None


def state_view(mock: KinesisVideoMock) -> Dict[str, Any]:
    """The served state as JSON: accounts -> regions -> streams (with fragment counts) and
    signaling channels."""
    from kvsmock import media

    accounts: Dict[str, Any] = {}
    now = _clock.now()
    for store in mock.stores():
        with store.lock:
            streams = []
            for stream in store.streams:
                count = len(media.readable(store, stream, now)) if store.media is not None else 0
                streams.append(
                    {
                        "StreamName": stream.name,
                        "StreamARN": stream.arn,
                        "Status": store.status(stream, now),
                        "DataRetentionInHours": stream.data_retention_in_hours,
                        "Fragments": count,
                    }
                )
            channels = [
                {
                    "ChannelName": channel.name,
                    "ChannelARN": channel.arn,
                    "ChannelStatus": store.status(channel, now),
                }
                for channel in store.channels
            ]
        regions = accounts.setdefault(store.account_id, {})
        regions[store.region] = {"Streams": streams, "SignalingChannels": channels}
    return {"Accounts": accounts}


def _headers(headers: Mapping[str, str]) -> Dict[str, str]:
    # aiohttp sets Content-Length (or chunked encoding) itself.
    return {k: v for k, v in headers.items() if k.lower() != "content-length"}


def _send(reply: _protocol.HttpReply) -> web.Response:
    body = reply.body if isinstance(reply.body, (bytes, bytearray)) else b"".join(reply.body)
    return web.Response(status=reply.status, headers=_headers(reply.headers), body=body)


def _too_large(text: str, request_id: str) -> _protocol.HttpReply:
    """HTTP 413 for an API body over :data:`MAX_BODY_BYTES`, in the JSON shape of the
    services' errors (``__type`` and ``Message``; the code is kvsmock's choice)."""
    code = "RequestEntityTooLargeException"
    message = text or f"Maximum request body size {MAX_BODY_BYTES} exceeded"
    return _protocol.raw_error_reply(code, 413, {"__type": code, "Message": message}, request_id)


def _unknown_operation(request_id: str) -> _protocol.HttpReply:
    unknown = _endpoints.UNKNOWN_OPERATION
    return _protocol.raw_error_reply(unknown.code, unknown.status, unknown.body, request_id)


def make_app(
    mock: ServedMock,
    pool: ThreadPoolExecutor,
    *,
    get_media_idle_seconds: float = DEFAULT_GET_MEDIA_IDLE_SECONDS,
    signaling: Optional[SignalingLimits] = None,
    on_reset: Optional[Callable[[], object]] = None,
) -> web.Application:
    """The aiohttp application serving ``mock`` (its handlers run the pipeline in ``pool``;
    ``on_reset`` runs after ``POST /_kvsmock/reset``)."""
    relay = SignalingRelay(signaling or SignalingLimits())
    mock.relay = relay
    server = _Server(mock, pool, get_media_idle_seconds, relay, on_reset)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[MOCK_KEY] = mock
    app.router.add_route("*", "/{tail:.*}", server.handle)

    async def on_shutdown(_: web.Application) -> None:
        server.closing.set()
        await relay.close_all()

    async def on_response_prepare(request: web.Request, response: web.StreamResponse) -> None:
        if _cors.allows(_routes.split(request.path).path):
            _cors.add_headers(request.headers, response.headers)

    app.on_shutdown.append(on_shutdown)
    app.on_response_prepare.append(on_response_prepare)
    return app
