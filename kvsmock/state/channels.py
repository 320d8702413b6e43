"""Signaling channels: CreateSignalingChannel, UpdateSignalingChannel,
DeleteSignalingChannel, their endpoints, and their WebRTC media storage links to streams.

Lookups (``find_channel``, ``iter_channels``) are the shared machinery's
(:mod:`kvsmock.state._base`).
"""

from __future__ import annotations

import datetime as _dt
from typing import Mapping, Optional

from kvsmock import _clock, _endpoints
from kvsmock.errors import ServiceError, invalid_argument, not_found, resource_in_use
from kvsmock.state._base import (
    MAX_TAGS_PER_RESOURCE,
    MEDIA_STORAGE_LINKED_MESSAGE,
    StoreBase,
    tags_limit,
)
from kvsmock.state.resources import (
    CREATING,
    DEFAULT_MESSAGE_TTL_SECONDS,
    DELETING,
    SINGLE_MASTER,
    UPDATING,
    SignalingChannel,
    Stream,
)

#: ``MessageTtlSeconds`` bounds (model shape ``MessageTtlSeconds``), in seconds.
MIN_MESSAGE_TTL_SECONDS, MAX_MESSAGE_TTL_SECONDS = 5, 120
#: ``ChannelProtocol`` -> endpoint host prefix: ``m-`` (WSS, MASTER; ``v-`` for a VIEWER),
#: ``r-`` (HTTPS) as seen in real responses; ``w-`` (WEBRTC) is kvsmock's choice.
CHANNEL_ENDPOINT_FLEET: Mapping[str, str] = {"WSS": "m", "HTTPS": "r", "WEBRTC": "w"}
#: Every host prefix a channel has an id for, in the order the ids are drawn.
CHANNEL_ENDPOINT_PREFIXES = ("m", "v", "r", "w")


class ChannelsMixin(StoreBase):
    """The signaling-channel and media-storage operations of a :class:`~kvsmock.state.Store`."""

    def create_signaling_channel(
        self,
        name: str,
        *,
        channel_type: str = SINGLE_MASTER,
        message_ttl_seconds: int = DEFAULT_MESSAGE_TTL_SECONDS,
        tags: Optional[Mapping[str, str]] = None,
        now: Optional[_dt.datetime] = None,
    ) -> SignalingChannel:
        """Create a channel as ``CreateSignalingChannel`` does: CREATING, then ACTIVE.

        The ARN is ``arn:<partition>:kinesisvideo:<region>:<account>:channel/<name>/<ms>``
        (creation time in epoch milliseconds, never reused for a name). The WSS, HTTPS and
        WEBRTC endpoint ids are drawn from the seeded rng here, so they stay stable.

        Args:
            message_ttl_seconds: ``SingleMasterConfiguration.MessageTtlSeconds``, 5..120 s.

        Raises:
            ServiceError: ``ResourceInUseException`` if the name is taken (also by a channel
                still DELETING); ``AccountChannelLimitExceededException`` past
                ``channel_limit``; ``InvalidArgumentException`` for a ChannelType other than
                SINGLE_MASTER ("the only supported channel type") or a TTL outside 5..120;
                ``TagsPerResourceExceededLimitException`` over 50 tags.
        """
        with self.lock:
            now = now or _clock.now()
            self._claim("channel", name, now)
            if channel_type != SINGLE_MASTER:
                raise invalid_argument(
                    f"The channel type {channel_type} is not supported. Currently, "
                    "SINGLE_MASTER is the only supported channel type."
                )
            _check_ttl(message_ttl_seconds)
            if tags and len(tags) > MAX_TAGS_PER_RESOURCE:
                raise tags_limit()
            creation_time, arn = self._identity("channel", name, now)
            rng = self.rng
            channel = SignalingChannel(
                name=name,
                arn=arn,
                creation_time=creation_time,
                version=_clock.new_version(rng),
                channel_type=channel_type,
                message_ttl_seconds=message_ttl_seconds,
                tags=dict(tags or {}),
                endpoint_ids=dict(
                    zip(
                        CHANNEL_ENDPOINT_PREFIXES,
                        _clock.new_hex8s(rng, len(CHANNEL_ENDPOINT_PREFIXES)),
                    )
                ),
            )
            self._add(channel)
            return channel

    def update_signaling_channel(
        self,
        channel: SignalingChannel,
        *,
        message_ttl_seconds: int,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Apply ``UpdateSignalingChannel``: new TTL and Version, UPDATING then ACTIVE.

        Raises:
            ServiceError: ``ResourceInUseException`` unless ACTIVE;
                ``InvalidArgumentException`` for a TTL outside 5..120 seconds.
        """
        now = now or _clock.now()
        self.require_active(channel, now)
        _check_ttl(message_ttl_seconds)
        channel.message_ttl_seconds = message_ttl_seconds
        channel.version = _clock.new_version(self.rng)
        self._begin(channel, UPDATING, now)

    def delete_signaling_channel(
        self, channel: SignalingChannel, *, now: Optional[_dt.datetime] = None
    ) -> None:
        """Apply ``DeleteSignalingChannel``: DELETING at once, gone after the transition.

        Raises:
            ServiceError: ``ResourceInUseException`` while CREATING or UPDATING, or while its
                MediaStorageConfiguration is ENABLED; ``ResourceNotFoundException`` when it
                is already DELETING.
        """
        now = now or _clock.now()
        status = self.status(channel, now)
        if status in (CREATING, UPDATING):
            raise resource_in_use(
                f"The channel {channel.name} is in {status} status and cannot be deleted now."
            )
        if status == DELETING:
            raise not_found("channel")
        if channel.media_storage_stream_arn is not None:
            raise resource_in_use(MEDIA_STORAGE_LINKED_MESSAGE.format(kind="channel"))
        self._begin(channel, DELETING, now)

    def channel_endpoint(self, channel: SignalingChannel, protocol: str, role: str) -> str:
        """The ``ResourceEndpoint`` of a channel for a protocol and role.

        ``wss://m-<8 hex>...`` for a MASTER and ``wss://v-<8 hex>...`` for a VIEWER (both
        seen in real responses), ``https://r-<8 hex>...`` for HTTPS and ``https://w-<8
        hex>...`` for WEBRTC, each host ``.kinesisvideo.<region>.<dns suffix>`` and stable
        for the life of the channel (API_GetSignalingChannelEndpoint).

        Raises:
            ServiceError: ``InvalidArgumentException`` for WEBRTC while the channel is not
                configured for ingestion (its MediaStorageConfiguration is not ENABLED).
        """
        if protocol == "WEBRTC" and channel.media_storage_stream_arn is None:
            raise invalid_argument(
                f"The signaling channel {channel.name} is not configured for ingestion "
                "(MediaStorageConfiguration is DISABLED), so it has no WEBRTC endpoint."
            )
        prefix = "v" if protocol == "WSS" and role == "VIEWER" else CHANNEL_ENDPOINT_FLEET[protocol]
        scheme = "wss" if protocol == "WSS" else "https"
        host = f"{prefix}-{channel.endpoint_ids[prefix]}.kinesisvideo.{self.region}"
        return _endpoints.public_url(self, f"{host}.{self.dns_suffix}", scheme)

    def enable_media_storage(
        self, channel: SignalingChannel, stream: Stream, *, now: Optional[_dt.datetime] = None
    ) -> None:
        """``UpdateMediaStorageConfiguration`` with Status ENABLED: store the channel's media
        in the stream (idempotent for the same pair).

        Raises:
            ServiceError: ``ResourceInUseException`` unless both are ACTIVE, or when the
                stream is mapped to another channel or the channel to another stream;
                ``NoDataRetentionException`` when the stream's retention is 0 hours.
        """
        now = now or _clock.now()
        self.require_active(channel, now)
        self.require_active(stream, now)
        if stream.data_retention_in_hours == 0:
            raise ServiceError(
                "NoDataRetentionException",
                f"The Stream data retention in hours is equal to zero for stream {stream.name}.",
            )
        mapped = self._media_links.get(stream.arn)
        if mapped is not None and mapped is not channel:
            raise resource_in_use(
                f"The stream {stream.name} is already mapped to the signaling channel "
                f"{mapped.name}."
            )
        current = channel.media_storage_stream_arn
        if current is not None and current != stream.arn:
            raise resource_in_use(
                f"The channel {channel.name} is already mapped to the stream {current}."
            )
        channel.media_storage_stream_arn = stream.arn
        self._media_links[stream.arn] = channel

    def disable_media_storage(
        self, channel: SignalingChannel, *, now: Optional[_dt.datetime] = None
    ) -> None:
        """``UpdateMediaStorageConfiguration`` with Status DISABLED: drop the channel's link.

        Raises:
            ServiceError: ``ResourceInUseException`` unless the channel is ACTIVE.
        """
        self.require_active(channel, now or _clock.now())
        current = channel.media_storage_stream_arn
        if current is not None:
            self._media_links.pop(current, None)
            channel.media_storage_stream_arn = None

    def mapped_channel(self, stream: Stream) -> Optional[SignalingChannel]:
        """The channel that stores its media in ``stream`` (DescribeMappedResourceConfiguration)."""
        return self._media_links.get(stream.arn)


def _check_ttl(seconds: int) -> None:
    if not MIN_MESSAGE_TTL_SECONDS <= seconds <= MAX_MESSAGE_TTL_SECONDS:
        raise invalid_argument(
            f"1 validation error detected: Value '{seconds}' at "
            "'singleMasterConfiguration.messageTtlSeconds' failed to satisfy constraint: "
            f"Member must have value between {MIN_MESSAGE_TTL_SECONDS} and "
            f"{MAX_MESSAGE_TTL_SECONDS}"
        )
