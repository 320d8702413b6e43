"""WebRTC: TURN credentials, Alexa offers and WebRTC storage sessions of signaling channels.

What GetIceServerConfig, SendAlexaOfferToMaster, JoinStorageSession and
JoinStorageSessionAsViewer leave behind. kvsmock has no WebRTC peer and no TURN server: no
media ever flows, a storage session is only a record of who joined, and the ICE servers
are addresses nobody listens on.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from kvsmock import _clock
from kvsmock.errors import invalid_argument
from kvsmock.state._base import StoreBase
from kvsmock.state.resources import SignalingChannel, Stream

#: ``IceServer.Ttl`` in seconds: the API reference gives "Fixed value of 300" and real
#: responses carry ``"Ttl":300`` (the model's range is 30..86400).
ICE_SERVER_TTL_SECONDS = 300
#: IceServers per GetIceServerConfig answer: real answers "typically" hold two
#: (amazon-kinesis-video-streams-webrtc-sdk-c #991, #1022), each with three URIs.
ICE_SERVER_COUNT = 2
#: The port of every KVS TURN URI (real: ``turn:<ip>.t-<8 hex>...:443?transport=udp``).
TURN_PORT = 443
#: First octets of the TURN server addresses (seen in real URIs: 3, 15, 18, 34, 52, 54).
_TURN_FIRST_OCTETS = (3, 13, 15, 18, 34, 35, 44, 52, 54)
#: The key of the credential HMAC (TURN REST API: password = base64(HMAC(key, username))).
_TURN_SECRET = b"kvsmock-turn-secret"


class IceServer(NamedTuple):
    """One ``IceServer`` of GetIceServerConfig.

    Attributes:
        uris: ``turn:<ip-dashed>.t-<8 hex>.kinesisvideo.<region>.<dns suffix>:443`` with
            ``?transport=udp``, then the same host as ``turns:`` with udp and with tcp.
        username: ``<expiry, epoch seconds>:<base64 of "v1:" + ChannelARN>`` (real shape).
        password: base64 of the HMAC-SHA256 of the username (44 characters).
        ttl: seconds the username and password are valid (300).
    """

    uris: Tuple[str, ...]
    username: str
    password: str
    ttl: int


class AlexaOffer(NamedTuple):
    """One SendAlexaOfferToMaster call, as kvsmock's simulated master saw it.

    Attributes:
        channel_arn: the channel's ARN.
        sender_client_id: ``SenderClientId``.
        offer: the decoded SDP offer (text).
        answer: the SDP answer returned (text, before base64).
        received_at: the request time (aware UTC).
    """

    channel_arn: str
    sender_client_id: str
    offer: str
    answer: str
    received_at: _dt.datetime


class StorageSession:
    """The WebRTC storage session of one channel (JoinStorageSession, ...AsViewer).

    A record only: kvsmock has no WebRTC peer, so nothing is negotiated and no media reaches
    the stream. Seed fragments with ``mock.put_media`` to test playback.

    Attributes:
        channel_arn: the channel's ARN.
        stream_arn: the stream its MediaStorageConfiguration stores media in.
        started_at: when the first participant joined (aware UTC).
        master_joined_at: when the video producing device last joined, or ``None``.
        master_joins: how many times JoinStorageSession was called (not idempotent: each
            call is a new join; "the most recent client request takes precedence").
        viewers: ``clientId`` -> when it last joined (a repeated clientId replaces its
            earlier join, as documented).
    """

    __slots__ = (
        "channel_arn",
        "master_joined_at",
        "master_joins",
        "started_at",
        "stream_arn",
        "viewers",
    )

    def __init__(self, channel_arn: str, stream_arn: str, started_at: _dt.datetime) -> None:
        self.channel_arn = channel_arn
        self.stream_arn = stream_arn
        self.started_at = started_at
        self.master_joined_at: Optional[_dt.datetime] = None
        self.master_joins = 0
        self.viewers: Dict[str, _dt.datetime] = {}

    def __repr__(self) -> str:
        return (
            f"StorageSession(channel_arn={self.channel_arn!r}, master_joins={self.master_joins}, "
            f"viewers={sorted(self.viewers)!r})"
        )


class WebRTCMixin(StoreBase):
    """The signaling and WebRTC-storage data-plane operations of a :class:`~kvsmock.state.Store`.

    Attributes:
        storage_sessions: ChannelARN -> its :class:`StorageSession`.
        alexa_offers: every :class:`AlexaOffer` answered, oldest first.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage_sessions: Dict[str, StorageSession] = {}
        self.alexa_offers: List[AlexaOffer] = []

    # -- TURN --------------------------------------------------------------------------------

    def turn_hosts(self, channel: SignalingChannel) -> List[str]:
        """The TURN server hosts GetIceServerConfig names for a channel.

        ``<a>-<b>-<c>-<d>.t-<8 hex>.kinesisvideo.<region>.<dns suffix>``: the ``t-`` id is
        one per account and region (real answers name one ``t-`` id for both servers), the
        addresses are derived from the ChannelARN, so they are stable for the life of the
        channel and use no random draws.
        """
        fleet = hashlib.sha256(f"{self.account_id}:{self.region}".encode()).hexdigest()[:8]
        hosts = []
        for i in range(ICE_SERVER_COUNT):
            d = hashlib.sha256(f"{channel.arn}#{i}".encode()).digest()
            first = _TURN_FIRST_OCTETS[d[0] % len(_TURN_FIRST_OCTETS)]
            ip = f"{first}-{d[1]}-{d[2]}-{d[3] % 254 + 1}"
            hosts.append(f"{ip}.t-{fleet}.kinesisvideo.{self.region}.{self.dns_suffix}")
        return hosts

    def ice_servers(
        self, channel: SignalingChannel, *, now: Optional[_dt.datetime] = None
    ) -> List[IceServer]:
        """The ``IceServerList`` of GetIceServerConfig (API_signaling_GetIceServerConfig).

        Two servers, each with three URIs (``turn:`` udp, ``turns:`` udp, ``turns:`` tcp, in
        that order, port 443). Credentials follow the TURN REST API scheme real answers use:
        the username is ``<expiry epoch seconds>:<base64("v1:" + ChannelARN)>`` with the
        expiry ``now`` + 300 seconds, the password base64(HMAC-SHA256(username)). So they
        change as the clock moves and repeat under a frozen clock.
        """
        now = now or _clock.now()
        expiry = _clock.epoch_millis(now) // 1000 + ICE_SERVER_TTL_SECONDS
        user = base64.b64encode(f"v1:{channel.arn}".encode()).decode("ascii")
        username = f"{expiry}:{user}"
        password = base64.b64encode(
            hmac.new(_TURN_SECRET, username.encode(), hashlib.sha256).digest()
        ).decode("ascii")
        return [
            IceServer(
                uris=(
                    f"turn:{host}:{TURN_PORT}?transport=udp",
                    f"turns:{host}:{TURN_PORT}?transport=udp",
                    f"turns:{host}:{TURN_PORT}?transport=tcp",
                ),
                username=username,
                password=password,
                ttl=ICE_SERVER_TTL_SECONDS,
            )
            for host in self.turn_hosts(channel)
        ]

    # -- WebRTC storage ----------------------------------------------------------------------

    def storage_stream(
        self, channel: SignalingChannel, now: Optional[_dt.datetime] = None
    ) -> Stream:
        """The stream a channel's WebRTC media is stored in, checked for joining a session.

        Raises:
            ServiceError: ``InvalidArgumentException`` when the channel's
                MediaStorageConfiguration is not ENABLED, or when the stream's retention
                was lowered to 0 hours after enabling (ingestion needs retention > 0).
        """
        stream_arn = channel.media_storage_stream_arn
        if stream_arn is None:
            raise invalid_argument(
                f"The signaling channel {channel.name} is not configured for media storage "
                "(MediaStorageConfiguration is DISABLED)."
            )
        stream = self.find_stream(arn=stream_arn, now=now)
        if stream.data_retention_in_hours == 0:
            raise invalid_argument(
                f"The Stream data retention in hours is equal to zero for stream {stream.name}."
            )
        return stream

    def join_storage_session(
        self,
        channel: SignalingChannel,
        *,
        client_id: Optional[str] = None,
        now: Optional[_dt.datetime] = None,
    ) -> StorageSession:
        """Join the channel's storage session as the master (``client_id`` None) or a viewer.

        Creates the session on the first join, and again when the channel now stores its
        media in another stream. No media flows.

        Raises:
            ServiceError: as :meth:`storage_stream`.
        """
        now = now or _clock.now()
        stream = self.storage_stream(channel, now)
        session = self.storage_sessions.get(channel.arn)
        if session is None or session.stream_arn != stream.arn:
            session = StorageSession(channel.arn, stream.arn, now)
            self.storage_sessions[channel.arn] = session
        if client_id is None:
            session.master_joins += 1
            session.master_joined_at = now
        else:
            session.viewers.pop(client_id, None)  # re-join: the new request takes precedence
            session.viewers[client_id] = now
        return session

    # -- Alexa -------------------------------------------------------------------------------

    def record_alexa_offer(
        self,
        channel: SignalingChannel,
        sender_client_id: str,
        offer: str,
        answer: str,
        now: Optional[_dt.datetime] = None,
    ) -> AlexaOffer:
        """Keep one answered SendAlexaOfferToMaster call in :attr:`alexa_offers`."""
        record = AlexaOffer(channel.arn, sender_client_id, offer, answer, now or _clock.now())
        self.alexa_offers.append(record)
        return record
