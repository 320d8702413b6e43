"""The store's shared machinery: lifecycle, lookups, versions and tags of streams and
signaling channels, under which every module of one kind of resource sits.

:class:`StoreBase` holds what every kind needs (the account and region, the lock, the seeded
rng, the tables of streams and channels); the modules above it (``streams``, ``channels``,
``configurations``, ``edge``, ``webrtc``) each add the operations of one kind of resource
as a mixin of it, and :class:`kvsmock.state.Store` combines them. Nothing here imports
them.

Asynchronous transitions (CREATING -> ACTIVE, UPDATING -> ACTIVE, DELETING -> gone) are
evaluated lazily from timestamps on each access, never by threads, so freezegun and
time-machine drive them. Their length is the mock's ``transition_seconds`` (default 0: done
at once).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import random
import threading
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, TypeVar, Union

from kvsmock import _clock
from kvsmock.errors import (
    ServiceError,
    invalid_argument,
    not_found,
    resource_in_use,
    version_mismatch,
)
from kvsmock.state.resources import (
    ACTIVE,
    CREATING,
    DELETING,
    SignalingChannel,
    Stream,
)

#: Documented maximum number of tags on one stream (API TagStream: "up to 50 tags").
MAX_TAGS_PER_RESOURCE = 50
#: Documented default streams-per-account quota (quotas page: 10,000, soft).
DEFAULT_STREAM_LIMIT = 10_000
#: Documented default signaling channels per account and region (quotas page: 10,000 in
#: us-east-1 and us-west-2; a mock option, since other regions have 5,000).
DEFAULT_CHANNEL_LIMIT = 10_000

#: A resource with a lifecycle, tags and a Version: a stream or a signaling channel.
Resource = Union[Stream, SignalingChannel]
R = TypeVar("R", bound=Resource)
#: Resource kind (as in its ARN) -> (name in messages, plural, account-limit error code).
_KINDS: Mapping[str, Tuple[str, str, str]] = {
    "stream": ("stream", "streams", "AccountStreamLimitExceededException"),
    "channel": ("signaling channel", "signaling channels", "AccountChannelLimitExceededException"),
}
#: KMS key used when CreateStream has no KmsKeyId (API_CreateStream: "aws/kinesisvideo").
DEFAULT_KMS_ALIAS = "alias/aws/kinesisvideo"
#: ResourceInUseException message when a stream or channel linked by
#: UpdateMediaStorageConfiguration is deleted (AWS_BEHAVIOUR.md: the real DeleteStream text).
MEDIA_STORAGE_LINKED_MESSAGE = "Disable MediaStorageConfiguration to delete the {kind}"


class StoreBase:
    """All resources of one account in one region, behind one lock (the shared part).

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
        #: The ``aws/kinesisvideo`` alias ARN, the KMS key of streams created without one
        #: (one string shared by every such stream: optimisation 15, 1.1 MiB per 10,000).
        self.default_kms_key_arn = f"arn:{partition}:kms:{region}:{account_id}:{DEFAULT_KMS_ALIAS}"
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
        #: resource kind -> name -> creation time (epoch ms, as in its ARN) of the last
        #: resource of that name whose deletion finished; a live resource's name cannot be
        #: taken, so a new resource of a name only has to come after these.
        self._last_creation_ms: Dict[str, Dict[str, int]] = {"stream": {}, "channel": {}}
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

    def require_active(self, resource: Resource, now: _dt.datetime) -> None:
        """Raise ``ResourceInUseException`` unless the stream or channel is ACTIVE."""
        status = self.status(resource, now)
        if status != ACTIVE:
            kind = _kind_of(resource)
            raise resource_in_use(
                f"The {kind} {resource.name} is in {status} status; the operation needs an "
                f"ACTIVE {kind}."
            )

    # -- tables and lookups -----------------------------------------------------------------

    def _table(self, resource: Resource) -> Tuple[Dict[str, Any], List[str]]:
        if isinstance(resource, SignalingChannel):
            return self._channels, self._channel_names
        return self._streams, self._names

    def _drop(self, resource: Resource) -> None:
        table, names = self._table(resource)
        name = resource.name
        if table.get(name) is resource:
            # What a later resource of this name must come after (see _identity): the
            # creation time in its ARN, which is what an old ARN is matched by (its
            # ``creation_time`` attribute is the user's to change through ``mock.state()``).
            created_ms = _arn_millis(resource.arn)
            if created_ms is not None:
                self._last_creation_ms[_kind_of(resource)][name] = created_ms
            del table[name]
            if self.media is not None and isinstance(resource, Stream):
                self.media.forget(resource.arn)  # "makes the data ... inaccessible"
            i = bisect.bisect_left(names, name)
            if i < len(names) and names[i] == name:
                del names[i]

    def _claim(self, kind: str, name: str, now: _dt.datetime) -> None:
        """Check that a new ``kind`` resource may take ``name`` now.

        Raises:
            ServiceError: ``ResourceInUseException`` if the name is taken (also by a
                resource still DELETING); the account limit error past the kind's quota.
        """
        label, plural, limit_code = _KINDS[kind]
        table: Mapping[str, Resource] = self._channels if kind == "channel" else self._streams
        existing = table.get(name)
        if existing is not None and self.status(existing, now) is not None:
            raise resource_in_use(f"The {label} {name} already exists.")
        limit = self.channel_limit if kind == "channel" else self.stream_limit
        # Resources whose deletion finished are dropped lazily: count only live ones (the
        # sweep runs only when the table is full, so the common path stays O(1)).
        if len(table) >= limit and (
            sum(self.status(r, now) is not None for r in list(table.values())) >= limit
        ):
            raise ServiceError(
                limit_code,
                f"The number of {plural} created for the account is too high. "
                f"The limit is {limit}.",
            )

    def _identity(self, kind: str, name: str, now: _dt.datetime) -> Tuple[_dt.datetime, str]:
        """The creation time and ARN of a new resource; call once every check has passed.

        A re-created name never reuses an earlier resource's ARN (the ARN suffix is the
        creation time): under a frozen clock the new creation time moves 1 ms on.
        """
        created_ms = _clock.epoch_millis(now)
        last = self._last_creation_ms[kind].get(name)
        if last is not None and created_ms <= last:
            created_ms = last + 1
        creation_time = _clock.from_epoch_millis(created_ms)  # a plain datetime, UTC, ms
        arn = _clock.resource_arn(
            self.partition, self.region, self.account_id, kind, name, created_ms
        )
        return creation_time, arn

    def _add(self, resource: Resource) -> None:
        """Store a new resource; it is CREATING for ``transition_seconds``."""
        table, names = self._table(resource)
        table[resource.name] = resource
        bisect.insort(names, resource.name)
        self._begin(resource, CREATING, resource.creation_time)

    def _lookup(
        self,
        kind: str,
        name: Optional[str],
        arn: Optional[str],
        now: Optional[_dt.datetime],
        usable: bool,
    ) -> Resource:
        """The stream or channel (``kind``) named by name or ARN; see :meth:`find_stream`."""
        if name is None:
            if arn is None:
                label = kind.capitalize()
                raise invalid_argument(f"Either {label}Name or {label}ARN must be specified.")
            wanted = _name_in_arn(arn)
        else:
            wanted = name
        table: Mapping[str, Resource] = self._channels if kind == "channel" else self._streams
        resource = table.get(wanted)
        if resource is None:
            raise not_found(kind)
        status = ACTIVE if resource.phase is None else self.status(resource, now)
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
            if resource.phase is not None and self.status(resource, now) is None:
                continue  # finished deleting: dropped from names
            i += 1
            yield resource

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

    @property
    def streams(self) -> List[Stream]:
        """Every stream that exists now (any status but finished deletion), in name order."""
        with self.lock:
            return list(self.iter_streams())

    @property
    def channels(self) -> List[SignalingChannel]:
        """Every signaling channel that exists now (any status but deleted), in name order."""
        with self.lock:
            return list(self.iter_channels())

    def iter_streams(
        self, after: Optional[str] = None, prefix: str = "", now: Optional[_dt.datetime] = None
    ) -> Iterator[Stream]:
        """Existing streams in name order, starting after ``after`` and matching ``prefix``.

        Callers hold :attr:`lock` while iterating.
        """
        return self._iter_sorted(self._streams, self._names, after, prefix, now)

    def iter_channels(
        self, after: Optional[str] = None, prefix: str = "", now: Optional[_dt.datetime] = None
    ) -> Iterator[SignalingChannel]:
        """Existing channels in name order, after ``after`` and matching ``prefix``.

        Callers hold :attr:`lock` while iterating.
        """
        return self._iter_sorted(self._channels, self._channel_names, after, prefix, now)

    # -- versions --------------------------------------------------------------------------

    @staticmethod
    def check_version(resource: Resource, current_version: Optional[str], required: bool) -> None:
        """Raise ``VersionMismatchException`` if ``CurrentVersion`` is not the resource's."""
        if current_version is None:
            if required:
                raise invalid_argument("CurrentVersion must be specified.")
            return
        if current_version != resource.version:
            raise version_mismatch(_kind_of(resource))

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


def tags_limit() -> ServiceError:
    """``TagsPerResourceExceededLimitException``: a resource would carry over 50 tags."""
    return ServiceError(
        "TagsPerResourceExceededLimitException",
        f"The resource can have at most {MAX_TAGS_PER_RESOURCE} tags.",
    )


def no_data_retention(stream_name: str) -> ServiceError:
    """``NoDataRetentionException`` (HTTP 400): the stream keeps no data (0 hours)."""
    return ServiceError(
        "NoDataRetentionException",
        f"The data retention in hours of the stream {stream_name} is equal to zero.",
    )


def _name_in_arn(arn: str) -> str:
    # ``...:<kind>/<name>/<creation ms>``; the model pattern has already been checked.
    resource = arn.split(":", 5)[-1]
    parts = resource.split("/")
    return parts[1] if len(parts) == 3 else ""


def _arn_millis(arn: str) -> Optional[int]:
    # ``...:<kind>/<name>/<creation epoch ms>``: the trailing number, if it is one.
    suffix = arn.rsplit("/", 1)[-1]
    return int(suffix) if suffix.isascii() and suffix.isdigit() else None


def _kind_of(resource: Resource) -> str:
    return "channel" if isinstance(resource, SignalingChannel) else "stream"


def _kind_in_arn(arn: str) -> str:
    # ``...:<kind>/<name>/<creation ms>``: ``stream`` or ``channel`` for KVS resources.
    return arn.split(":", 5)[-1].split("/", 1)[0]
