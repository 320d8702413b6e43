"""The resources a store holds, named as the API's ``StreamInfo`` and ``ChannelInfo`` name
their members. Plain data: the rules live in the store's mixins."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Dict, Mapping, Optional, Union

if TYPE_CHECKING:
    from kvsmock.state.configurations import (
        ImageGenerationConfiguration,
        NotificationConfiguration,
    )
    from kvsmock.state.edge import EdgeConfiguration

CREATING, ACTIVE, UPDATING, DELETING = "CREATING", "ACTIVE", "UPDATING", "DELETING"
#: ``ChannelType`` default, and the only type the service supports (model doc).
SINGLE_MASTER = "SINGLE_MASTER"
#: Data endpoint fleets of a stream, in the order of :class:`Stream`'s ``endpoint_ids`` string.
_STREAM_FLEETS = ("s", "b")
#: ``SingleMasterConfiguration.MessageTtlSeconds`` when CreateSignalingChannel omits it.
DEFAULT_MESSAGE_TTL_SECONDS = 60


class Stream:
    """One Kinesis video stream, named as ``StreamInfo`` names its members.

    Attributes:
        name: ``StreamName``.
        arn: ``StreamARN``, ending in the creation time in epoch milliseconds.
        creation_time: ``CreationTime``, aware UTC, millisecond precision.
        version: ``Version``, 20 alphanumerics, new on every metadata change.
        device_name, media_type, kms_key_id: as in ``StreamInfo`` (``None`` when unset).
        data_retention_in_hours: ``DataRetentionInHours`` (hours, 0..87600).
        tags: the stream's tags, key -> value (a dict made on first use).
        storage_tier: ``StreamStorageConfiguration.DefaultStorageTier`` (``HOT``/``WARM``).
        endpoint_ids: data endpoint host ids by fleet (``{"s": "1e415f8b", "b": ...}``). The
            store passes them as one string, the ``s`` id then the ``b`` id, made into the
            dict on first use: most streams of a test suite never get an endpoint, and
            10,000 streams hold 10,000 fewer dicts.
        image_generation_configuration: :class:`ImageGenerationConfiguration` or ``None``.
        notification_configuration: :class:`NotificationConfiguration` or ``None``.
        edge_configuration: :class:`EdgeConfiguration` or ``None``; read its current
            ``SyncStatus`` with :meth:`Store.edge_sync_status`.
    """

    __slots__ = (
        "_endpoint_ids",
        "_tags",
        "arn",
        "creation_time",
        "data_retention_in_hours",
        "device_name",
        "edge_configuration",
        "image_generation_configuration",
        "kms_key_id",
        "media_type",
        "name",
        "notification_configuration",
        "phase",
        "phase_started",
        "storage_tier",
        "version",
    )

    def __init__(
        self,
        *,
        name: str,
        arn: str,
        creation_time: _dt.datetime,
        version: str,
        kms_key_id: str,
        data_retention_in_hours: int = 0,
        device_name: Optional[str] = None,
        media_type: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
        storage_tier: str = "HOT",
        endpoint_ids: Union[Mapping[str, str], str, None] = None,
    ) -> None:
        self.name = name
        self.arn = arn
        self.creation_time = creation_time
        self.version = version
        self.kms_key_id = kms_key_id
        self.data_retention_in_hours = data_retention_in_hours
        self.device_name = device_name
        self.media_type = media_type
        self._tags: Optional[Dict[str, str]] = dict(tags) if tags else None
        self.storage_tier = storage_tier
        self._endpoint_ids: Union[Dict[str, str], str] = (
            endpoint_ids if isinstance(endpoint_ids, str) else dict(endpoint_ids or {})
        )
        #: ``ImageGenerationConfiguration`` (UpdateImageGenerationConfiguration), or None.
        self.image_generation_configuration: Optional[ImageGenerationConfiguration] = None
        #: ``NotificationConfiguration`` (UpdateNotificationConfiguration), or None.
        self.notification_configuration: Optional[NotificationConfiguration] = None
        #: The edge configuration (StartEdgeConfigurationUpdate), or None.
        self.edge_configuration: Optional[EdgeConfiguration] = None
        #: The transition in progress (CREATING/UPDATING/DELETING) or None when settled.
        self.phase: Optional[str] = None
        self.phase_started = creation_time

    @property
    def tags(self) -> Dict[str, str]:
        """The stream's tags, key -> value (at most 50; TagStream, UntagStream)."""
        tags = self._tags
        if tags is None:
            tags = self._tags = {}
        return tags

    @tags.setter
    def tags(self, value: Dict[str, str]) -> None:
        self._tags = value

    @property
    def endpoint_ids(self) -> Dict[str, str]:
        """Data endpoint host ids by fleet, ``{"s": "1e415f8b", "b": "..."}`` (GetDataEndpoint)."""
        ids = self._endpoint_ids
        if isinstance(ids, str):
            ids = self._endpoint_ids = dict(zip(_STREAM_FLEETS, (ids[:8], ids[8:16])))
        return ids

    @endpoint_ids.setter
    def endpoint_ids(self, value: Dict[str, str]) -> None:
        self._endpoint_ids = value

    def __repr__(self) -> str:
        return f"Stream(name={self.name!r}, arn={self.arn!r}, version={self.version!r})"


class SignalingChannel:
    """One signaling channel, named as ``ChannelInfo`` names its members.

    Attributes:
        name: ``ChannelName``.
        arn: ``ChannelARN``, ending in the creation time in epoch milliseconds.
        creation_time: ``CreationTime``, aware UTC, millisecond precision.
        version: ``Version``, 20 alphanumerics, new on every UpdateSignalingChannel.
        channel_type: ``ChannelType`` (``SINGLE_MASTER``).
        message_ttl_seconds: ``SingleMasterConfiguration.MessageTtlSeconds`` (5..120 s).
        tags: the channel's tags, key -> value.
        endpoint_ids: endpoint host ids by prefix (``{"m": ..., "v": ..., "r": ..., "w": ...}``).
        media_storage_stream_arn: the StreamARN its MediaStorageConfiguration stores media in
            while ENABLED, else ``None``.
    """

    __slots__ = (
        "arn",
        "channel_type",
        "creation_time",
        "endpoint_ids",
        "media_storage_stream_arn",
        "message_ttl_seconds",
        "name",
        "phase",
        "phase_started",
        "tags",
        "version",
    )

    def __init__(
        self,
        *,
        name: str,
        arn: str,
        creation_time: _dt.datetime,
        version: str,
        channel_type: str = SINGLE_MASTER,
        message_ttl_seconds: int = DEFAULT_MESSAGE_TTL_SECONDS,
        tags: Optional[Mapping[str, str]] = None,
        endpoint_ids: Optional[Dict[str, str]] = None,
    ) -> None:
        self.name = name
        self.arn = arn
        self.creation_time = creation_time
        self.version = version
        self.channel_type = channel_type
        self.message_ttl_seconds = message_ttl_seconds
        self.tags: Dict[str, str] = dict(tags or {})
        self.endpoint_ids: Dict[str, str] = dict(endpoint_ids or {})
        self.media_storage_stream_arn: Optional[str] = None
        #: The transition in progress (CREATING/UPDATING/DELETING) or None when settled.
        self.phase: Optional[str] = None
        self.phase_started = creation_time

    @property
    def media_storage_status(self) -> str:
        """``MediaStorageConfiguration.Status``: ``ENABLED`` or ``DISABLED``."""
        return "DISABLED" if self.media_storage_stream_arn is None else "ENABLED"

    def __repr__(self) -> str:
        return f"SignalingChannel(name={self.name!r}, arn={self.arn!r}, version={self.version!r})"
