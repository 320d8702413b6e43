"""The resources a store holds, named as the API names their members: streams, signaling
channels, and the configurations a stream carries.

Plain data, importing nothing else of the store: the rules live in the modules above it
(:mod:`~kvsmock.state._base` and one module per kind of resource).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

CREATING, ACTIVE, UPDATING, DELETING = "CREATING", "ACTIVE", "UPDATING", "DELETING"
#: ``ChannelType`` default, and the only type the service supports (model doc).
SINGLE_MASTER = "SINGLE_MASTER"
#: ``SingleMasterConfiguration.MessageTtlSeconds`` when CreateSignalingChannel omits it.
DEFAULT_MESSAGE_TTL_SECONDS = 60
#: The only ``FormatConfig`` key and its default
#: (API_ImageGenerationConfiguration: "accepts ints from 1 to 100", "default ... 80").
JPEG_QUALITY_KEY = "JPEGQuality"
DEFAULT_JPEG_QUALITY = 80

#: Edge configuration ``SyncStatus`` values.
EDGE_SYNCING, EDGE_ACKNOWLEDGED, EDGE_IN_SYNC = "SYNCING", "ACKNOWLEDGED", "IN_SYNC"
EDGE_SYNC_FAILED, EDGE_DELETE_FAILED = "SYNC_FAILED", "DELETE_FAILED"
EDGE_DELETING, EDGE_DELETING_ACKNOWLEDGED = "DELETING", "DELETING_ACKNOWLEDGED"
#: Documented defaults of ``DeletionConfig`` members left out of the request.
DEFAULT_EDGE_RETENTION_IN_HOURS = 720
DEFAULT_DELETE_AFTER_UPLOAD = True


class Stream:
    """One Kinesis video stream, named as ``StreamInfo`` names its members.

    Attributes:
        name: ``StreamName``.
        arn: ``StreamARN``, ending in the creation time in epoch milliseconds.
        creation_time: ``CreationTime``, aware UTC, millisecond precision.
        version: ``Version``, 20 alphanumerics, new on every metadata change.
        device_name, media_type, kms_key_id: as in ``StreamInfo`` (``None`` when unset).
        data_retention_in_hours: ``DataRetentionInHours`` (hours, 0..87600).
        tags: the stream's tags, key -> value (at most 50; TagStream, UntagStream).
        storage_tier: ``StreamStorageConfiguration.DefaultStorageTier`` (``HOT``/``WARM``).
        endpoint_ids: data endpoint host ids by fleet, ``{"s": "1e415f8b", "b": "..."}``
            (GetDataEndpoint).
        image_generation_configuration: :class:`ImageGenerationConfiguration` or ``None``.
        notification_configuration: :class:`NotificationConfiguration` or ``None``.
        edge_configuration: :class:`EdgeConfiguration` or ``None``; read its current
            ``SyncStatus`` with :meth:`Store.edge_sync_status`.
    """

    __slots__ = (
        "arn",
        "creation_time",
        "data_retention_in_hours",
        "device_name",
        "edge_configuration",
        "endpoint_ids",
        "image_generation_configuration",
        "kms_key_id",
        "media_type",
        "name",
        "notification_configuration",
        "phase",
        "phase_started",
        "storage_tier",
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
        kms_key_id: str,
        data_retention_in_hours: int = 0,
        device_name: Optional[str] = None,
        media_type: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
        storage_tier: str = "HOT",
        endpoint_ids: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.name = name
        self.arn = arn
        self.creation_time = creation_time
        self.version = version
        self.kms_key_id = kms_key_id
        self.data_retention_in_hours = data_retention_in_hours
        self.device_name = device_name
        self.media_type = media_type
        self.tags: Dict[str, str] = dict(tags or {})
        self.storage_tier = storage_tier
        self.endpoint_ids: Dict[str, str] = dict(endpoint_ids or {})
        #: ``ImageGenerationConfiguration`` (UpdateImageGenerationConfiguration), or None.
        self.image_generation_configuration: Optional[ImageGenerationConfiguration] = None
        #: ``NotificationConfiguration`` (UpdateNotificationConfiguration), or None.
        self.notification_configuration: Optional[NotificationConfiguration] = None
        #: The edge configuration (StartEdgeConfigurationUpdate), or None.
        self.edge_configuration: Optional[EdgeConfiguration] = None
        #: The transition in progress (CREATING/UPDATING/DELETING) or None when settled.
        self.phase: Optional[str] = None
        self.phase_started = creation_time

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


@dataclass(frozen=True)
class ImageGenerationConfiguration:
    """A stream's ``ImageGenerationConfiguration`` (UpdateImageGenerationConfiguration).

    Attributes:
        status: ``ENABLED`` or ``DISABLED``.
        image_selector_type: ``SERVER_TIMESTAMP`` or ``PRODUCER_TIMESTAMP``.
        destination_uri: ``DestinationConfig.Uri``, ``s3://<bucket>[/<prefix>]``.
        destination_region: ``DestinationConfig.DestinationRegion`` (the stream's region).
        sampling_interval: milliseconds between images (at least 200).
        format: ``JPEG`` or ``PNG``.
        format_config: ``FormatConfig`` as given (``{"JPEGQuality": "80"}``), or ``None``.
        width_pixels, height_pixels: output size (1..3840 / 1..2160), or ``None``.
    """

    status: str
    image_selector_type: str
    destination_uri: str
    destination_region: str
    sampling_interval: int
    format: str
    format_config: Optional[Mapping[str, str]] = None
    width_pixels: Optional[int] = None
    height_pixels: Optional[int] = None

    @property
    def enabled(self) -> bool:
        """Whether images are generated (``Status`` ENABLED)."""
        return self.status == "ENABLED"

    @property
    def jpeg_quality(self) -> Optional[int]:
        """The JPEG quality images get (1..100, default 80); ``None`` for PNG."""
        if self.format != "JPEG":
            return None
        value = (self.format_config or {}).get(JPEG_QUALITY_KEY)
        return int(value) if value is not None else DEFAULT_JPEG_QUALITY

    @classmethod
    def from_api(cls, value: Mapping[str, Any]) -> ImageGenerationConfiguration:
        """Build from the API structure (model-valid, member names as in the API)."""
        destination = value["DestinationConfig"]
        format_config = value.get("FormatConfig")
        return cls(
            status=value["Status"],
            image_selector_type=value["ImageSelectorType"],
            destination_uri=destination["Uri"],
            destination_region=destination["DestinationRegion"],
            sampling_interval=value["SamplingInterval"],
            format=value["Format"],
            format_config=dict(format_config) if format_config is not None else None,
            width_pixels=value.get("WidthPixels"),
            height_pixels=value.get("HeightPixels"),
        )

    def to_api(self) -> Dict[str, Any]:
        """The API structure; optional members only when they were set."""
        out: Dict[str, Any] = {
            "Status": self.status,
            "ImageSelectorType": self.image_selector_type,
            "DestinationConfig": {
                "Uri": self.destination_uri,
                "DestinationRegion": self.destination_region,
            },
            "SamplingInterval": self.sampling_interval,
            "Format": self.format,
        }
        if self.format_config is not None:
            out["FormatConfig"] = dict(self.format_config)
        if self.width_pixels is not None:
            out["WidthPixels"] = self.width_pixels
        if self.height_pixels is not None:
            out["HeightPixels"] = self.height_pixels
        return out


@dataclass(frozen=True)
class NotificationConfiguration:
    """A stream's ``NotificationConfiguration`` (UpdateNotificationConfiguration).

    Attributes:
        status: ``ENABLED`` or ``DISABLED``.
        destination_uri: ``DestinationConfig.Uri``, the ARN of an SNS standard topic.
    """

    status: str
    destination_uri: str

    @property
    def enabled(self) -> bool:
        """Whether notifications are sent (``Status`` ENABLED)."""
        return self.status == "ENABLED"

    @classmethod
    def from_api(cls, value: Mapping[str, Any]) -> NotificationConfiguration:
        """Build from the API structure (model-valid, member names as in the API)."""
        return cls(status=value["Status"], destination_uri=value["DestinationConfig"]["Uri"])

    def to_api(self) -> Dict[str, Any]:
        """The API structure."""
        return {"Status": self.status, "DestinationConfig": {"Uri": self.destination_uri}}


@dataclass(frozen=True)
class EdgeSyncState:
    """An edge configuration's ``SyncStatus`` and when it began (``LastUpdatedTime``)."""

    sync_status: str
    since: _dt.datetime


class EdgeConfiguration:
    """A stream's edge configuration (StartEdgeConfigurationUpdate) and its sync progress.

    Read the current ``SyncStatus`` with :meth:`~kvsmock.state.Store.edge_sync_status` (or
    :meth:`state_at`); the attributes below hold the last process started.

    Attributes:
        edge_config: the ``EdgeConfig`` as last submitted, API member names.
        creation_time: when the configuration was first created (aware UTC).
        phase: SYNCING or DELETING while that process runs, else the terminal status
            (IN_SYNC, SYNC_FAILED, DELETE_FAILED).
        phase_started: when ``phase`` began.
        failed_status_details: ``FailedStatusDetails`` in SYNC_FAILED / DELETE_FAILED.
        edge_agent_status: ``EdgeAgentStatus`` (API member names) that
            DescribeEdgeConfiguration reports, or ``None``; tests may seed it.
    """

    __slots__ = (
        "creation_time",
        "edge_agent_status",
        "edge_config",
        "failed_status_details",
        "phase",
        "phase_started",
    )

    def __init__(
        self,
        edge_config: Dict[str, Any],
        *,
        creation_time: _dt.datetime,
        started: _dt.datetime,
        phase: str = EDGE_SYNCING,
    ) -> None:
        self.edge_config = edge_config
        self.creation_time = creation_time
        self.phase = phase
        self.phase_started = started
        self.failed_status_details: Optional[str] = None
        self.edge_agent_status: Optional[Dict[str, Any]] = None

    def __repr__(self) -> str:
        return f"EdgeConfiguration(hub_device_arn={self.hub_device_arn!r}, phase={self.phase!r})"

    @property
    def hub_device_arn(self) -> str:
        """``EdgeConfig.HubDeviceArn``: the IoT thing that runs the Edge Agent."""
        hub: str = self.edge_config["HubDeviceArn"]
        return hub

    @property
    def edge_retention_in_hours(self) -> int:
        """``DeletionConfig.EdgeRetentionInHours``, 720 (30 days) when not given."""
        value = (self.edge_config.get("DeletionConfig") or {}).get("EdgeRetentionInHours")
        return int(value) if value is not None else DEFAULT_EDGE_RETENTION_IN_HOURS

    @property
    def delete_after_upload(self) -> bool:
        """``DeletionConfig.DeleteAfterUpload``, ``True`` when not given."""
        value = (self.edge_config.get("DeletionConfig") or {}).get("DeleteAfterUpload")
        return bool(value) if value is not None else DEFAULT_DELETE_AFTER_UPLOAD

    def begin(self, phase: str, now: _dt.datetime) -> None:
        """Start a process (SYNCING, DELETING) or enter a terminal status at ``now``."""
        self.phase = phase
        self.phase_started = now
        self.failed_status_details = None

    def state_at(self, now: _dt.datetime, transition: _dt.timedelta) -> Optional[EdgeSyncState]:
        """The sync state at ``now`` for processes lasting ``transition``; ``None`` = deleted.

        A finished sync is recorded as IN_SYNC from the moment it finished.
        """
        phase, started = self.phase, self.phase_started
        if phase not in (EDGE_SYNCING, EDGE_DELETING):
            return EdgeSyncState(phase, started)
        elapsed = now - started
        if elapsed < transition / 2:
            return EdgeSyncState(phase, started)
        if elapsed < transition:
            acknowledged = (
                EDGE_ACKNOWLEDGED if phase == EDGE_SYNCING else EDGE_DELETING_ACKNOWLEDGED
            )
            return EdgeSyncState(acknowledged, started + transition / 2)
        if phase == EDGE_DELETING:
            return None
        self.phase, self.phase_started = EDGE_IN_SYNC, started + transition
        return EdgeSyncState(EDGE_IN_SYNC, self.phase_started)
