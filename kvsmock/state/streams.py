"""Streams: CreateStream, UpdateStream, UpdateDataRetention and DeleteStream.

Lookups (``find_stream``, ``iter_streams``) are the shared machinery's
(:mod:`kvsmock.state._base`), since other kinds of resource find streams too.
"""

from __future__ import annotations

import datetime as _dt
from typing import Mapping, Optional

from kvsmock import _clock
from kvsmock.errors import invalid_argument, not_found, resource_in_use
from kvsmock.state._base import (
    MAX_TAGS_PER_RESOURCE,
    MEDIA_STORAGE_LINKED_MESSAGE,
    StoreBase,
    tags_limit,
)
from kvsmock.state.resources import CREATING, DELETING, UPDATING, Stream

#: Documented maximum of ``DataRetentionInHours`` (87600 h = ten years; API_UpdateDataRetention).
MAX_DATA_RETENTION_IN_HOURS = 87600
#: ``APIName`` -> data endpoint host prefix. PUT_MEDIA and GET_MEDIA are served by the
#: ``s-`` fleet, the archived-media APIs by the ``b-`` fleet (AWS_BEHAVIOUR.md, Endpoints).
ENDPOINT_FLEET: Mapping[str, str] = {"PUT_MEDIA": "s", "GET_MEDIA": "s"}
DEFAULT_ENDPOINT_FLEET = "b"
#: A stream's data endpoint fleets, in the order their ids are drawn.
STREAM_ENDPOINT_FLEETS = ("s", "b")


class StreamsMixin(StoreBase):
    """The stream operations of a :class:`~kvsmock.state.Store`."""

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
            streams = self._streams
            if name in streams or len(streams) >= self.stream_limit:
                self._claim("stream", name, now)  # a name in use, or the quota: the full rules
            if data_retention_in_hours > MAX_DATA_RETENTION_IN_HOURS:
                raise invalid_argument(
                    f"1 validation error detected: Value '{data_retention_in_hours}' at "
                    "'dataRetentionInHours' failed to satisfy constraint: Member must have "
                    f"value less than or equal to {MAX_DATA_RETENTION_IN_HOURS}"
                )
            if tags and len(tags) > MAX_TAGS_PER_RESOURCE:
                raise tags_limit()
            creation_time, arn = self._identity("stream", name, now)
            version = _clock.new_version(self.rng)
            endpoint_ids = dict(zip(STREAM_ENDPOINT_FLEETS, _clock.new_hex8s(self.rng, 2)))
            stream = Stream(
                name=name,
                arn=arn,
                creation_time=creation_time,
                version=version,
                kms_key_id=kms_key_id or self.default_kms_key_arn,
                data_retention_in_hours=data_retention_in_hours,
                device_name=device_name,
                media_type=media_type,
                tags=tags,  # copied by Stream
                storage_tier=storage_tier,
                endpoint_ids=endpoint_ids,
            )
            self._add(stream)
            return stream

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
