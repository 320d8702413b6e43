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
import datetime as _dt
import random
import threading
from typing import Dict, Iterator, List, Mapping, Optional

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
    """

    __slots__ = (
        "arn",
        "creation_time",
        "data_retention_in_hours",
        "device_name",
        "endpoint_ids",
        "kms_key_id",
        "media_type",
        "name",
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
        #: The transition in progress (CREATING/UPDATING/DELETING) or None when settled.
        self.phase: Optional[str] = None
        self.phase_started = creation_time

    def __repr__(self) -> str:
        return f"Stream(name={self.name!r}, arn={self.arn!r}, version={self.version!r})"


class Store:
    """All resources of one account in one region, behind one lock.

    Args:
        account_id: 12-digit AWS account id.
        region: region name; its partition and DNS suffix come from botocore's endpoint data.
        rng: the mock's seeded random source (versions, endpoint ids).
        transition_seconds: how long CREATING / UPDATING / DELETING last (seconds).
        stream_limit: streams allowed per account and region before
            ``AccountStreamLimitExceededException``.
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
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self.dns_suffix = dns_suffix
        self.rng = rng
        self.transition = _dt.timedelta(seconds=transition_seconds)
        self.stream_limit = stream_limit
        self.lock = threading.RLock()
        self._streams: Dict[str, Stream] = {}
        self._names: List[str] = []  # sorted stream names: ListStreams order and cursor
        self._last_creation_ms: Dict[str, int] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def status(self, stream: Stream, now: Optional[_dt.datetime] = None) -> Optional[str]:
        """The stream's ``Status`` at ``now``, or ``None`` once its deletion has finished."""
        phase = stream.phase
        if phase is None:
            return ACTIVE
        if (now or _clock.now()) - stream.phase_started < self.transition:
            return phase
        if phase == DELETING:
            self._drop(stream.name)
            return None
        stream.phase = None
        return ACTIVE

    def _begin(self, stream: Stream, phase: str, now: _dt.datetime) -> None:
        if self.transition:
            stream.phase = phase
            stream.phase_started = now
        elif phase == DELETING:
            self._drop(stream.name)
        else:
            stream.phase = None

    def _drop(self, name: str) -> None:
        if self._streams.pop(name, None) is not None:
            i = bisect.bisect_left(self._names, name)
            if i < len(self._names) and self._names[i] == name:
                del self._names[i]

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
            if len(self._streams) >= self.stream_limit:
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
            created_ms = _clock.epoch_millis(now)
            # A re-created name never reuses an earlier stream's ARN (the ARN suffix is the
            # creation time): under a frozen clock the new creation time moves 1 ms on.
            last = self._last_creation_ms.get(name)
            if last is not None and created_ms <= last:
                created_ms = last + 1
            self._last_creation_ms[name] = created_ms
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
            name, arn: either identifier; when both are given they must name one stream.
            usable: also treat CREATING and DELETING streams as not found, as the data-plane
                and endpoint APIs do ("not found or not active").

        Raises:
            ServiceError: ``InvalidArgumentException`` when neither is given or they
                disagree; ``ResourceNotFoundException`` ("The requested stream is not found
                or not active.") when no such stream exists now, including an ARN whose
                creation-time suffix belongs to an earlier stream of the same name.
        """
        if name is None and arn is None:
            raise invalid_argument("Either StreamName or StreamARN must be specified.")
        now = now or _clock.now()
        key = name if name is not None else _name_in_arn(arn or "")
        stream = self._streams.get(key)
        if stream is None:
            raise not_found()
        status = self.status(stream, now)
        if status is None or (arn is not None and stream.arn != arn):
            raise not_found()
        if name is not None and arn is not None and _name_in_arn(arn) != name:
            raise invalid_argument("StreamName and StreamARN do not identify the same stream.")
        if usable and status in (CREATING, DELETING):
            raise not_found()
        return stream

    def require_active(self, stream: Stream, now: _dt.datetime) -> None:
        """Raise ``ResourceInUseException`` unless the stream is ACTIVE."""
        status = self.status(stream, now)
        if status != ACTIVE:
            raise resource_in_use(
                f"The stream {stream.name} is in {status} status; the operation needs an "
                "ACTIVE stream."
            )

    @staticmethod
    def check_version(stream: Stream, current_version: Optional[str], required: bool) -> None:
        """Raise ``VersionMismatchException`` if ``CurrentVersion`` is not the stream's."""
        if current_version is None:
            if required:
                raise invalid_argument("CurrentVersion must be specified.")
            return
        if current_version != stream.version:
            raise version_mismatch("stream")

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
        stream.version = _clock.new_version(self.rng)
        self._begin(stream, UPDATING, now)

    def delete_stream(self, stream: Stream, *, now: Optional[_dt.datetime] = None) -> None:
        """Apply ``DeleteStream``: DELETING at once, gone after ``transition_seconds``.

        Raises:
            ServiceError: ``ResourceInUseException`` while CREATING or UPDATING.
        """
        now = now or _clock.now()
        status = self.status(stream, now)
        if status in (CREATING, UPDATING):
            raise resource_in_use(
                f"The stream {stream.name} is in {status} status and cannot be deleted now."
            )
        if status == DELETING:
            raise not_found()
        self._begin(stream, DELETING, now)

    def iter_streams(
        self, after: Optional[str] = None, prefix: str = "", now: Optional[_dt.datetime] = None
    ) -> Iterator[Stream]:
        """Existing streams in name order, starting after ``after`` and matching ``prefix``.

        Callers hold :attr:`lock` while iterating.
        """
        now = now or _clock.now()
        names = self._names
        if after is not None and after >= prefix:
            i = bisect.bisect_right(names, after)
        else:
            i = bisect.bisect_left(names, prefix)
        while i < len(names):
            name = names[i]
            if not name.startswith(prefix):
                return
            stream = self._streams[name]
            if self.status(stream, now) is None:  # finished deleting: dropped from names
                continue
            i += 1
            yield stream

    # -- tags ------------------------------------------------------------------------------

    @staticmethod
    def tag(stream: Stream, tags: Mapping[str, str]) -> None:
        """Add or replace tags; more than 50 in total raises and stores nothing."""
        merged = {**stream.tags, **tags}
        if len(merged) > MAX_TAGS_PER_RESOURCE:
            raise tags_limit()
        stream.tags = merged

    @staticmethod
    def untag(stream: Stream, keys: List[str]) -> None:
        """Remove tags by key; keys that are not there are ignored (API UntagStream)."""
        for key in keys:
            stream.tags.pop(key, None)


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
