"""A camera in a box: a simulated producer that keeps a stream fed on the mock's clock.

:func:`attach` (``mock.camera(...)``) encodes one GOP of the test pattern
(:func:`kvsmock.media.pattern.test_pattern`) once. From then on, whenever the stream is
read, the fragments a camera started at the attach time would have put by the mock clock's
*now* exist: fragment ``k`` (``fragment_seconds`` long) is put when it is complete, at
``start + (k + 1) * fragment_seconds``, with producer and server timestamps ``start + k *
fragment_seconds``. Each is the encoded GOP under its own cluster timecode (``k *
fragment_seconds`` in ms, PutMedia's RELATIVE timecodes), so no thread runs and nothing is
encoded again: an hour of fragments costs well under a second. Fragments older than the
stream's retention are never made, so a clock moved a year ahead costs one retention period.
Works with freezegun / time-machine and with real time; :meth:`Camera.stop` stops it.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Optional

from kvsmock import _clock
from kvsmock.errors import ServiceError
from kvsmock.media.fragments import (
    ZERO_RETENTION_BUFFER,
    Fragment,
    FragmentLog,
    _length_ms,
    media_state,
)

if TYPE_CHECKING:
    from kvsmock.state import Store, Stream


class Camera:
    """A simulated producer attached to one stream (made by :func:`attach`).

    Attributes:
        stream_arn: the stream it feeds.
        start: when it started (aware UTC); its first fragment starts then.
        fragment_ms: the length of each fragment (one GOP) in milliseconds.
        stopped_at: when :meth:`stop` was called, else ``None``.
    """

    def __init__(
        self,
        store: Store,
        stream: Stream,
        payload: bytes,
        fragment_ms: int,
        start: _dt.datetime,
    ) -> None:
        from kvsmock.media import _mkv

        parsed = _mkv.parse(payload)
        if parsed.header is None or not parsed.clusters:
            raise ValueError("the encoded GOP has no cluster")
        self.header = parsed.header
        self.body = _mkv.cluster_body(payload)
        # The blocks' places are those of any retimed cluster (its head has a fixed size).
        first = _mkv.parse(_mkv.header_bytes(self.header) + _mkv.cluster(0, self.body))
        self.index = first.clusters[0].frames[8:]
        self.length_ms = _length_ms(first.clusters[0])
        self.store = store
        self.stream_arn = stream.arn
        self.fragment_ms = fragment_ms
        self.start = start
        self.stopped_at: Optional[_dt.datetime] = None
        #: The number (from 0) of the next fragment to put.
        self.next_fragment = 0

    def catch_up(self, stream: Stream, log: FragmentLog, now: _dt.datetime) -> None:
        """Put the fragments completed by ``now`` (callers hold the store's lock)."""
        from kvsmock.media import _mkv

        if self.stopped_at is not None:
            now = min(now, self.stopped_at)
        elapsed = _clock.epoch_millis(now) - _clock.epoch_millis(self.start)
        due = max(0, elapsed // self.fragment_ms)  # fragments 0 .. due-1 are complete
        if due <= self.next_fragment:
            return
        retention = stream.data_retention_in_hours
        persisted = retention > 0
        window = _dt.timedelta(hours=retention) if persisted else ZERO_RETENTION_BUFFER
        oldest = _clock.epoch_millis(now - window) - _clock.epoch_millis(self.start)
        first = max(self.next_fragment, oldest // self.fragment_ms + 1)
        state = media_state(self.store)
        rng = self.store.rng
        for k in range(first, due):
            timecode = k * self.fragment_ms
            stamp = self.start + _dt.timedelta(milliseconds=timecode)
            log.append(
                Fragment(
                    number_value=state.next_number(rng),
                    producer_timestamp=stamp,
                    server_timestamp=stamp,
                    length_ms=self.length_ms,
                    timecode_ms=timecode,
                    header=self.header,
                    cluster=_mkv.cluster(timecode, self.body),
                    persisted=persisted,
                    frames=_mkv.index_prefix(timecode) + self.index,
                )
            )
        log.tracks = self.header.tracks
        self.next_fragment = due

    def stop(self) -> None:
        """Stop the camera: the fragments completed by now are put, no later ones."""
        with self.store.lock:
            state = media_state(self.store)
            now = _clock.now()
            self.stopped_at = now
            try:
                stream: Optional[Stream] = self.store.find_stream(arn=self.stream_arn, now=now)
            except ServiceError:  # the stream is gone: nothing more to put
                stream = None
            if stream is not None:
                self.catch_up(stream, state.log(stream), now)
            if state.cameras.get(self.stream_arn) is self:
                del state.cameras[self.stream_arn]

    def __repr__(self) -> str:
        state = "stopped" if self.stopped_at is not None else "running"
        every = f"every {self.fragment_ms} ms since {self.start}"
        return f"Camera({self.stream_arn!r}, {every}, {state})"


def check_stream(stream_name: Optional[str], stream_arn: Optional[str]) -> None:
    """Exactly one of name and ARN, within PutMedia's length and pattern, as
    :func:`kvsmock.media.put_media` checks them (``InvalidArgumentException``, not "not
    found")."""
    from kvsmock.errors import invalid_argument
    from kvsmock.media.fragments import stream_problems

    if (stream_name is None) == (stream_arn is None):
        raise invalid_argument("You must specify either streamName or streamARN, but not both.")
    problems = stream_problems(stream_name, stream_arn)
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise invalid_argument(
            f"{len(problems)} validation {noun} detected: " + "; ".join(problems)
        )


def attach(
    store: Store,
    *,
    stream_name: Optional[str] = None,
    stream_arn: Optional[str] = None,
    fps: int = 10,
    width: int = 320,
    height: int = 240,
    fragment_seconds: float = 2.0,
    audio: bool = False,
    codec: str = "h264",
) -> Camera:
    """Attach a simulated producer to a stream (see the module text); returns the camera.

    A second camera on the same stream replaces the first (which stops).

    Raises:
        kvsmock.ServiceError: ``ResourceNotFoundException`` for an unknown stream,
            ``InvalidArgumentException`` without exactly one of name and ARN, or one that
            breaks PutMedia's length and pattern (as :func:`kvsmock.media.put_media`).
        TypeError: an argument of the wrong type (``fps=29.97``, ``width="320"``).
        ValueError: ``fragment_seconds`` outside (0, 10] (PutMedia refuses longer
            fragments) or shorter than a frame; ``fps``, ``width``, ``height`` or ``codec``
            out of :func:`kvsmock.media.pattern.test_pattern`'s ranges (fps 1-120, even
            sides 16-4096, ``"h264"`` or ``"h265"``).
        kvsmock.media.archive.MediaExtraMissing: PyAV is not installed.
    """
    from kvsmock.media.pattern import check_picture, check_seconds, test_pattern

    check_stream(stream_name, stream_arn)
    check_seconds("fragment_seconds", fragment_seconds, 10)
    check_picture(fps, width, height, codec, audio)
    if fragment_seconds * fps < 1:  # also keeps each fragment at least 1 ms long
        raise ValueError(
            f"fragment_seconds must hold at least one frame at {fps} fps "
            f"(at least {1 / fps:g} s), not {fragment_seconds!r}"
        )
    with store.lock:
        stream = store.find_stream(stream_name, stream_arn, now=_clock.now())
    payload = test_pattern(
        fragment_seconds,
        fps=fps,
        width=width,
        height=height,
        codec=codec,
        gop_seconds=fragment_seconds,
        audio=audio,
    )
    with store.lock:
        previous = media_state(store).cameras.get(stream.arn)
    if previous is not None:
        previous.stop()
    camera = Camera(store, stream, payload, round(fragment_seconds * 1000), _clock.now())
    with store.lock:
        media_state(store).cameras[stream.arn] = camera
    return camera
