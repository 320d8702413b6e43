"""The WebRTC signaling data plane: ConnectAsMaster and ConnectAsViewer over WebSocket.

The WSS endpoint GetSignalingChannelEndpoint returns (``wss://<server>/m-<8 hex>...`` for a
MASTER, ``.../v-<8 hex>...`` for a VIEWER) accepts the WebSocket upgrade the KVS WebRTC
developer guide documents:

- query parameters ``X-Amz-ChannelARN`` (both roles) and ``X-Amz-ClientId`` (viewers), and a
  SigV4 query signature (``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``,
  ``X-Amz-Expires``, ``X-Amz-SignedHeaders``, ``X-Amz-Signature``) checked for shape,
  credential scope (service ``kinesisvideo``) and expiry; the account comes from the access
  key, the region from the scope, as for every other request;
- client messages ``{"action": "SDP_OFFER" | "SDP_ANSWER" | "ICE_CANDIDATE",
  "messagePayload": <base64>, "recipientClientId"?, "correlationId"?}``, relayed as events
  ``{"messageType", "messagePayload", "senderClientId"}`` from a viewer to the master and
  from the master to the viewer it names;
- messages for a client that is not connected held for the channel's ``MessageTtlSeconds``
  and delivered when it connects (a newer offer from the same sender replaces one not yet
  delivered);
- ``STATUS_RESPONSE`` events when a message is refused or expires undelivered (only for
  messages that carry a ``correlationId``, as the guide says);
- the signaling quotas (kvswebrtc-limits): one master per channel (the most recent
  connection takes precedence), 10 viewers, a viewer reconnecting with the same ClientId
  replaces its earlier connection, 10 minutes idle, 1 hour per connection with a ``GO_AWAY``
  event before the end. All configurable (:class:`SignalingLimits`), so tests need not wait.

SendAlexaOfferToMaster (an HTTPS operation of the pipeline) reaches a connected master
through :meth:`SignalingRelay.offer_to_master`.

https://docs.aws.amazon.com/kinesisvideostreams-webrtc-dg/latest/devguide/kvswebrtc-websocket-apis.html
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import datetime as _dt
import json
import logging
import re
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Set, Tuple

from aiohttp import WSMsgType, web

from kvsmock import _clock
from kvsmock.errors import ServiceError

log = logging.getLogger("kvsmock.server.signaling")

#: Message actions a client may send (SendSdpOffer, SendSdpAnswer, SendIceCandidate).
ACTIONS = frozenset({"SDP_OFFER", "SDP_ANSWER", "ICE_CANDIDATE"})
#: ``X-Amz-ChannelARN`` (ConnectAsMaster / ConnectAsViewer request).
_CHANNEL_ARN = re.compile(
    r"arn:aws[a-z-]*:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+"
)
#: ``X-Amz-ClientId``: 1-256 of ``[a-zA-Z0-9_.-]``, not starting with ``AWS_`` (any case).
_CLIENT_ID = re.compile(r"(?!(?i:AWS_))[a-zA-Z0-9_.-]{1,256}")
#: ``recipientClientId`` and ``correlationId`` of a message.
_ID = re.compile(r"[a-zA-Z0-9_.-]{1,256}")
_CREDENTIAL = re.compile(
    r"(?P<key>[A-Z0-9]{16,128})/(?P<date>[0-9]{8})/(?P<region>[a-z0-9-]+)/"
    r"(?P<service>[a-z0-9-]+)/aws4_request"
)
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
#: SigV4 presigned URLs live at most 7 days; a request dated more than 15 minutes ahead of
#: the server's clock is refused (SigV4 clock skew).
_MAX_EXPIRES = 604_800
_MAX_SKEW = _dt.timedelta(minutes=15)
_REQUIRED_SIGNING = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)


@dataclasses.dataclass(frozen=True)
class SignalingLimits:
    """Signaling quotas (kvswebrtc-limits, "Signaling API service quotas").

    Attributes:
        idle_seconds: a connection that sends nothing (no message, no ping) for this long is
            closed (AWS: 10 minutes).
        max_connection_seconds: a connection's longest life (AWS: 1 hour).
        go_away_seconds: the ``GO_AWAY`` event comes this long before the end of a
            connection's life (AWS: a grace period of at most 1 minute), or halfway
            through a life shorter than twice this.
        max_viewers: concurrent viewer connections per channel (AWS: 10); one more gets
            HTTP 400 ``ClientLimitExceededException``.
        max_payload_chars: longest ``messagePayload`` (AWS: "10K"; kvsmock counts 10,000
            characters, the model's maximum of SendAlexaOfferToMaster's payload).
        max_frame_bytes: largest WebSocket frame read; a larger one closes the connection
            with code 1009 (message too big).
        alexa_answer_seconds: how long SendAlexaOfferToMaster waits for a connected
            master's SDP answer.
    """

    idle_seconds: float = 600.0
    max_connection_seconds: float = 3600.0
    go_away_seconds: float = 60.0
    max_viewers: int = 10
    max_payload_chars: int = 10_000
    max_frame_bytes: int = 64 * 1024
    alexa_answer_seconds: float = 5.0


class _Peer:
    """One open signaling connection."""

    __slots__ = ("channel_arn", "client_id", "ttl", "ws")

    def __init__(
        self,
        ws: web.WebSocketResponse,
        channel_arn: str,
        client_id: Optional[str],
        ttl: float,
    ) -> None:
        self.ws = ws
        self.channel_arn = channel_arn
        self.client_id = client_id  # None for the master
        self.ttl = ttl  # the channel's MessageTtlSeconds when it connected

    @property
    def role(self) -> str:
        return "MASTER" if self.client_id is None else "VIEWER"


class _Held:
    """A message waiting for its recipient to connect (at most MessageTtlSeconds)."""

    __slots__ = ("action", "correlation_id", "event", "sender")

    def __init__(
        self, action: str, event: str, sender: _Peer, correlation_id: Optional[str]
    ) -> None:
        self.action = action
        self.event = event
        self.sender = sender
        self.correlation_id = correlation_id


class _Channel:
    __slots__ = ("alexa", "held", "master", "viewers")

    def __init__(self) -> None:
        self.master: Optional[_Peer] = None
        self.viewers: Dict[str, _Peer] = {}
        #: Recipient (a viewer's client id, None for the master) -> messages held for it.
        self.held: Dict[Optional[str], List[_Held]] = {}
        #: SenderClientId of a waiting SendAlexaOfferToMaster -> the future of its answer.
        self.alexa: Dict[str, Future[str]] = {}


class Rejected(Exception):
    """A refused upgrade: the documented HTTP status and error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Refused(Exception):
    """A message that cannot be relayed: what its STATUS_RESPONSE says."""

    def __init__(self, code: str, status: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.status = status
        self.description = description


@dataclasses.dataclass(frozen=True)
class Connect:
    """A checked upgrade request."""

    account_id: str
    region: str
    channel_arn: str
    client_id: Optional[str]
    #: The channel's ``MessageTtlSeconds``: how long a message waits for its recipient.
    message_ttl_seconds: float = 60.0


def check_signature(query: Mapping[str, str], now: _dt.datetime) -> Tuple[str, str]:
    """``(access key id, region)`` of a SigV4-presigned WebSocket URL.

    Checks the shape of every signing parameter, the credential scope (date, service
    ``kinesisvideo``, ``aws4_request``) and the expiry; the signature itself cannot be
    checked (kvsmock does not know the secret key).

    Raises:
        Rejected: 403 ``AccessDeniedException`` for a missing or malformed parameter, a scope
            of another service or date, an expired or future-dated signature.
    """
    missing = [name for name in _REQUIRED_SIGNING if not query.get(name)]
    if missing:
        raise Rejected(
            403,
            "AccessDeniedException",
            "The request is not signed: missing SigV4 query parameters " + ", ".join(missing),
        )
    if query["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        raise Rejected(403, "AccessDeniedException", "X-Amz-Algorithm must be AWS4-HMAC-SHA256.")
    scope = _CREDENTIAL.fullmatch(query["X-Amz-Credential"])
    if scope is None:
        raise Rejected(
            403,
            "AccessDeniedException",
            "X-Amz-Credential is not <access key>/<yyyymmdd>/<region>/kinesisvideo/aws4_request.",
        )
    if scope["service"] != "kinesisvideo":
        raise Rejected(
            403,
            "AccessDeniedException",
            f"Credential should be scoped to correct service: 'kinesisvideo', not "
            f"'{scope['service']}'.",
        )
    try:
        signed_at = _dt.datetime.strptime(query["X-Amz-Date"], _AMZ_DATE).replace(
            tzinfo=_dt.timezone.utc
        )
        expires = int(query["X-Amz-Expires"])
    except ValueError:
        raise Rejected(
            403, "AccessDeniedException", "X-Amz-Date or X-Amz-Expires is malformed."
        ) from None
    if scope["date"] != query["X-Amz-Date"][:8]:
        raise Rejected(
            403,
            "AccessDeniedException",
            "The credential scope's date is not the date of X-Amz-Date.",
        )
    if not 1 <= expires <= _MAX_EXPIRES:
        raise Rejected(
            403, "AccessDeniedException", f"X-Amz-Expires must be 1..{_MAX_EXPIRES} seconds."
        )
    signed_headers = query["X-Amz-SignedHeaders"].split(";")
    if "host" not in signed_headers:
        raise Rejected(403, "AccessDeniedException", "X-Amz-SignedHeaders must include host.")
    if re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"]) is None:
        raise Rejected(403, "AccessDeniedException", "X-Amz-Signature is not 64 hex digits.")
    if signed_at - now > _MAX_SKEW:
        raise Rejected(403, "AccessDeniedException", "Signature not yet current.")
    if now > signed_at + _dt.timedelta(seconds=expires):
        raise Rejected(403, "AccessDeniedException", "Signature expired.")
    return scope["key"], scope["region"]


def check_connect(
    query: Mapping[str, str], fleet: Optional[str], now: _dt.datetime
) -> Tuple[str, str, str, Optional[str]]:
    """``(access key, region, channel ARN, client id)`` of an upgrade; ``client id`` is None
    for ConnectAsMaster.

    ``fleet`` is the endpoint's host letter (``m`` MASTER, ``v`` VIEWER) or None at the
    server's root, where a request with ``X-Amz-ClientId`` is a viewer's.

    Raises:
        Rejected: 403 as :func:`check_signature`; 400 ``InvalidArgumentException`` for a
            missing or malformed ``X-Amz-ChannelARN``, a viewer without a valid
            ``X-Amz-ClientId``.
    """
    access_key, region = check_signature(query, now)
    arn = query.get("X-Amz-ChannelARN")
    if not arn:
        raise Rejected(400, "InvalidArgumentException", "X-Amz-ChannelARN is required.")
    if len(arn) > 1024 or _CHANNEL_ARN.fullmatch(arn) is None:
        raise Rejected(
            400, "InvalidArgumentException", f"X-Amz-ChannelARN {arn!r} is not a channel ARN."
        )
    client_id = query.get("X-Amz-ClientId")
    viewer = fleet == "v" or (fleet != "m" and client_id is not None)
    if not viewer:
        return access_key, region, arn, None
    if not client_id:
        raise Rejected(
            400, "InvalidArgumentException", "X-Amz-ClientId is required to connect as a viewer."
        )
    if _CLIENT_ID.fullmatch(client_id) is None:
        raise Rejected(
            400,
            "InvalidArgumentException",
            f"X-Amz-ClientId {client_id!r} must be 1-256 of [a-zA-Z0-9_.-] and not start "
            "with AWS_.",
        )
    return access_key, region, arn, client_id


def status_response(correlation_id: str, code: str, status: int, description: str) -> str:
    """A ``STATUS_RESPONSE`` event (Asynchronous message reception)."""
    return json.dumps(
        {
            "messageType": "STATUS_RESPONSE",
            "statusResponse": {
                "correlationId": correlation_id,
                "errorType": code,
                "statusCode": str(status),
                "description": description,
            },
        }
    )


class SignalingRelay:
    """The open signaling connections of one server, per channel ARN.

    Lives on the server's event loop; :meth:`offer_to_master` may be called from any thread.
    """

    def __init__(self, limits: SignalingLimits) -> None:
        self.limits = limits
        self.channels: Dict[str, _Channel] = {}
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self._lock = threading.Lock()  # guards `alexa` futures between threads
        self._tasks: Set[asyncio.Task[None]] = set()

    # -- connections -------------------------------------------------------------------------

    async def close_all(self) -> None:
        """Close every open connection and drop held messages (the server is stopping, or
        its state was reset)."""
        peers = [
            peer
            for channel in list(self.channels.values())
            for peer in ([channel.master] if channel.master else [])
            + list(channel.viewers.values())
        ]
        for channel in self.channels.values():
            channel.held.clear()
        for peer in peers:
            await peer.ws.close(code=1001, message=b"Going away")

    def view(self) -> Dict[str, Any]:
        """``GET /_kvsmock/signaling``: each channel ARN with open connections ->
        ``{"Master": bool, "Viewers": [client ids]}``."""
        return {
            "Channels": {
                arn: {"Master": channel.master is not None, "Viewers": sorted(channel.viewers)}
                for arn, channel in self.channels.items()
                if channel.master is not None or channel.viewers
            }
        }

    async def connect(
        self,
        request: web.Request,
        checked: Connect,
    ) -> web.StreamResponse:
        """Upgrade, register, relay until the connection ends."""
        self.loop = asyncio.get_running_loop()
        limits = self.limits
        channel = self.channels.setdefault(checked.channel_arn, _Channel())
        if (
            checked.client_id is not None
            and checked.client_id not in channel.viewers
            and len(channel.viewers) >= limits.max_viewers
        ):
            return error_response(
                400,
                "ClientLimitExceededException",
                f"The channel already has {limits.max_viewers} connected viewers.",
            )
        ws = web.WebSocketResponse(autoping=False, max_msg_size=limits.max_frame_bytes)
        await ws.prepare(request)
        peer = _Peer(ws, checked.channel_arn, checked.client_id, checked.message_ttl_seconds)
        replaced = channel.master if peer.client_id is None else channel.viewers.get(peer.client_id)
        if peer.client_id is None:
            channel.master = peer
        else:
            channel.viewers[peer.client_id] = peer
        if replaced is not None:  # the most recent connection takes precedence
            await replaced.ws.close(code=1000, message=b"Replaced by a newer connection")
        for held in channel.held.pop(peer.client_id, []):  # what waited for this recipient
            await _send(ws, held.event)
        log.info(
            "signaling: %s %s connected to %s", peer.role, peer.client_id or "", peer.channel_arn
        )
        try:
            await self._serve(peer)
        finally:
            if peer.client_id is None:
                if channel.master is peer:
                    channel.master = None
            elif channel.viewers.get(peer.client_id) is peer:
                del channel.viewers[peer.client_id]
            if (
                channel.master is None
                and not channel.viewers
                and not channel.alexa
                and not channel.held
            ):
                self.channels.pop(peer.channel_arn, None)
            if not ws.closed:
                await ws.close()
        return ws

    async def _serve(self, peer: _Peer) -> None:
        loop = asyncio.get_running_loop()
        limits = self.limits
        ws = peer.ws
        started = last_heard = loop.time()
        end = started + limits.max_connection_seconds
        go_away_at = end - min(limits.go_away_seconds, limits.max_connection_seconds / 2)
        go_away_sent = False
        while not ws.closed:
            now = loop.time()
            if now >= end:
                await ws.close(code=1000, message=b"Connection lifetime reached")
                return
            if not go_away_sent and now >= go_away_at:
                await ws.send_str(json.dumps({"messageType": "GO_AWAY"}))
                go_away_sent = True
                continue
            if now - last_heard >= limits.idle_seconds:
                await ws.close(code=1000, message=b"Idle timeout")
                return
            wake = min(end, last_heard + limits.idle_seconds)
            if not go_away_sent:
                wake = min(wake, go_away_at)
            try:
                msg = await ws.receive(timeout=max(0.0, wake - now))
            except asyncio.TimeoutError:
                continue
            if msg.type == WSMsgType.TEXT:
                last_heard = loop.time()
                await self._message(peer, msg.data)
            elif msg.type == WSMsgType.PING:
                last_heard = loop.time()
                await ws.pong(msg.data)
            elif msg.type == WSMsgType.PONG:
                last_heard = loop.time()
            elif msg.type == WSMsgType.BINARY:
                last_heard = loop.time()
                log.info("signaling: binary frame from %s ignored", peer.client_id or "master")
            else:  # CLOSE, CLOSING, CLOSED, ERROR (a frame over max_frame_bytes: 1009)
                return

    # -- messages ----------------------------------------------------------------------------

    async def _message(self, peer: _Peer, text: str) -> None:
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            log.info("signaling: a frame that is not JSON ignored")
            return  # no correlationId to answer to
        if not isinstance(message, dict):
            return
        correlation = message.get("correlationId")
        try:
            if correlation is not None and (
                not isinstance(correlation, str) or _ID.fullmatch(correlation) is None
            ):
                correlation = None
                raise Refused(
                    "InvalidArgumentException",
                    400,
                    "correlationId must be 1-256 of [a-zA-Z0-9_.-].",
                )
            action, payload, recipient = self._checked(peer, message)
            await self._deliver(peer, action, payload, recipient, correlation)
        except Refused as e:
            if correlation is not None:
                await _send(peer.ws, status_response(correlation, e.code, e.status, e.description))
            else:
                log.info("signaling: message refused without correlationId: %s", e.description)

    def _checked(self, peer: _Peer, message: Dict[str, Any]) -> Tuple[str, str, Optional[str]]:
        action = message.get("action")
        if action not in ACTIONS:
            raise Refused(
                "InvalidArgumentException",
                400,
                f"action must be one of SDP_OFFER, SDP_ANSWER, ICE_CANDIDATE, not {action!r}.",
            )
        payload = message.get("messagePayload")
        if not isinstance(payload, str) or not payload:
            raise Refused("InvalidArgumentException", 400, "messagePayload is required.")
        if len(payload) > self.limits.max_payload_chars:
            raise Refused(
                "InvalidArgumentException",
                400,
                f"messagePayload is {len(payload)} characters; the maximum is "
                f"{self.limits.max_payload_chars}.",
            )
        try:
            base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise Refused(
                "InvalidArgumentException", 400, "messagePayload is not base64."
            ) from None
        recipient = message.get("recipientClientId")
        if peer.client_id is not None:
            return str(action), payload, None  # a viewer's messages go to the master
        if not isinstance(recipient, str) or _ID.fullmatch(recipient) is None:
            raise Refused(
                "InvalidArgumentException",
                400,
                "recipientClientId (1-256 of [a-zA-Z0-9_.-]) is required in a master's message.",
            )
        return str(action), payload, recipient

    async def _deliver(
        self,
        peer: _Peer,
        action: str,
        payload: str,
        recipient: Optional[str],
        correlation_id: Optional[str],
    ) -> None:
        channel = self.channels.get(peer.channel_arn)
        if channel is None:  # pragma: no cover - the sender is registered while it talks
            return
        if peer.client_id is not None:  # viewer -> master
            event = {
                "messageType": action,
                "messagePayload": payload,
                "senderClientId": peer.client_id,
            }
            target = channel.master
        else:
            assert recipient is not None
            if action == "SDP_ANSWER":
                with self._lock:
                    waiting = channel.alexa.pop(recipient, None)
                if waiting is not None:  # SendAlexaOfferToMaster's answer
                    waiting.set_result(payload)
                    return
            # The master has no client id: its messages carry no senderClientId.
            event = {"messageType": action, "messagePayload": payload}
            target = channel.viewers.get(recipient)
        if target is not None:
            await _send(target.ws, json.dumps(event))
            return
        # Not connected: held for the channel's MessageTtlSeconds, delivered when the
        # recipient connects; a newer offer from the same sender replaces one not delivered.
        key = None if peer.client_id is not None else recipient
        queue = channel.held.setdefault(key, [])
        if action == "SDP_OFFER":
            queue[:] = [h for h in queue if not (h.action == action and h.sender is peer)]
        held = _Held(action, json.dumps(event), peer, correlation_id)
        queue.append(held)
        asyncio.get_running_loop().call_later(peer.ttl, self._expire, peer.channel_arn, key, held)

    def _expire(self, channel_arn: str, key: Optional[str], held: _Held) -> None:
        """A held message's MessageTtlSeconds passed: discard it, tell its sender."""
        channel = self.channels.get(channel_arn)
        queue = channel.held.get(key) if channel is not None else None
        if channel is None or queue is None or held not in queue:
            return  # delivered (or replaced) meanwhile
        queue.remove(held)
        if not queue:
            del channel.held[key]
            if channel.master is None and not channel.viewers and not channel.alexa:
                self.channels.pop(channel_arn, None)
        if held.correlation_id is not None:
            recipient = "the master" if key is None else f"the recipient client {key}"
            text = status_response(
                held.correlation_id,
                "InvalidArgumentException",
                400,
                f"The message was not delivered: {recipient} did not connect to the channel "
                f"within its MessageTtlSeconds ({held.sender.ttl:g} s).",
            )
            task = asyncio.get_running_loop().create_task(_send(held.sender.ws, text))
            self._tasks.add(task)  # kept until done (the loop holds only weak references)
            task.add_done_callback(self._tasks.discard)

    # -- SendAlexaOfferToMaster ----------------------------------------------------------------

    def offer_to_master(
        self, channel_arn: str, sender_client_id: str, payload: str
    ) -> Optional[str]:
        """Deliver an Alexa SDP offer to the channel's connected master and wait for its
        base64 SDP answer. ``None`` when no master is connected; raises ``TimeoutError``
        when the master does not answer within ``alexa_answer_seconds``. Any thread but the
        event loop's."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return None
        answer: Future[str] = Future()

        async def deliver() -> bool:
            channel = self.channels.get(channel_arn)
            if channel is None or channel.master is None:
                return False
            with self._lock:
                channel.alexa[sender_client_id] = answer
            event = {
                "messageType": "SDP_OFFER",
                "messagePayload": payload,
                "senderClientId": sender_client_id,
            }
            await _send(channel.master.ws, json.dumps(event))
            return True

        delivered = asyncio.run_coroutine_threadsafe(deliver(), loop).result(timeout=5)
        if not delivered:
            return None
        try:
            return answer.result(timeout=self.limits.alexa_answer_seconds)
        except FutureTimeout:
            raise TimeoutError("the master did not answer") from None
        finally:
            with self._lock:
                channel = self.channels.get(channel_arn)
                if channel is not None and channel.alexa.get(sender_client_id) is answer:
                    del channel.alexa[sender_client_id]


async def _send(ws: web.WebSocketResponse, text: str) -> None:
    if ws.closed:
        return
    try:
        await ws.send_str(text)
    except (ConnectionError, RuntimeError):  # the peer went away meanwhile
        log.info("signaling: a peer went away before a message reached it")


def error_response(status: int, code: str, message: str, request_id: str = "") -> web.Response:
    """The JSON error body of a refused upgrade (``x-amzn-ErrorType`` as the service's)."""
    headers = {"x-amzn-ErrorType": code}
    if request_id:
        headers["x-amzn-RequestId"] = request_id
    return web.json_response({"__type": code, "message": message}, status=status, headers=headers)


async def handle(
    request: web.Request,
    relay: SignalingRelay,
    fleet: Optional[str],
    account_for: Callable[[str], str],
    find_channel: Callable[[str, str, str], Awaitable[int]],
    request_id: str,
) -> web.StreamResponse:
    """ConnectAsMaster / ConnectAsViewer: check the upgrade, then relay.

    ``find_channel(account, region, arn)`` returns the channel's ``MessageTtlSeconds`` and
    raises ``ServiceError`` for a channel that does not exist (or is not ACTIVE) in that
    account and region.
    """
    try:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            raise Rejected(
                400, "InvalidArgumentException", "The signaling endpoint takes WebSocket upgrades."
            )
        access_key, region, arn, client_id = check_connect(request.query, fleet, _clock.now())
        account_id = account_for(access_key)
        try:
            ttl = await find_channel(account_id, region, arn)
        except ServiceError as e:
            raise Rejected(404, e.code, e.message) from None
    except Rejected as e:
        return error_response(e.status, e.code, e.message, request_id)
    return await relay.connect(request, Connect(account_id, region, arn, client_id, ttl))
