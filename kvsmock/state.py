"""The in-memory backend: one :class:`Store` per mock, account and region.

Pure Python and no botocore: resources, the rules that keep them consistent, and lookups
that raise the service's errors. Handlers in :mod:`kvsmock.services` translate between
request params and these methods; tests can call the same methods to seed and inspect state
without API calls (``mock.state(account_id=..., region=...)``).

Asynchronous transitions (CREATING -> ACTIVE, UPDATING -> ACTIVE, DELETING -> gone) are
evaluated lazily from timestamps on each access, never by threads, so freezegun and
time-machine drive them. Their length is the mock's ``transition_seconds`` (default 0: done
at once).
"""

from __future__ import annotations

import bisect
import copy
import datetime as _dt
import random
import re
import threading
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, TypeVar, Union

from kvsmock import _clock
from kvsmock.errors import (
    ServiceError,
    invalid_argument,
    not_found,
    resource_in_use,
    version_mismatch,
)

#: Documented maximum of ``DataRetentionInHours`` (87600 h = ten years; API_UpdateDataRetention).
MAX_DATA_RETENTION_IN_HOURS = 87600
#: Documented maximum number of tags on one stream (API TagStream: "up to 50 tags").
MAX_TAGS_PER_RESOURCE = 50
#: Documented default streams-per-account quota (quotas page: 10,000, soft).
DEFAULT_STREAM_LIMIT = 10_000
#: KMS key used when CreateStream has no KmsKeyId (API_CreateStream: "aws/kinesisvideo").
DEFAULT_KMS_ALIAS = "alias/aws/kinesisvideo"

#: ``APIName`` -> data endpoint host prefix. PUT_MEDIA and GET_MEDIA are served by the
#: ``s-`` fleet, the archived-media APIs by the ``b-`` fleet (AWS_BEHAVIOUR.md, Endpoints).
ENDPOINT_FLEET: Mapping[str, str] = {"PUT_MEDIA": "s", "GET_MEDIA": "s"}
DEFAULT_ENDPOINT_FLEET = "b"

CREATING, ACTIVE, UPDATING, DELETING = "CREATING", "ACTIVE", "UPDATING", "DELETING"


class Stream:
    """One Kinesis video stream, named as ``StreamInfo`` names its members.

    Attributes:
        name: ``StreamName``.
        arn: ``StreamARN``, ending in the creation time in epoch milliseconds.
        creation_time: ``CreationTime``, aware UTC, millisecond precision.
        version: ``Version``, 20 alphanumerics, new on every metadata change.
        device_name, media_type, kms_key_id: as in ``StreamInfo`` (``None`` when unset).
        data_retention_in_hours: ``DataRetentionInHours`` (hours, 0..87600).
        tags: the stream's tags, key -> value.
        storage_tier: ``StreamStorageConfiguration.DefaultStorageTier`` (``HOT``/``WARM``).
        endpoint_ids: data endpoint host ids by fleet (``{"s": "1e415f8b", "b": ...}``).
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
        tags: Optional[Dict[str, str]] = None,
        storage_tier: str = "HOT",
        endpoint_ids: Optional[Dict[str, str]] = None,
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


#: A resource with a lifecycle, tags and a Version: a stream or a signaling channel.
Resource = Union[Stream, "SignalingChannel"]
R = TypeVar("R", bound=Resource)

#: Documented default signaling channels per account and region (quotas page: 10,000 in
#: us-east-1 and us-west-2; a mock option, since other regions have 5,000).
DEFAULT_CHANNEL_LIMIT = 10_000
#: ``ChannelType`` default, and the only type the service supports (model doc).
SINGLE_MASTER = "SINGLE_MASTER"
#: ``SingleMasterConfiguration.MessageTtlSeconds`` when CreateSignalingChannel omits it.
DEFAULT_MESSAGE_TTL_SECONDS = 60
#: ResourceInUseException message when a stream or channel linked by
#: UpdateMediaStorageConfiguration is deleted (AWS_BEHAVIOUR.md: the real DeleteStream text).
MEDIA_STORAGE_LINKED_MESSAGE = "Disable MediaStorageConfiguration to delete the {kind}"


class Store:
    """All resources of one account in one region, behind one lock.

    Args:
        account_id: 12-digit AWS account id.
        region: region name; its partition and DNS suffix come from botocore's endpoint data.
        rng: the mock's seeded random source (versions, endpoint ids).
        transition_seconds: how long CREATING / UPDATING / DELETING last (seconds).
        stream_limit: streams allowed per account and region before
            ``AccountStreamLimitExceededException``.
        channel_limit: signaling channels allowed per account and region before
            ``AccountChannelLimitExceededException``.
        partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ...; dns_suffix: ``amazonaws.com``, ...
    """

    def __init__(
        self,
        account_id: str,
        region: str,
        *,
        rng: random.Random,
        partition: str = "aws",
        dns_suffix: str = "amazonaws.com",
        transition_seconds: float = 0.0,
        stream_limit: int = DEFAULT_STREAM_LIMIT,
        channel_limit: int = DEFAULT_CHANNEL_LIMIT,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self.dns_suffix = dns_suffix
        self.rng = rng
        self.transition = _dt.timedelta(seconds=transition_seconds)
        self.stream_limit = stream_limit
        self.channel_limit = channel_limit
        self.lock = threading.RLock()
        self._streams: Dict[str, Stream] = {}
        self._names: List[str] = []  # sorted stream names: ListStreams order and cursor
        self._channels: Dict[str, SignalingChannel] = {}
        self._channel_names: List[str] = []  # sorted: ListSignalingChannels order and cursor
        #: StreamARN -> the channel whose MediaStorageConfiguration is ENABLED on it.
        self._media_links: Dict[str, SignalingChannel] = {}
        #: (resource kind, name) -> last creation time used in an ARN (epoch ms).
        self._last_creation_ms: Dict[Tuple[str, str], int] = {}
        #: Fragments and fragment numbers (:class:`kvsmock.media.MediaState`), created by the
        #: first PutMedia; ``None`` until then.
        self.media: Any = None

    # -- lifecycle -------------------------------------------------------------------------

    def status(self, resource: Resource, now: Optional[_dt.datetime] = None) -> Optional[str]:
        """The ``Status`` of a stream or channel at ``now``, or ``None`` once it is deleted."""
        phase = resource.phase
        if phase is None:
            return ACTIVE
        if (now or _clock.now()) - resource.phase_started < self.transition:
            return phase
        if phase == DELETING:
            self._drop(resource)
            return None
        resource.phase = None
        return ACTIVE

    def _begin(self, resource: Resource, phase: str, now: _dt.datetime) -> None:
        if self.transition:
            resource.phase = phase
            resource.phase_started = now
        elif phase == DELETING:
            self._drop(resource)
        else:
            resource.phase = None

    def _table(self, resource: Resource) -> Tuple[Dict[str, Any], List[str]]:
        if isinstance(resource, SignalingChannel):
            return self._channels, self._channel_names
        return self._streams, self._names

    def _drop(self, resource: Resource) -> None:
        table, names = self._table(resource)
        name = resource.name
        if table.get(name) is resource:
            del table[name]
            if self.media is not None and isinstance(resource, Stream):
                self.media.forget(resource.arn)  # "makes the data ... inaccessible"
            i = bisect.bisect_left(names, name)
            if i < len(names) and names[i] == name:
                del names[i]

    def _creation_ms(self, kind: str, name: str, now: _dt.datetime) -> int:
        # A re-created name never reuses an earlier resource's ARN (the ARN suffix is the
        # creation time): under a frozen clock the new creation time moves 1 ms on.
        created_ms = _clock.epoch_millis(now)
        last = self._last_creation_ms.get((kind, name))
        if last is not None and created_ms <= last:
            created_ms = last + 1
        self._last_creation_ms[(kind, name)] = created_ms
        return created_ms

    def _lookup(
        self,
        kind: str,
        name: Optional[str],
        arn: Optional[str],
        now: Optional[_dt.datetime],
        usable: bool,
    ) -> Resource:
        """The stream or channel (``kind``) named by name or ARN; see :meth:`find_stream`."""
        label = kind.capitalize()
        if name is None and arn is None:
            raise invalid_argument(f"Either {label}Name or {label}ARN must be specified.")
        now = now or _clock.now()
        table: Mapping[str, Resource] = self._channels if kind == "channel" else self._streams
        resource = table.get(name if name is not None else _name_in_arn(arn or ""))
        if resource is None:
            raise not_found(kind)
        status = self.status(resource, now)
        if status is None or (arn is not None and resource.arn != arn):
            raise not_found(kind)
        if usable and status in (CREATING, DELETING):
            raise not_found(kind)
        return resource

    def _iter_sorted(
        self,
        table: Mapping[str, R],
        names: List[str],
        after: Optional[str],
        prefix: str,
        now: Optional[_dt.datetime],
    ) -> Iterator[R]:
        now = now or _clock.now()
        if after is not None and after >= prefix:
            i = bisect.bisect_right(names, after)
        else:
            i = bisect.bisect_left(names, prefix)
        while i < len(names):
            name = names[i]
            if not name.startswith(prefix):
                return
            resource = table[name]
            if self.status(resource, now) is None:  # finished deleting: dropped from names
                continue
            i += 1
            yield resource

    # -- streams ---------------------------------------------------------------------------

    @property
    def streams(self) -> List[Stream]:
        """Every stream that exists now (any status but finished deletion), in name order."""
        with self.lock:
            return list(self.iter_streams())

    def create_stream(
        self,
        name: str,
        *,
        data_retention_in_hours: int = 0,
        device_name: Optional[str] = None,
        media_type: Optional[str] = None,
        kms_key_id: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
        storage_tier: str = "HOT",
        now: Optional[_dt.datetime] = None,
    ) -> Stream:
        """Create a stream as ``CreateStream`` does (API_CreateStream).

        Raises:
            ServiceError: ``ResourceInUseException`` if the name is taken (also by a stream
                still DELETING); ``AccountStreamLimitExceededException`` past
                ``stream_limit``; ``TagsPerResourceExceededLimitException`` over 50 tags;
                ``InvalidArgumentException`` if retention is over 87600 hours.
        """
        with self.lock:
            now = now or _clock.now()
            existing = self._streams.get(name)
            if existing is not None and self.status(existing, now) is not None:
                raise resource_in_use(f"The stream {name} already exists.")
            # Streams whose deletion finished are dropped lazily: count only live ones (the
            # sweep runs only when the table is full, so the common path stays O(1)).
            if len(self._streams) >= self.stream_limit and (
                sum(self.status(s, now) is not None for s in list(self._streams.values()))
                >= self.stream_limit
            ):
                raise ServiceError(
                    "AccountStreamLimitExceededException",
                    f"The number of streams created for the account is too high. "
                    f"The limit is {self.stream_limit}.",
                )
            if data_retention_in_hours > MAX_DATA_RETENTION_IN_HOURS:
                raise invalid_argument(
                    f"1 validation error detected: Value '{data_retention_in_hours}' at "
                    "'dataRetentionInHours' failed to satisfy constraint: Member must have "
                    f"value less than or equal to {MAX_DATA_RETENTION_IN_HOURS}"
                )
            if tags and len(tags) > MAX_TAGS_PER_RESOURCE:
                raise tags_limit()
            created_ms = self._creation_ms("stream", name, now)
            creation_time = _clock.from_epoch_millis(created_ms)
            rng = self.rng
            stream = Stream(
                name=name,
                arn=_clock.resource_arn(
                    self.partition, self.region, self.account_id, "stream", name, created_ms
                ),
                creation_time=creation_time,
                version=_clock.new_version(rng),
                kms_key_id=kms_key_id or self.default_kms_key_arn,
                data_retention_in_hours=data_retention_in_hours,
                device_name=device_name,
                media_type=media_type,
                tags=dict(tags or {}),
                storage_tier=storage_tier,
                endpoint_ids={"s": _clock.new_hex8(rng), "b": _clock.new_hex8(rng)},
            )
            self._streams[name] = stream
            bisect.insort(self._names, name)
            self._begin(stream, CREATING, creation_time)
            return stream

    @property
    def default_kms_key_arn(self) -> str:
        """The ``aws/kinesisvideo`` alias ARN, as DescribeStream reports the default key."""
        return f"arn:{self.partition}:kms:{self.region}:{self.account_id}:{DEFAULT_KMS_ALIAS}"

    def find_stream(
        self,
        name: Optional[str] = None,
        arn: Optional[str] = None,
        *,
        now: Optional[_dt.datetime] = None,
        usable: bool = False,
    ) -> Stream:
        """The stream named by ``StreamName`` or ``StreamARN``.

        Args:
            name, arn: either identifier; when both are given they must name one stream
                (otherwise the stream is not found).
            usable: also treat CREATING and DELETING streams as not found, as the data-plane
                and endpoint APIs do ("not found or not active").

        Raises:
            ServiceError: ``InvalidArgumentException`` when neither is given;
                ``ResourceNotFoundException`` ("The requested stream is not found
                or not active.") when no such stream exists now, including an ARN whose
                creation-time suffix belongs to an earlier stream of the same name.
        """
        stream = self._lookup("stream", name, arn, now, usable)
        assert isinstance(stream, Stream)
        return stream

    def require_active(self, resource: Resource, now: _dt.datetime) -> None:
        """Raise ``ResourceInUseException`` unless the stream or channel is ACTIVE."""
        status = self.status(resource, now)
        if status != ACTIVE:
            kind = _kind_of(resource)
            raise resource_in_use(
                f"The {kind} {resource.name} is in {status} status; the operation needs an "
                f"ACTIVE {kind}."
            )

    @staticmethod
    def check_version(resource: Resource, current_version: Optional[str], required: bool) -> None:
        """Raise ``VersionMismatchException`` if ``CurrentVersion`` is not the resource's."""
        if current_version is None:
            if required:
                raise invalid_argument("CurrentVersion must be specified.")
            return
        if current_version != resource.version:
            raise version_mismatch(_kind_of(resource))

    def update_stream(
        self,
        stream: Stream,
        *,
        device_name: Optional[str] = None,
        media_type: Optional[str] = None,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Apply ``UpdateStream``: new metadata, a new Version, UPDATING then ACTIVE."""
        now = now or _clock.now()
        self.require_active(stream, now)
        if device_name is not None:
            stream.device_name = device_name
        if media_type is not None:
            stream.media_type = media_type
        stream.version = _clock.new_version(self.rng)
        self._begin(stream, UPDATING, now)

    def change_retention(
        self, stream: Stream, delta_hours: int, *, now: Optional[_dt.datetime] = None
    ) -> None:
        """Apply ``UpdateDataRetention`` by a signed number of hours (API_UpdateDataRetention).

        Raises:
            ServiceError: ``ResourceInUseException`` if not ACTIVE;
                ``InvalidArgumentException`` if the result leaves 0..87600 hours.
        """
        now = now or _clock.now()
        self.require_active(stream, now)
        new = stream.data_retention_in_hours + delta_hours
        if not 0 <= new <= MAX_DATA_RETENTION_IN_HOURS:
            raise invalid_argument(
                f"The data retention period would become {new} hours; it must be between 0 "
                f"and {MAX_DATA_RETENTION_IN_HOURS} hours."
            )
        stream.data_retention_in_hours = new
        if self.media is not None:
            self.media.on_retention_change(stream, now)  # a decrease deletes older data now
        stream.version = _clock.new_version(self.rng)
        self._begin(stream, UPDATING, now)

    def delete_stream(self, stream: Stream, *, now: Optional[_dt.datetime] = None) -> None:
        """Apply ``DeleteStream``: DELETING at once, gone after ``transition_seconds``.

        Raises:
            ServiceError: ``ResourceInUseException`` while CREATING or UPDATING, or while a
                signaling channel stores its media in the stream (UpdateMediaStorageConfiguration).
        """
        now = now or _clock.now()
        status = self.status(stream, now)
        if status in (CREATING, UPDATING):
            raise resource_in_use(
                f"The stream {stream.name} is in {status} status and cannot be deleted now."
            )
        if status == DELETING:
            raise not_found()
        if stream.arn in self._media_links:
            raise resource_in_use(MEDIA_STORAGE_LINKED_MESSAGE.format(kind="stream"))
        self._begin(stream, DELETING, now)

    def iter_streams(
        self, after: Optional[str] = None, prefix: str = "", now: Optional[_dt.datetime] = None
    ) -> Iterator[Stream]:
        """Existing streams in name order, starting after ``after`` and matching ``prefix``.

        Callers hold :attr:`lock` while iterating.
        """
        return self._iter_sorted(self._streams, self._names, after, prefix, now)

    # -- tags ------------------------------------------------------------------------------

    @staticmethod
    def tag(resource: Resource, tags: Mapping[str, str]) -> None:
        """Add or replace tags of a stream or channel; over 50 in total raises, stores nothing."""
        merged = {**resource.tags, **tags}
        if len(merged) > MAX_TAGS_PER_RESOURCE:
            raise tags_limit()
        resource.tags = merged

    @staticmethod
    def untag(resource: Resource, keys: List[str]) -> None:
        """Remove tags by key; keys that are not there are ignored (API UntagStream)."""
        for key in keys:
            resource.tags.pop(key, None)

    def find_resource(self, arn: str, *, now: Optional[_dt.datetime] = None) -> Resource:
        """The stream or channel an ARN names (TagResource and friends).

        Raises:
            ServiceError: ``ResourceNotFoundException`` when no such stream or channel
                exists now in this account and region, or the ARN's resource type is neither
                ``stream`` nor ``channel``.
        """
        kind = _kind_in_arn(arn)
        if kind == "stream":
            return self.find_stream(arn=arn, now=now)
        if kind == "channel":
            return self.find_channel(arn=arn, now=now)
        raise not_found("resource")

    # -- signaling channels ----------------------------------------------------------------

    @property
    def channels(self) -> List[SignalingChannel]:
        """Every signaling channel that exists now (any status but deleted), in name order."""
        with self.lock:
            return list(self.iter_channels())

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
            existing = self._channels.get(name)
            if existing is not None and self.status(existing, now) is not None:
                raise resource_in_use(f"The signaling channel {name} already exists.")
            live = [c for c in list(self._channels.values()) if self.status(c, now) is not None]
            if len(live) >= self.channel_limit:
                raise ServiceError(
                    "AccountChannelLimitExceededException",
                    "The number of signaling channels created for the account is too high. "
                    f"The limit is {self.channel_limit}.",
                )
            if channel_type != SINGLE_MASTER:
                raise invalid_argument(
                    f"The channel type {channel_type} is not supported. Currently, "
                    "SINGLE_MASTER is the only supported channel type."
                )
            _check_ttl(message_ttl_seconds)
            if tags and len(tags) > MAX_TAGS_PER_RESOURCE:
                raise tags_limit()
            created_ms = self._creation_ms("channel", name, now)
            creation_time = _clock.from_epoch_millis(created_ms)
            rng = self.rng
            channel = SignalingChannel(
                name=name,
                arn=_clock.resource_arn(
                    self.partition, self.region, self.account_id, "channel", name, created_ms
                ),
                creation_time=creation_time,
                version=_clock.new_version(rng),
                channel_type=channel_type,
                message_ttl_seconds=message_ttl_seconds,
                tags=dict(tags or {}),
                endpoint_ids={p: _clock.new_hex8(rng) for p in CHANNEL_ENDPOINT_PREFIXES},
            )
            self._channels[name] = channel
            bisect.insort(self._channel_names, name)
            self._begin(channel, CREATING, creation_time)
            return channel

    def find_channel(
        self,
        name: Optional[str] = None,
        arn: Optional[str] = None,
        *,
        now: Optional[_dt.datetime] = None,
        usable: bool = False,
    ) -> SignalingChannel:
        """The channel named by ``ChannelName`` or ``ChannelARN`` (as :meth:`find_stream`).

        Raises:
            ServiceError: ``InvalidArgumentException`` when neither is given;
                ``ResourceNotFoundException`` ("The requested channel is not found or not
                active.") when no such channel exists now.
        """
        channel = self._lookup("channel", name, arn, now, usable)
        assert isinstance(channel, SignalingChannel)
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

    def iter_channels(
        self, after: Optional[str] = None, prefix: str = "", now: Optional[_dt.datetime] = None
    ) -> Iterator[SignalingChannel]:
        """Existing channels in name order, after ``after`` and matching ``prefix``.

        Callers hold :attr:`lock` while iterating.
        """
        return self._iter_sorted(self._channels, self._channel_names, after, prefix, now)

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
        return f"{scheme}://{host}.{self.dns_suffix}"

    # -- WebRTC media storage --------------------------------------------------------------

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

    # -- stream configurations -------------------------------------------------------------

    def update_image_generation_configuration(
        self,
        stream: Stream,
        config: Optional[ImageGenerationConfiguration],
        *,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Apply ``UpdateImageGenerationConfiguration`` (API_UpdateImageGenerationConfiguration).

        Args:
            stream: the stream to configure.
            config: the new configuration, or ``None`` to delete it ("If the structure is
                null, the configuration will be deleted from the stream").

        Raises:
            ServiceError: ``InvalidArgumentException`` for a member that breaks a documented
                rule (see :func:`check_image_generation_configuration`);
                ``ResourceInUseException`` unless the stream is ACTIVE;
                ``NoDataRetentionException`` when enabling on a stream with 0 hours of
                retention.
        """
        now = now or _clock.now()
        if config is not None:
            check_image_generation_configuration(config, self.region)
        self.require_active(stream, now)
        if config is not None and config.enabled and stream.data_retention_in_hours == 0:
            raise no_data_retention(stream.name)
        stream.image_generation_configuration = config

    def update_notification_configuration(
        self,
        stream: Stream,
        config: Optional[NotificationConfiguration],
        *,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Apply ``UpdateNotificationConfiguration`` (API_UpdateNotificationConfiguration).

        Args:
            stream: the stream to configure.
            config: the new configuration, or ``None`` to delete it.

        Raises:
            ServiceError: ``InvalidArgumentException`` unless the destination is an SNS
                standard topic ARN (see :func:`check_notification_configuration`);
                ``ResourceInUseException`` unless the stream is ACTIVE;
                ``NoDataRetentionException`` when enabling on a stream with 0 hours of
                retention.
        """
        now = now or _clock.now()
        if config is not None:
            check_notification_configuration(config)
        self.require_active(stream, now)
        if config is not None and config.enabled and stream.data_retention_in_hours == 0:
            raise no_data_retention(stream.name)
        stream.notification_configuration = config

    def update_storage_tier(
        self, stream: Stream, tier: str, *, now: Optional[_dt.datetime] = None
    ) -> None:
        """Apply ``UpdateStreamStorageConfiguration``: a new ``DefaultStorageTier``.

        Like ``UpdateStream`` it is asynchronous: the stream gets a new Version and is
        UPDATING for ``transition_seconds``, then ACTIVE (API_UpdateStreamStorageConfiguration).
        The caller checks ``CurrentVersion`` first (:meth:`check_version`).

        Raises:
            ServiceError: ``InvalidArgumentException`` for a tier other than HOT / WARM;
                ``ResourceInUseException`` unless the stream is ACTIVE.
        """
        now = now or _clock.now()
        if tier not in STORAGE_TIERS:
            raise invalid_argument(
                f"1 validation error detected: Value '{tier}' at "
                "'streamStorageConfiguration.defaultStorageTier' failed to satisfy "
                f"constraint: Member must satisfy enum value set: [{', '.join(STORAGE_TIERS)}]"
            )
        self.require_active(stream, now)
        stream.storage_tier = tier
        stream.version = _clock.new_version(self.rng)
        self._begin(stream, UPDATING, now)

    # -- edge configuration ----------------------------------------------------------------

    def edge_state(
        self, stream: Stream, now: Optional[_dt.datetime] = None
    ) -> Optional[EdgeSyncState]:
        """The edge configuration's ``SyncStatus`` and when it began, or ``None``.

        ``None`` when the stream has no edge configuration, including once a deletion has
        finished (the configuration is then dropped from the stream).
        """
        edge = stream.edge_configuration
        if edge is None:
            return None
        state = edge.state_at(now or _clock.now(), self.transition)
        if state is None:
            stream.edge_configuration = None
        return state

    def edge_sync_status(self, stream: Stream, now: Optional[_dt.datetime] = None) -> Optional[str]:
        """The ``SyncStatus`` of the stream's edge configuration now, or ``None`` if none."""
        state = self.edge_state(stream, now)
        return state.sync_status if state is not None else None

    def find_edge_configuration(
        self, stream: Stream, now: Optional[_dt.datetime] = None
    ) -> Tuple[EdgeConfiguration, EdgeSyncState]:
        """The stream's edge configuration and its sync state (DescribeEdgeConfiguration).

        Raises:
            ServiceError: ``StreamEdgeConfigurationNotFoundException`` (HTTP 404) when the
                stream has none or its deletion has finished.
        """
        state = self.edge_state(stream, now)
        edge = stream.edge_configuration
        if state is None or edge is None:
            raise edge_configuration_not_found(stream.name)
        return edge, state

    def start_edge_configuration_update(
        self,
        stream: Stream,
        edge_config: Mapping[str, Any],
        *,
        now: Optional[_dt.datetime] = None,
    ) -> EdgeConfiguration:
        """Apply ``StartEdgeConfigurationUpdate`` (API_StartEdgeConfigurationUpdate).

        Creates the configuration or replaces it; either way ``SyncStatus`` starts at
        SYNCING and moves to ACKNOWLEDGED halfway through ``transition_seconds`` and to
        IN_SYNC at its end. ``CreationTime`` is kept across updates.

        Args:
            stream: the stream the Edge Agent records and uploads to.
            edge_config: the ``EdgeConfig`` (API member names), already checked against
                the model.

        Raises:
            ServiceError: ``InvalidArgumentException`` for a schedule that is not a Quartz
                cron expression (:func:`check_edge_config`), or a ``HubDeviceArn`` other
                than the current one (move devices by deleting first);
                ``ResourceInUseException`` unless the stream is ACTIVE, and while a sync or
                deletion is in progress or failed deletion awaits a retry (SYNCING,
                ACKNOWLEDGED, DELETING, DELETING_ACKNOWLEDGED, DELETE_FAILED);
                ``NoDataRetentionException`` when the stream keeps no data (0 hours).
        """
        now = now or _clock.now()
        check_edge_config(edge_config)
        self.require_active(stream, now)
        state = self.edge_state(stream, now)
        current = stream.edge_configuration
        if current is not None and state is not None:
            if state.sync_status in EDGE_BUSY_STATUSES:
                raise resource_in_use(
                    f"The edge configuration of the stream {stream.name} is in "
                    f"{state.sync_status} status; wait for IN_SYNC or SYNC_FAILED before "
                    "updating it."
                )
            hub = edge_config["HubDeviceArn"]
            if hub != current.hub_device_arn:
                raise invalid_argument(
                    f"The edge configuration of the stream {stream.name} belongs to the hub "
                    f"device {current.hub_device_arn}; to move it to {hub}, call "
                    "DeleteEdgeConfiguration first."
                )
        if stream.data_retention_in_hours == 0:
            raise no_data_retention(stream.name)
        edge = EdgeConfiguration(
            copy.deepcopy(dict(edge_config)),
            creation_time=current.creation_time if current is not None else now,
            started=now,
        )
        stream.edge_configuration = edge
        return edge

    def delete_edge_configuration(
        self, stream: Stream, *, now: Optional[_dt.datetime] = None
    ) -> EdgeConfiguration:
        """Apply ``DeleteEdgeConfiguration`` (API_DeleteEdgeConfiguration).

        ``SyncStatus`` becomes DELETING, DELETING_ACKNOWLEDGED halfway through
        ``transition_seconds``, and the configuration is gone at its end. Deleting while a
        deletion is already in progress changes nothing; any other status (also a sync in
        progress, or DELETE_FAILED for a retry) starts the deletion.

        Raises:
            ServiceError: ``StreamEdgeConfigurationNotFoundException`` when there is none.
        """
        now = now or _clock.now()
        edge, state = self.find_edge_configuration(stream, now)
        if state.sync_status not in (EDGE_DELETING, EDGE_DELETING_ACKNOWLEDGED):
            edge.begin(EDGE_DELETING, now)
        return edge

    def fail_edge_sync(
        self,
        stream: Stream,
        details: Optional[str] = None,
        *,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Test helper: make the sync or deletion in progress fail, as a lost device would.

        A sync (SYNCING / ACKNOWLEDGED) becomes SYNC_FAILED, a deletion (DELETING /
        DELETING_ACKNOWLEDGED) DELETE_FAILED, with ``details`` as ``FailedStatusDetails``.

        Raises:
            ServiceError: ``StreamEdgeConfigurationNotFoundException`` when there is none.
            ValueError: when no sync or deletion is in progress.
        """
        now = now or _clock.now()
        edge, state = self.find_edge_configuration(stream, now)
        if state.sync_status in (EDGE_SYNCING, EDGE_ACKNOWLEDGED):
            edge.begin(EDGE_SYNC_FAILED, now)
            edge.failed_status_details = details or DEFAULT_SYNC_FAILED_DETAILS
        elif state.sync_status in (EDGE_DELETING, EDGE_DELETING_ACKNOWLEDGED):
            edge.begin(EDGE_DELETE_FAILED, now)
            edge.failed_status_details = details or DEFAULT_DELETE_FAILED_DETAILS
        else:
            raise ValueError(
                f"The edge configuration of {stream.name} is {state.sync_status}: no sync or "
                "deletion is in progress to fail."
            )

    def edge_configurations(
        self,
        hub_device_arn: str,
        *,
        after: Optional[str] = None,
        now: Optional[_dt.datetime] = None,
    ) -> Iterator[Tuple[Stream, EdgeConfiguration, EdgeSyncState]]:
        """The edge configurations of one hub device, in stream-name order after ``after``.

        Used by ``ListEdgeAgentConfigurations``; callers hold :attr:`lock` while iterating.
        """
        now = now or _clock.now()
        for stream in self.iter_streams(after=after, now=now):
            edge = stream.edge_configuration
            if edge is None or edge.hub_device_arn != hub_device_arn:
                continue
            state = self.edge_state(stream, now)
            if state is not None:
                yield stream, edge, state


def tags_limit() -> ServiceError:
    """``TagsPerResourceExceededLimitException``: a resource would carry over 50 tags."""
    return ServiceError(
        "TagsPerResourceExceededLimitException",
        f"The resource can have at most {MAX_TAGS_PER_RESOURCE} tags.",
    )


def _name_in_arn(arn: str) -> str:
    # ``...:<kind>/<name>/<creation ms>``; the model pattern has already been checked.
    resource = arn.split(":", 5)[-1]
    parts = resource.split("/")
    return parts[1] if len(parts) == 3 else ""


# -- signaling channels ------------------------------------------------------------------------

#: ``MessageTtlSeconds`` bounds (model shape ``MessageTtlSeconds``), in seconds.
MIN_MESSAGE_TTL_SECONDS, MAX_MESSAGE_TTL_SECONDS = 5, 120
#: ``ChannelProtocol`` -> endpoint host prefix: ``m-`` (WSS, MASTER; ``v-`` for a VIEWER),
#: ``r-`` (HTTPS) as seen in real responses; ``w-`` (WEBRTC) is kvsmock's choice.
CHANNEL_ENDPOINT_FLEET: Mapping[str, str] = {"WSS": "m", "HTTPS": "r", "WEBRTC": "w"}
#: Every host prefix a channel has an id for, in the order the ids are drawn.
CHANNEL_ENDPOINT_PREFIXES = ("m", "v", "r", "w")


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
        tags: Optional[Dict[str, str]] = None,
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


def _check_ttl(seconds: int) -> None:
    if not MIN_MESSAGE_TTL_SECONDS <= seconds <= MAX_MESSAGE_TTL_SECONDS:
        raise invalid_argument(
            f"1 validation error detected: Value '{seconds}' at "
            "'singleMasterConfiguration.messageTtlSeconds' failed to satisfy constraint: "
            f"Member must have value between {MIN_MESSAGE_TTL_SECONDS} and "
            f"{MAX_MESSAGE_TTL_SECONDS}"
        )


def _kind_of(resource: Resource) -> str:
    return "channel" if isinstance(resource, SignalingChannel) else "stream"


def _kind_in_arn(arn: str) -> str:
    # ``...:<kind>/<name>/<creation ms>``: ``stream`` or ``channel`` for KVS resources.
    return arn.split(":", 5)[-1].split("/", 1)[0]


# -- stream configurations ---------------------------------------------------------------
# Image generation, notifications and the storage tier (API_UpdateImageGenerationConfiguration,
# API_UpdateNotificationConfiguration, API_UpdateStreamStorageConfiguration). The model has
# already checked enums, lengths and patterns; the rules here are the documented ones the
# model cannot express.

#: ``StreamStorageConfiguration.DefaultStorageTier`` values; HOT is the default.
STORAGE_TIERS = ("HOT", "WARM")
#: The only ``FormatConfig`` key, its documented range and its default
#: (API_ImageGenerationConfiguration: "accepts ints from 1 to 100", "default ... 80").
JPEG_QUALITY_KEY = "JPEGQuality"
MIN_JPEG_QUALITY, MAX_JPEG_QUALITY, DEFAULT_JPEG_QUALITY = 1, 100, 80
#: Documented minimum ``SamplingInterval`` in milliseconds ("The minimum value ... is 200 ms").
MIN_SAMPLING_INTERVAL_MS = 200
#: Images are delivered to an S3 bucket (gs-s3Delivery: ``"Uri": "s3://bucket-name"``):
#: ``s3://<bucket>[/<prefix>]`` with an S3 bucket name (3-63 of ``[a-z0-9.-]``).
S3_DESTINATION_URI = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^*]*)?")
#: Notifications go to an SNS standard topic (notifications.html; FIFO topics are not
#: supported): ``arn:<partition>:sns:<region>:<account>:<topic>``.
SNS_TOPIC_ARN = re.compile(
    r"arn:[a-z0-9-]+:sns:[a-z0-9-]+:[0-9]{12}:([A-Za-z0-9_-]{1,256})(\.fifo)?"
)


def no_data_retention(stream_name: str) -> ServiceError:
    """``NoDataRetentionException`` (HTTP 400): the stream keeps no data (0 hours)."""
    return ServiceError(
        "NoDataRetentionException",
        f"The data retention in hours of the stream {stream_name} is equal to zero.",
    )


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


def check_image_generation_configuration(config: ImageGenerationConfiguration, region: str) -> None:
    """Enforce the documented rules the model cannot express.

    * ``SamplingInterval`` is at least 200 ms (the model declares no bounds);
    * the ``FormatConfig`` value of ``JPEGQuality`` is an integer from 1 to 100;
    * ``DestinationConfig.Uri`` is an S3 URI, ``s3://<bucket>[/<prefix>]``;
    * ``DestinationConfig.DestinationRegion`` "must match the Region where the stream is
      located".

    Raises:
        ServiceError: ``InvalidArgumentException`` naming the first broken rule.
    """
    path = "imageGenerationConfiguration"
    if config.sampling_interval < MIN_SAMPLING_INTERVAL_MS:
        raise invalid_argument(
            f"1 validation error detected: Value '{config.sampling_interval}' at "
            f"'{path}.samplingInterval' failed to satisfy constraint: Member must have value "
            f"greater than or equal to {MIN_SAMPLING_INTERVAL_MS}"
        )
    quality = (config.format_config or {}).get(JPEG_QUALITY_KEY)
    if quality is not None and not (
        _is_number(quality) and MIN_JPEG_QUALITY <= int(quality) <= MAX_JPEG_QUALITY
    ):
        raise invalid_argument(
            f"The FormatConfig value of {JPEG_QUALITY_KEY} must be an integer from "
            f"{MIN_JPEG_QUALITY} to {MAX_JPEG_QUALITY}, not '{quality}'."
        )
    if S3_DESTINATION_URI.fullmatch(config.destination_uri) is None:
        raise invalid_argument(
            f"The DestinationConfig Uri '{config.destination_uri}' is not an Amazon S3 URI "
            "(s3://<bucket>[/<prefix>])."
        )
    if config.destination_region != region:
        raise invalid_argument(
            f"The DestinationRegion {config.destination_region} must match the Region of the "
            f"stream, {region}."
        )


def check_notification_configuration(config: NotificationConfiguration) -> None:
    """Enforce that the destination is an SNS standard topic ARN (FIFO is not supported).

    Raises:
        ServiceError: ``InvalidArgumentException`` otherwise.
    """
    match = SNS_TOPIC_ARN.fullmatch(config.destination_uri)
    if match is None:
        raise invalid_argument(
            f"The DestinationConfig Uri '{config.destination_uri}' is not the ARN of an "
            "Amazon SNS topic."
        )
    if match.group(2):
        raise invalid_argument(
            f"The Amazon SNS topic {config.destination_uri} is a FIFO topic; Kinesis Video "
            "Streams notifications support only standard topics."
        )


# -- edge configuration ------------------------------------------------------------------
# StartEdgeConfigurationUpdate / DescribeEdgeConfiguration / DeleteEdgeConfiguration /
# ListEdgeAgentConfigurations. ``SyncStatus`` moves lazily, from timestamps: SYNCING ->
# ACKNOWLEDGED (halfway through ``transition_seconds``) -> IN_SYNC, and DELETING ->
# DELETING_ACKNOWLEDGED -> gone. SYNC_FAILED and DELETE_FAILED come only from
# :meth:`Store.fail_edge_sync` (the mock's Edge Agent never loses connectivity).

EDGE_SYNCING, EDGE_ACKNOWLEDGED, EDGE_IN_SYNC = "SYNCING", "ACKNOWLEDGED", "IN_SYNC"
EDGE_SYNC_FAILED, EDGE_DELETE_FAILED = "SYNC_FAILED", "DELETE_FAILED"
EDGE_DELETING, EDGE_DELETING_ACKNOWLEDGED = "DELETING", "DELETING_ACKNOWLEDGED"
#: Statuses in which StartEdgeConfigurationUpdate raises ResourceInUseException ("wait for
#: the sync status to reach a terminal state such as IN_SYNC, or SYNC_FAILED").
EDGE_BUSY_STATUSES = frozenset(
    {
        EDGE_SYNCING,
        EDGE_ACKNOWLEDGED,
        EDGE_DELETING,
        EDGE_DELETING_ACKNOWLEDGED,
        EDGE_DELETE_FAILED,
    }
)
#: Documented defaults of ``DeletionConfig`` members left out of the request.
DEFAULT_EDGE_RETENTION_IN_HOURS = 720
DEFAULT_DELETE_AFTER_UPLOAD = True
#: ``FailedStatusDetails`` when :meth:`Store.fail_edge_sync` is given none.
DEFAULT_SYNC_FAILED_DETAILS = (
    "The Edge Agent did not acknowledge the edge configuration within 15 minutes."
)
DEFAULT_DELETE_FAILED_DETAILS = "The Edge Agent could not delete the edge configuration."


def edge_configuration_not_found(stream_name: str) -> ServiceError:
    """``StreamEdgeConfigurationNotFoundException`` (HTTP 404): the stream has none."""
    return ServiceError(
        "StreamEdgeConfigurationNotFoundException",
        f"The edge configuration of the stream {stream_name} is not found.",
    )


@dataclass(frozen=True)
class EdgeSyncState:
    """An edge configuration's ``SyncStatus`` and when it began (``LastUpdatedTime``)."""

    sync_status: str
    since: _dt.datetime


class EdgeConfiguration:
    """A stream's edge configuration (StartEdgeConfigurationUpdate) and its sync progress.

    Read the current ``SyncStatus`` with :meth:`Store.edge_sync_status` (or
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


def check_edge_config(edge_config: Mapping[str, Any]) -> None:
    """Enforce the documented rules of an ``EdgeConfig`` that the model cannot express.

    The recorder's and the uploader's ``ScheduleExpression`` must be Quartz cron
    expressions (the model only bounds their length, 11..100).

    Raises:
        ServiceError: ``InvalidArgumentException`` naming each bad schedule.
    """
    problems: List[str] = []
    for part in ("RecorderConfig", "UploaderConfig"):
        schedule = (edge_config.get(part) or {}).get("ScheduleConfig")
        if not schedule:
            continue
        expression = schedule["ScheduleExpression"]
        problem = quartz_cron_problem(expression)
        if problem is not None:
            problems.append(
                f"The ScheduleExpression '{expression}' of EdgeConfig.{part}.ScheduleConfig "
                f"is not a valid Quartz cron expression: {problem}."
            )
    if problems:
        raise invalid_argument(" ".join(problems))


_CRON_FIELDS = (
    ("seconds", 0, 59),
    ("minutes", 0, 59),
    ("hours", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 1, 7),
    ("year", 1970, 2099),
)
_DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK = 3, 4, 5
_CRON_NAMES: Mapping[int, Mapping[str, int]] = {
    _MONTH: {
        name: i
        for i, name in enumerate(
            ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
            1,
        )
    },
    _DAY_OF_WEEK: {
        name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)
    },
}


def quartz_cron_problem(expression: str) -> Optional[str]:
    """Why ``expression`` is not a Quartz cron expression, or ``None`` when it is one.

    Quartz (the syntax the edge schedules use, per the model documentation) has 6 or 7
    fields: seconds, minutes, hours, day-of-month, month, day-of-week and an optional year.
    Each field is ``*``, a value, a range ``a-b``, an increment ``a/n`` / ``*/n`` /
    ``a-b/n``, or a comma list of these; months and days of the week may be names
    (``JAN``, ``MON``). Day-of-month also takes ``L``, ``L-n``, ``LW`` and ``nW``;
    day-of-week ``L``, ``nL`` and ``n#k``. Exactly one of day-of-month and day-of-week is
    ``?``. Example: ``0 0/30 * * * ?`` (every 30 minutes).
    """
    fields = expression.split()
    if len(fields) not in (6, 7):
        return (
            f"it has {len(fields)} fields, not 6 or 7 (seconds minutes hours day-of-month "
            "month day-of-week [year])"
        )
    for index, field in enumerate(fields):
        problem = _cron_field_problem(index, field)
        if problem is not None:
            return f"{_CRON_FIELDS[index][0]} field '{field}': {problem}"
    if (fields[_DAY_OF_MONTH] == "?") == (fields[_DAY_OF_WEEK] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None


def _cron_field_problem(index: int, field: str) -> Optional[str]:
    if field == "?":
        if index in (_DAY_OF_MONTH, _DAY_OF_WEEK):
            return None
        return "'?' is allowed only in day-of-month and day-of-week"
    for item in field.split(","):
        problem = _cron_item_problem(index, item)
        if problem is not None:
            return problem
    return None


def _cron_item_problem(index: int, item: str) -> Optional[str]:
    hi = _CRON_FIELDS[index][2]
    if index == _DAY_OF_MONTH:
        if item.upper() in ("L", "LW"):
            return None
        special = re.fullmatch(r"L-([0-9]+)", item, re.IGNORECASE)
        if special is not None:
            return None if int(special.group(1)) <= 30 else "the L offset must be at most 30"
        special = re.fullmatch(r"([0-9]+)W", item, re.IGNORECASE)
        if special is not None:
            return _cron_value_problem(index, special.group(1))
    if index == _DAY_OF_WEEK:
        if item.upper() == "L":
            return None
        special = re.fullmatch(r"([A-Z0-9]+?)L", item, re.IGNORECASE)
        if special is not None:
            return _cron_value_problem(index, special.group(1))
        special = re.fullmatch(r"([A-Z0-9]+)#([0-9]+)", item, re.IGNORECASE)
        if special is not None:
            if not 1 <= int(special.group(2)) <= 5:
                return "the # occurrence must be from 1 to 5"
            return _cron_value_problem(index, special.group(1))
    base, slash, step = item.partition("/")
    if slash and not (_is_number(step) and 1 <= int(step) <= hi):
        return f"the increment '{step}' must be an integer from 1 to {hi}"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    for value in (start, end) if dash else (start,):
        problem = _cron_value_problem(index, value)
        if problem is not None:
            return problem
    return None


def _cron_value_problem(index: int, text: str) -> Optional[str]:
    _, lo, hi = _CRON_FIELDS[index]
    names = _CRON_NAMES.get(index, {})
    if text.upper() in names:
        return None
    if not _is_number(text):
        return f"'{text}' is not a valid value"
    if not lo <= int(text) <= hi:
        return f"{int(text)} is outside {lo}-{hi}"
    return None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()
