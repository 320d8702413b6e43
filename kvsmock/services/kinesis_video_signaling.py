"""Handlers of ``kinesis-video-signaling`` (API version 2019-12-04).

GetIceServerConfig and SendAlexaOfferToMaster, served on a channel's HTTPS endpoint
(``https://r-<8 hex>...`` from GetSignalingChannelEndpoint). kvsmock runs no WebSocket
signaling and no TURN server: the ICE servers are addresses nobody listens on, and the
SDP answer comes from a simulated master (:mod:`kvsmock.services._sdp`).

https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_Operations_Amazon_Kinesis_Video_Signaling_Channels.html
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Dict, Optional, Protocol

from kvsmock.errors import ServiceError, invalid_argument
from kvsmock.services import RequestContext, _sdp
from kvsmock.state import Store

Params = Dict[str, Any]
Result = Dict[str, Any]

#: The model's maximum length of ``SendAlexaOfferToMasterResponse.Answer`` (characters).
MAX_ANSWER_LENGTH = 10_000
#: The store attribute ``kvsmock serve`` sets to its signaling WebSocket relay.
SIGNALING_RELAY = "signaling_relay"


class MasterRelay(Protocol):
    """What SendAlexaOfferToMaster needs of a WebSocket relay (``kvsmock.server``)."""

    def offer_to_master(
        self, channel_arn: str, sender_client_id: str, payload: str
    ) -> Optional[str]:
        """The connected master's base64 answer; ``None`` without a connected master;
        ``TimeoutError`` when it does not answer in time."""


def get_ice_server_config(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetIceServerConfig: the TURN servers and credentials of a channel.

    Two ``IceServer`` entries, each with ``turn:<ip>.t-<8 hex>.kinesisvideo.<region>...:443``
    URIs (``turn:`` udp, ``turns:`` udp, ``turns:`` tcp), a username
    ``<expiry epoch s>:<base64("v1:" + ChannelARN)>``, a base64 password and ``Ttl`` 300
    seconds (the reference's fixed value). Servers are stable per channel; credentials
    follow the clock. ``Service`` may only be TURN (the model's enum); ``ClientId`` and
    ``Username`` are accepted and do not change the answer.
    https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_signaling_GetIceServerConfig.html

    Raises:
        ServiceError: ``ResourceNotFoundException`` ("The requested channel is not found or
            not active.") for a channel that does not exist in the request's account and
            region, or is CREATING or DELETING.
    """
    channel = store.find_channel(arn=params["ChannelARN"], now=ctx.now, usable=True)
    servers = store.ice_servers(channel, now=ctx.now)
    return {
        "IceServerList": [
            {
                "Uris": list(server.uris),
                "Username": server.username,
                "Password": server.password,
                "Ttl": server.ttl,
            }
            for server in servers
        ]
    }


def send_alexa_offer_to_master(store: Store, params: Params, ctx: RequestContext) -> Result:
    """SendAlexaOfferToMaster: the master's base64 SDP answer to a base64 SDP offer.

    kvsmock has no WebSocket signaling, so no real master can connect: a simulated master
    that is always connected answers at once (AWS holds the offer until a master connects
    and retries "until the message expires"). The payload may be the SDP itself or the JSON
    signaling form ``{"type": "offer", "sdp": ...}``; the answer takes the same form. Each
    call is kept in ``store.alexa_offers``.
    https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_signaling_SendAlexaOfferToMaster.html

    Raises:
        ServiceError: ``ResourceNotFoundException`` as GetIceServerConfig;
            ``InvalidArgumentException`` when ``MessagePayload`` is not base64 of a UTF-8
            SDP offer, or when the answer would exceed 10,000 characters.
    """
    channel = store.find_channel(arn=params["ChannelARN"], now=ctx.now, usable=True)
    relay: Optional[MasterRelay] = getattr(store, SIGNALING_RELAY, None)
    if relay is not None:
        answer = _from_connected_master(store, relay, channel.arn, params)
        if answer is not None:
            return {"Answer": answer}
    try:
        text = base64.b64decode(params["MessagePayload"], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_argument("The message payload is not a base64-encoded SDP offer.") from None
    as_json = text.lstrip().startswith("{")
    offer: Any = text
    if as_json:
        try:
            message = json.loads(text)
            offer = message["sdp"] if message.get("type") == "offer" else None
        except (ValueError, AttributeError, KeyError):
            offer = None
        if not isinstance(offer, str):
            raise invalid_argument(
                'The message payload is JSON but not {"type": "offer", "sdp": ...}.'
            )
    try:
        sdp = _sdp.answer(offer, store.rng)
    except _sdp.BadOffer as e:
        raise invalid_argument(f"The message payload is not an SDP offer: {e}") from None
    body = json.dumps({"type": "answer", "sdp": sdp}) if as_json else sdp
    encoded = base64.b64encode(body.encode("utf-8")).decode("ascii")
    if len(encoded) > MAX_ANSWER_LENGTH:
        raise invalid_argument(
            f"The SDP answer would be longer than {MAX_ANSWER_LENGTH} characters."
        )
    store.record_alexa_offer(channel, params["SenderClientId"], offer, sdp, now=ctx.now)
    return {"Answer": encoded}


def _from_connected_master(
    store: Store, relay: MasterRelay, channel_arn: str, params: Params
) -> Optional[str]:
    """The answer of the master connected over the signaling WebSocket (``kvsmock serve``),
    or ``None`` when none is connected (then the simulated master answers).

    The store's lock is released while the master answers, so the master's own requests
    (GetIceServerConfig, ...) are served meanwhile.
    """
    lock = store.lock
    lock.release()
    try:
        answer = relay.offer_to_master(
            channel_arn, params["SenderClientId"], params["MessagePayload"]
        )
    except TimeoutError:
        raise ServiceError(
            "ResourceNotFoundException",
            "The master connected to the channel did not answer the offer in time.",
        ) from None
    finally:
        lock.acquire()
    if answer is not None and len(answer) > MAX_ANSWER_LENGTH:
        raise invalid_argument(
            f"The master's SDP answer is longer than {MAX_ANSWER_LENGTH} characters."
        )
    return answer
