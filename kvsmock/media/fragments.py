"""Fragments: ingestion (PutMedia), per-stream storage, retention and reading.

Pure Python; Matroska bytes are read and written by :mod:`kvsmock.media._mkv`, imported on
first use so that ``import kvsmock`` stays light. Each :class:`kvsmock.state.Store` gets one
:class:`MediaState` (``store.media``, created on the first PutMedia), which holds a
:class:`FragmentLog` per stream ARN and the fragment-number sequence of the account and region.

Sources: API_dataplane_PutMedia.html (acknowledgements, error ids, limits),
API_dataplane_GetMedia.html (start selectors, tags), API_reader_ListFragments.html,
API_reader_GetMediaForFragmentList.html.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as _dt
import random
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

from kvsmock import _clock
from kvsmock.errors import ServiceError, invalid_argument

if TYPE_CHECKING:
    from kvsmock.media._mkv import Cluster, Header, Parsed, Track
    from kvsmock.state import Store, Stream

#: Real fragment numbers are 47 digits and start with these ten (AWS_BEHAVIOUR.md).
FRAGMENT_NUMBER_PREFIX = "9134385233"
#: PutMedia: "Fragments that have time codes spanning longer than 10 seconds and that contain
#: more than 50 MB of data are not allowed" (error ids 4002 and 4001).
MAX_FRAGMENT_BYTES = 50 * 1024 * 1024
MAX_FRAGMENT_MILLIS = 10_000
#: PutMedia: "Fragments containing more than three tracks are not allowed" (error id 4012).
MAX_TRACKS = 3
#: How long a stream with ``DataRetentionInHours`` 0 keeps fragments for GetMedia.
ZERO_RETENTION_BUFFER = _dt.timedelta(minutes=5)
#: ``ContentType`` of GetMedia and GetMediaForFragmentList responses.
MEDIA_CONTENT_TYPE = "video/webm"

#: PutMedia acknowledgement error ids and their names (API_dataplane_PutMedia.html).
ERROR_NAMES: Dict[int, str] = {
    4000: "STREAM_READ_ERROR",
    4001: "MAX_FRAGMENT_SIZE_REACHED",
    4002: "MAX_FRAGMENT_DURATION_REACHED",
    4003: "MAX_CONNECTION_DURATION_REACHED",
    4004: "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS",
    4005: "MORE_THAN_ALLOWED_TRACKS_FOUND",
    4006: "INVALID_MKV_DATA",
    4007: "INVALID_PRODUCER_TIMESTAMP",
    4008: "STREAM_NOT_ACTIVE",
    4009: "FRAGMENT_METADATA_LIMIT_REACHED",
    4010: "TRACK_NUMBER_MISMATCH",
    4011: "FRAMES_MISSING_FOR_TRACK",
    4012: "MORE_THAN_ALLOWED_TRACKS_FOUND",
    5000: "INTERNAL_ERROR",
}
_PROBLEM_ERROR_IDS = {"truncated": 4000, "invalid": 4006}
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class Fragment:
    """One stored fragment (one Matroska cluster), named as the ``Fragment`` shape names it.

    Attributes:
        number: ``FragmentNumber``, a 47-digit decimal string, increasing in ingestion order.
        producer_timestamp, server_timestamp: aware UTC datetimes (millisecond precision).
        length_ms: ``FragmentLengthInMilliseconds``.
        size: ``FragmentSizeInBytes`` (the cluster and the tags that followed it).
        timecode_ms: the cluster timecode in milliseconds, as the acknowledgements report it.
        persisted: whether the stream retained data when the fragment arrived; fragments of a
            0-retention stream are only in the short GetMedia buffer.
    """

    __slots__ = (
        "cluster",
        "frames",
        "header",
        "length_ms",
        "number_value",
        "persisted",
        "producer_timestamp",
        "server_timestamp",
        "size",
        "timecode_ms",
    )

    def __init__(
        self,
        *,
        number_value: int,
        producer_timestamp: _dt.datetime,
        server_timestamp: _dt.datetime,
        length_ms: int,
        timecode_ms: int,
        header: Header,
        cluster: bytes,
        persisted: bool,
        frames: bytes = b"",
    ) -> None:
        self.number_value = number_value
        self.producer_timestamp = producer_timestamp
        self.server_timestamp = server_timestamp
        self.length_ms = length_ms
        self.timecode_ms = timecode_ms
        self.header = header
        self.cluster = cluster
        #: The cluster's blocks packed by :func:`kvsmock.media._mkv.frame_index`: where each
        #: frame's data is, its time and flags (what remuxing reads instead of re-parsing).
        self.frames = frames
        self.size = len(cluster)
        self.persisted = persisted

    def info(self) -> Dict[str, Any]:
        """The ``Fragment`` structure ListFragments returns."""
        return {
            "FragmentNumber": self.number,
            "FragmentSizeInBytes": self.size,
            "ProducerTimestamp": self.producer_timestamp,
            "ServerTimestamp": self.server_timestamp,
            "FragmentLengthInMilliseconds": self.length_ms,
        }

    @property
    def number(self) -> str:
        """``FragmentNumber`` as the API writes it (made on use: one string less per
        fragment held)."""
        return str(self.number_value)

    def __repr__(self) -> str:
        return f"Fragment(number={self.number!r}, producer_timestamp={self.producer_timestamp})"


class _Column(Sequence[Any]):
    """One attribute of every fragment of a list, as a sequence :mod:`bisect` can search."""

    __slots__ = ("attr", "fragments")

    def __init__(self, fragments: Sequence[Fragment], attr: str) -> None:
        self.fragments = fragments
        self.attr = attr

    def __len__(self) -> int:
        return len(self.fragments)

    def __getitem__(self, index: Any) -> Any:
        return getattr(self.fragments[index], self.attr)


#: The timestamp attribute each ``FragmentSelectorType`` / ``ImageSelectorType`` reads.
STAMP_ATTRIBUTES = {
    "SERVER_TIMESTAMP": "server_timestamp",
    "PRODUCER_TIMESTAMP": "producer_timestamp",
}


class Stored(NamedTuple):
    """The fragments a read sees, in fragment-number order, and how to search them.

    ``server_ordered`` / ``producer_ordered``: whether those timestamps never decrease along
    ``fragments`` (then a time range is found by binary search, else by a scan).
    """

    fragments: Sequence[Fragment]
    server_ordered: bool
    producer_ordered: bool

    def index_of(self, number_value: int) -> Optional[int]:
        """Where the fragment numbered ``number_value`` is, or ``None``: O(log n)."""
        i = bisect.bisect_left(_Column(self.fragments, "number_value"), number_value)
        if i < len(self.fragments) and self.fragments[i].number_value == number_value:
            return i
        return None

    def first_after(self, number_value: int) -> int:
        """The index of the first fragment numbered above ``number_value``: O(log n)."""
        return bisect.bisect_right(_Column(self.fragments, "number_value"), number_value)

    def bounds(
        self, selector_type: str, start: Optional[_dt.datetime], end: Optional[_dt.datetime]
    ) -> Optional[Tuple[int, int]]:
        """``(lo, hi)``: the fragments whose timestamp is in ``[start, end]`` are
        ``fragments[lo:hi]``; ``None`` when the timestamps are not ordered (scan instead)."""
        ordered = (
            self.server_ordered if selector_type == "SERVER_TIMESTAMP" else self.producer_ordered
        )
        if not ordered:
            return None
        column = _Column(self.fragments, STAMP_ATTRIBUTES[selector_type])
        lo = 0 if start is None else bisect.bisect_left(column, start)
        hi = len(self.fragments) if end is None else bisect.bisect_right(column, end, lo)
        return lo, hi

    def between(
        self, selector_type: str, start: Optional[_dt.datetime], end: Optional[_dt.datetime]
    ) -> Sequence[Fragment]:
        """The fragments whose timestamp is in ``[start, end]`` (inclusive), in number order."""
        found = self.bounds(selector_type, start, end)
        if found is not None:
            return self.fragments[found[0] : found[1]]
        attr = STAMP_ATTRIBUTES[selector_type]
        return [
            f
            for f in self.fragments
            if (start is None or start <= getattr(f, attr))
            and (end is None or getattr(f, attr) <= end)
        ]


class FragmentLog:
    """The fragments of one stream in ingestion (= fragment number) order, and its tracks.

    Fragment numbers always increase along the log; server timestamps do while the mock's
    clock only moves forward, producer timestamps while the producer's do. The log tracks
    whether they still do, so reads can search by bisection (a clock moved back makes them
    scan until the log empties). Retention removes a prefix of the log: its cost is that of
    the fragments it removes, one comparison when none expires.
    """

    def __init__(self) -> None:
        self.fragments: List[Fragment] = []
        #: The tracks of the latest header received (CodecID, CodecPrivate, ...).
        self.tracks: Tuple[Track, ...] = ()
        #: The latest header received; an equal one from a later PutMedia is this object.
        self.header: Optional[Header] = None
        #: How many stored fragments are only in the 0-retention buffer (not persisted).
        self.buffered = 0
        self.server_ordered = True
        self.producer_ordered = True
        #: The first fragment number this stream stored, and the highest retention deleted
        #: (0 for none): what tells an expired number of this stream from a foreign one.
        self.first_number = 0
        self.expired_through = 0
        #: ON_DEMAND session token -> its retained fragments (kvsmock.media.archive), valid
        #: until retention removes a fragment (then cleared, so nothing keeps them alive).
        self.session_cache: Dict[str, List[Fragment]] = {}

    def append(self, fragment: Fragment) -> None:
        """Store a fragment numbered above every stored one."""
        if self.fragments:
            last = self.fragments[-1]
            if fragment.server_timestamp < last.server_timestamp:
                self.server_ordered = False
            if fragment.producer_timestamp < last.producer_timestamp:
                self.producer_ordered = False
        elif not self.first_number:
            self.first_number = fragment.number_value
        self.fragments.append(fragment)
        if not fragment.persisted:
            self.buffered += 1

    def prune(self, now: _dt.datetime, retention_hours: int) -> None:
        """Delete the fragments older than the stream's retention (5 minutes at 0 hours).

        A fragment persisted while the stream retained data is kept ``retention_hours``, one
        of the 0-retention buffer (or any, at 0 hours) five minutes. With ordered server
        timestamps and one window for all, the expired fragments are a prefix.
        """
        hours = _dt.timedelta(hours=retention_hours)

        def kept(f: Fragment) -> bool:
            window = hours if (f.persisted and retention_hours > 0) else ZERO_RETENTION_BUFFER
            return now - f.server_timestamp < window

        fragments = self.fragments
        if self.server_ordered and (self.buffered == 0 or retention_hours == 0):
            cut = 0
            while cut < len(fragments) and not kept(fragments[cut]):
                cut += 1
            if cut:
                self.session_cache.clear()
                self.buffered -= sum(1 for f in fragments[:cut] if not f.persisted)
                self.expired_through = max(self.expired_through, fragments[cut - 1].number_value)
                del fragments[:cut]
        elif not all(kept(f) for f in fragments):
            self.session_cache.clear()
            gone = [f.number_value for f in fragments if not kept(f)]
            self.expired_through = max(self.expired_through, *gone)
            self.fragments = [f for f in fragments if kept(f)]
            self.buffered = sum(1 for f in self.fragments if not f.persisted)
        if not self.fragments:
            self.server_ordered = self.producer_ordered = True

    def stored(self, now: _dt.datetime, retention_hours: int, *, archived: bool = False) -> Stored:
        """What a read at ``now`` sees; ``archived`` leaves out the 0-retention buffer.

        ``fragments`` is the log's own list when nothing is left out (never modify it).
        """
        self.prune(now, retention_hours)
        fragments: Sequence[Fragment] = self.fragments
        if archived and self.buffered:
            fragments = [f for f in self.fragments if f.persisted]
        return Stored(fragments, self.server_ordered, self.producer_ordered)

    def readable(
        self, now: _dt.datetime, retention_hours: int, *, archived: bool = False
    ) -> Sequence[Fragment]:
        """The fragments readable now; ``archived`` keeps only persisted ones (ListFragments)."""
        return self.stored(now, retention_hours, archived=archived).fragments


class Upload:
    """What one PutMedia connection carries from one ingested payload to the next (the server
    ingests an upload's clusters as they complete, one :func:`put_media` call each time).

    Attributes:
        previous_ms: the ``FragmentTimecode`` of the last fragment stored; a lower one is
            error 4004 (FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS), across payloads too.
        reserved: ``(FragmentTimecode, fragment number)`` of clusters whose ``BUFFERING``
            ack went out before they were complete, in arrival order; ingestion stores such
            a cluster under that number (see :meth:`reserve`).
    """

    def __init__(self) -> None:
        self.previous_ms: Optional[int] = None
        self.reserved: List[Tuple[int, int]] = []

    def reserve(self, store: Store, timecode_ms: int) -> Dict[str, Any]:
        """The BUFFERING ack of a cluster that has started arriving, under a fragment number
        reserved for it (ingestion stores the cluster under that number)."""
        with store.lock:
            number = media_state(store).next_number(store.rng)
        self.reserved.append((timecode_ms, number))
        return _ack("BUFFERING", timecode_ms, str(number))

    def release(self, store: Store) -> None:
        """The upload ended: give back the number of a cluster that never completed, so a
        cut-off fragment does not shift the numbers drawn after it (see
        :meth:`MediaState.give_back`)."""
        with store.lock:
            for _, number in self.reserved:
                media_state(store).give_back(number)
        self.reserved.clear()

    def take(self, timecode_ms: int) -> Optional[int]:
        """The number reserved for the cluster at ``timecode_ms`` (dropping reservations of
        clusters before it that never came), or None."""
        for i, (reserved_ms, number) in enumerate(self.reserved):
            if reserved_ms == timecode_ms:
                del self.reserved[: i + 1]
                return number
        return None


class MediaState:
    """Media state of one store: a fragment log per stream ARN and the fragment numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.logs: Dict[str, FragmentLog] = {}
        #: HLS / DASH session token -> :class:`kvsmock.media.archive.Session`.
        self.sessions: Dict[str, Any] = {}
        #: Stream ARN -> the :class:`kvsmock.media.camera.Camera` feeding it.
        self.cameras: Dict[str, Any] = {}
        # The 37 digits after the prefix: real ones start 318..., 328... (AWS_BEHAVIOUR.md).
        self._last = rng.randrange(31 * 10**35, 33 * 10**35)
        #: A number drawn for a fragment that was not stored (an ERROR ack), handed out again
        #: next so that failed fragments do not shift the numbers (or ids) drawn after them.
        self._unused: Optional[int] = None
        #: The number :meth:`next_number` gave last (the only one :meth:`give_back` takes).
        self._latest: Optional[int] = None

    def log(self, stream: Stream) -> FragmentLog:
        """The fragment log of a stream (created empty on first use)."""
        found = self.logs.get(stream.arn)
        if found is None:
            found = self.logs[stream.arn] = FragmentLog()
        return found

    def next_number(self, rng: random.Random) -> int:
        """A new fragment number (as an int), greater than every earlier one of this store."""
        if self._unused is not None:
            number, self._unused = self._unused, None
        else:
            # Consecutive real numbers differ by about 5e27 in their last 37 digits.
            self._last += rng.randrange(4 * 10**27, 6 * 10**27)
            number = int(FRAGMENT_NUMBER_PREFIX + str(self._last))
        self._latest = number
        return number

    def give_back(self, number: int) -> None:
        """Return a number :meth:`next_number` gave for a fragment that was not stored: when
        it is still the latest one given, the next fragment gets it, and the store's random
        ids stay as if the failed fragment never came. (A number given out before a later
        one, as a BUFFERING ack sent early over HTTP reserves, stays used: numbers only
        grow.)"""
        if number == self._latest:
            self._unused = number

    def on_retention_change(self, stream: Stream, now: _dt.datetime) -> None:
        """UpdateDataRetention hook: a decrease deletes older fragments at once."""
        log = self.logs.get(stream.arn)
        if log is not None:
            log.prune(now, stream.data_retention_in_hours)

    def forget(self, arn: str) -> None:
        """DeleteStream hook: the stream's data is gone (and its camera detached)."""
        self.logs.pop(arn, None)
        self.cameras.pop(arn, None)


def media_state(store: Store) -> MediaState:
    """The store's :class:`MediaState`, created on first use (callers hold ``store.lock``)."""
    state: Optional[MediaState] = store.media
    if state is None:
        state = store.media = MediaState(store.rng)
    return state


def fragment_log(store: Store, stream: Stream) -> FragmentLog:
    """The :class:`FragmentLog` of a stream, to inspect what was ingested."""
    with store.lock:
        return media_state(store).log(stream)


# -- ingestion -----------------------------------------------------------------------------


def read_payload(payload: Any) -> bytes:
    """The bytes of a PutMedia payload: bytes, a binary file, or an iterable of bytes.

    Raises:
        TypeError: for ``str`` or anything else that is not binary data.
    """
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    if isinstance(payload, str):
        raise TypeError("Payload must be bytes, a binary file or an iterable of bytes, not str")
    read = getattr(payload, "read", None)
    if read is not None:
        data = read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("Payload file must be opened in binary mode")
        return bytes(data)
    chunks: List[bytes] = []
    for chunk in payload:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError(f"Payload iterable yielded {type(chunk).__name__}, not bytes")
        chunks.append(bytes(chunk))
    return b"".join(chunks)


def _ack(event: str, timecode: int, number: str, error_id: Optional[int] = None) -> Dict[str, Any]:
    ack: Dict[str, Any] = {
        "EventType": event,
        "FragmentTimecode": timecode,
        "FragmentNumber": number,
    }
    if error_id is not None:
        ack["ErrorId"] = error_id
        ack["ErrorCode"] = ERROR_NAMES[error_id]
    return ack


def _length_ms(cluster: Cluster) -> int:
    """Fragment duration: first frame start to last frame end, in milliseconds.

    A frame lasts its ``BlockDuration`` or its track's ``DefaultDuration`` (0 when neither is
    known).
    """
    if cluster.start_ns is None or cluster.end_ns is None:
        return 0
    return max(0, round((cluster.end_ns - cluster.start_ns) / 1_000_000))


def _fragment_error(cluster: Cluster, header: Header, length_ms: int) -> Optional[int]:
    numbers = {t.number for t in header.tracks}
    seen = cluster.tracks
    if len(cluster.raw) + len(cluster.trailing) > MAX_FRAGMENT_BYTES:
        return 4001
    if length_ms > MAX_FRAGMENT_MILLIS:
        return 4002
    if not seen <= numbers:
        return 4010
    if seen != numbers:
        return 4011
    return None


def _usable(store: Store, stream: Stream, now: _dt.datetime) -> bool:
    try:
        current = store.find_stream(arn=stream.arn, now=now)
    except ServiceError:
        return False
    return store.status(current, now) in ("ACTIVE", "UPDATING")


def _to_datetime(value: Any, what: str) -> _dt.datetime:
    found: Optional[_dt.datetime] = None
    if isinstance(value, _dt.datetime):
        found = value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
    elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
        with contextlib.suppress(ValueError, OverflowError):
            found = _EPOCH + _dt.timedelta(seconds=float(value))
    if found is not None and _clock.in_range(found):
        return found
    raise invalid_argument(
        f"1 validation error detected: Value '{value}' at '{what}' failed to satisfy "
        "constraint: Member must be epoch seconds"
    )


#: PutMedia's stream headers: (member, longest, pattern), from API_dataplane_PutMedia.html
#: ("Request Parameters").
STREAM_NAME_RULE = ("streamName", 256, r"[a-zA-Z0-9_.-]+")
STREAM_ARN_RULE = (
    "streamARN",
    1024,
    r"arn:aws:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+",
)


def constraint_problem(value: Optional[str], path: str, constraint: str) -> str:
    """One problem of an ``InvalidArgumentException`` message, AWS style."""
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def stream_problems(stream_name: Optional[str], stream_arn: Optional[str]) -> List[str]:
    """What breaks the documented length and pattern of PutMedia's stream name and ARN
    (the same rule in-process, through ``requests`` and in ``kvsmock serve``)."""
    import re

    problems: List[str] = []
    for value, (path, longest, pattern) in (
        (stream_name, STREAM_NAME_RULE),
        (stream_arn, STREAM_ARN_RULE),
    ):
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(constraint_problem(str(value), path, "Member must be a string"))
        elif not 1 <= len(value) <= longest:
            bound = (
                "greater than or equal to 1" if not value else f"less than or equal to {longest}"
            )
            problems.append(constraint_problem(value, path, f"Member must have length {bound}"))
        elif re.fullmatch(pattern, value) is None:
            problems.append(
                constraint_problem(
                    value, path, f"Member must satisfy regular expression pattern: {pattern}"
                )
            )
    return problems


def check_put_media_arguments(
    stream_name: Optional[str], stream_arn: Optional[str], fragment_timecode_type: str
) -> None:
    """``InvalidArgumentException`` for PutMedia arguments the service refuses before any
    acknowledgement: not exactly one of name and ARN, a name or ARN breaking its documented
    constraints, an unknown timecode type."""
    if (stream_name is None) == (stream_arn is None):
        raise invalid_argument("You must specify either streamName or streamARN, but not both.")
    problems = stream_problems(stream_name, stream_arn)
    if fragment_timecode_type not in ("ABSOLUTE", "RELATIVE"):
        problems.append(
            constraint_problem(
                str(fragment_timecode_type),
                "fragmentTimecodeType",
                "Member must satisfy enum value set: [ABSOLUTE, RELATIVE]",
            )
        )
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise invalid_argument(
            f"{len(problems)} validation {noun} detected: " + "; ".join(problems)
        )


def put_media(
    store: Store,
    *,
    stream_name: Optional[str] = None,
    stream_arn: Optional[str] = None,
    payload: Any,
    fragment_timecode_type: str = "RELATIVE",
    producer_start_timestamp: Any = None,
    ack_fault: Optional[Callable[[str, str], Optional[int]]] = None,
    upload: Optional[Upload] = None,
) -> List[Dict[str, Any]]:
    """Ingest a Matroska payload as PutMedia does and return its acknowledgements.

    Each cluster becomes one fragment and gets ``BUFFERING``, ``RECEIVED`` and (when the
    stream retains data) ``PERSISTED``. The first problem ends the session with an ``ERROR``
    acknowledgement (``ErrorId`` / ``ErrorCode``); fragments stored before it are kept. Errors
    tied to no fragment carry ``FragmentTimecode`` -1 and ``FragmentNumber`` "" as the service
    sends them. See API_dataplane_PutMedia.html.

    Args:
        ack_fault: asked ``(stream name, stream ARN)`` before each fragment is stored; an
            error id it returns ends the session with that ``ERROR`` ack, the fragment not
            stored (the mock's :meth:`kvsmock.faults.Faults.ack_error`).

    Raises:
        ServiceError: ``InvalidArgumentException`` without exactly one of name and ARN, with
            a name or ARN breaking its documented length or pattern, or with a bad timecode
            type or timestamp (:func:`check_put_media_arguments`);
            ``ResourceNotFoundException`` when no such stream exists (the HTTP API answers
            404 before any acknowledgement).
        TypeError: the payload is not binary data.
    """
    check_put_media_arguments(stream_name, stream_arn, fragment_timecode_type)
    with store.lock:
        stream = store.find_stream(stream_name, stream_arn, now=_clock.now())
    start = _clock.now()
    if producer_start_timestamp is not None:
        start = _to_datetime(producer_start_timestamp, "producerStartTimestamp")
    data = read_payload(payload)
    from kvsmock.media import _mkv

    parsed = _mkv.parse(data)
    with store.lock:
        return _ingest(store, stream, parsed, fragment_timecode_type, start, ack_fault, upload)


def _ingest(
    store: Store,
    stream: Stream,
    parsed: Parsed,
    timecode_type: str,
    start: _dt.datetime,
    ack_fault: Optional[Callable[[str, str], Optional[int]]] = None,
    upload: Optional[Upload] = None,
) -> List[Dict[str, Any]]:
    state = media_state(store)
    log = state.log(stream)
    header = parsed.header
    if header is not None and log.header == header:
        header = log.header  # one header object for the stream's fragments, not one a call
    acks: List[Dict[str, Any]] = []
    if header is not None and len(header.tracks) > MAX_TRACKS:
        return [_ack("ERROR", -1, "", 4012)]
    previous_ms = upload.previous_ms if upload is not None else None
    for cluster in parsed.clusters:
        assert header is not None  # clusters only follow a header
        now = _clock.now()
        timecode_ms = cluster.timecode * header.timecode_scale // 1_000_000
        number = upload.take(timecode_ms) if upload is not None else None
        if number is not None and log.fragments and number < log.fragments[-1].number_value:
            number = None  # another producer stored a fragment meanwhile: numbers stay ordered
        if number is None:
            number = state.next_number(store.rng)
        text = str(number)
        acks.append(_ack("BUFFERING", timecode_ms, text))
        if not _usable(store, stream, now):
            state.give_back(number)
            acks.append(_ack("ERROR", timecode_ms, text, 4008))
            return acks
        length_ms = _length_ms(cluster)
        error = _fragment_error(cluster, header, length_ms)
        if error is None and previous_ms is not None and timecode_ms < previous_ms:
            error = 4004
        producer = _producer_timestamp(timecode_type, start, timecode_ms)
        if error is None and producer is None:
            error = 4007
        if error is None and ack_fault is not None:
            error = ack_fault(stream.name, stream.arn)
        if error is not None or producer is None:
            state.give_back(number)
            acks.append(_ack("ERROR", timecode_ms, text, error or 4007))
            return acks
        persisted = stream.data_retention_in_hours > 0
        log.prune(now, stream.data_retention_in_hours)
        log.tracks = header.tracks
        log.header = header
        # The cluster's bytes are parse's slice of the payload (their one copy, so that
        # retention frees them); Tags that followed it are appended (a second copy of it).
        stored = cluster.raw + cluster.trailing if cluster.trailing else cluster.raw
        log.append(
            Fragment(
                number_value=number,
                producer_timestamp=producer,
                server_timestamp=now,
                length_ms=length_ms,
                timecode_ms=timecode_ms,
                header=header,
                cluster=stored,
                persisted=persisted,
                frames=cluster.frames,
            )
        )
        previous_ms = timecode_ms
        if upload is not None:
            upload.previous_ms = timecode_ms
        acks.append(_ack("RECEIVED", timecode_ms, text))
        if persisted:
            acks.append(_ack("PERSISTED", timecode_ms, text))
    if parsed.problem is not None:
        acks.append(_ack("ERROR", -1, "", _PROBLEM_ERROR_IDS[parsed.problem.kind]))
    return acks


def _producer_timestamp(
    timecode_type: str, start: _dt.datetime, timecode_ms: int
) -> Optional[_dt.datetime]:
    """A fragment's producer timestamp, whole milliseconds; None when it is outside the times
    kvsmock handles (``_clock.EARLIEST`` .. ``LATEST``: INVALID_PRODUCER_TIMESTAMP)."""
    try:
        if timecode_type == "ABSOLUTE":
            producer = _clock.from_epoch_millis(timecode_ms)
        else:
            producer = start + _dt.timedelta(milliseconds=timecode_ms)
    except (OverflowError, ValueError):
        return None
    if not _clock.in_range(producer):
        return None
    return producer.replace(microsecond=producer.microsecond // 1000 * 1000)


# -- reading -------------------------------------------------------------------------------


def stored(store: Store, stream: Stream, now: _dt.datetime, *, archived: bool = False) -> Stored:
    """What a read of the stream at ``now`` sees (callers hold the lock): the fragments in
    fragment-number order, searchable by number and timestamp in O(log n).

    ``archived`` (ListFragments, GetMediaForFragmentList, sessions, clips, images) leaves out
    the fragments of the 0-retention buffer, which only GetMedia reads.
    """
    state: Optional[MediaState] = store.media
    if state is None:
        return Stored([], True, True)
    camera = state.cameras.get(stream.arn) if state.cameras else None
    if camera is not None:
        camera.catch_up(stream, state.log(stream), now)
    log = state.logs.get(stream.arn)
    if log is None:
        return Stored([], True, True)
    return log.stored(now, stream.data_retention_in_hours, archived=archived)


def readable(
    store: Store, stream: Stream, now: _dt.datetime, *, archived: bool = False
) -> Sequence[Fragment]:
    """The stream's fragments readable at ``now`` in fragment-number order (callers hold the
    lock; the sequence may be the log's own list: copy what you keep past the lock)."""
    return stored(store, stream, now, archived=archived).fragments


def _seconds(t: _dt.datetime) -> str:
    return f"{_clock.epoch_millis(t) / 1000:.3f}"


def _parse_number(value: str, what: str) -> int:
    number = _clock.ascii_int(value)
    if number is None:
        raise invalid_argument(f"{what} {value!r} is not a fragment number.")
    return number


def start_index(found: Stored, selector: Dict[str, Any]) -> Optional[int]:
    """Where GetMedia starts in ``found.fragments`` for a ``StartSelector`` (O(log n) when
    the timestamps are ordered).

    ``None`` means the selector names a fragment that is not stored (GetMedia then sends the
    in-band error 4000). ``len(fragments)`` means nothing to send.

    Raises:
        ServiceError: ``InvalidArgumentException`` when the selector lacks the member its type
            needs, or a continuation token is not one kvsmock issued.
    """
    fragments = found.fragments
    kind = selector["StartSelectorType"]
    if kind == "EARLIEST":
        return 0
    if kind == "NOW":
        return max(0, len(fragments) - 1)
    if kind == "FRAGMENT_NUMBER":
        after = selector.get("AfterFragmentNumber")
        if after is None:
            raise invalid_argument(
                "AfterFragmentNumber is required for StartSelectorType FRAGMENT_NUMBER."
            )
        index = found.index_of(_parse_number(after, "AfterFragmentNumber"))
        return None if index is None else index + 1
    if kind == "CONTINUATION_TOKEN":
        token = selector.get("ContinuationToken")
        if token is None:
            raise invalid_argument(
                "ContinuationToken is required for StartSelectorType CONTINUATION_TOKEN."
            )
        return found.first_after(_parse_number(token, "ContinuationToken"))
    stamp = selector.get("StartTimestamp")
    if stamp is None:
        raise invalid_argument(f"StartTimestamp is required for StartSelectorType {kind}.")
    attr = "server_timestamp" if kind == "SERVER_TIMESTAMP" else "producer_timestamp"
    # The first fragment that ends after ``stamp``. Fragments last at most 10 s, so with
    # ordered timestamps it is at or after the first that starts 10 s before ``stamp``.
    begin = 0
    bounds = found.bounds(kind, stamp - _dt.timedelta(milliseconds=MAX_FRAGMENT_MILLIS), None)
    if bounds is not None:
        begin = bounds[0]
    for i in range(begin, len(fragments)):
        f = fragments[i]
        if getattr(f, attr) + _dt.timedelta(milliseconds=f.length_ms) > stamp:
            return i
    return len(fragments)


def get_media_chunks(fragments: Iterable[Fragment], now: _dt.datetime) -> Iterator[bytes]:
    """GetMedia chunks, one per fragment, with the documented tags before and after the cluster."""
    from kvsmock.media import _mkv

    for f in fragments:
        before = [
            ("AWS_KINESISVIDEO_FRAGMENT_NUMBER", f.number),
            ("AWS_KINESISVIDEO_SERVER_TIMESTAMP", _seconds(f.server_timestamp)),
            ("AWS_KINESISVIDEO_PRODUCER_TIMESTAMP", _seconds(f.producer_timestamp)),
        ]
        behind = max(0, _clock.epoch_millis(now) - _clock.epoch_millis(f.server_timestamp))
        after = [
            ("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", str(behind)),
            ("AWS_KINESISVIDEO_CONTINUATION_TOKEN", f.number),
        ]
        yield _mkv.chunk(f.header, f.cluster, before, after)


def not_found_chunk() -> bytes:
    """The in-band GetMedia error for a start fragment that is not stored (error id 4000)."""
    from kvsmock.media import _mkv

    return _mkv.error_chunk(
        [
            ("AWS_KINESISVIDEO_ERROR_CODE", "Requested fragment is not found"),
            ("AWS_KINESISVIDEO_ERROR_ID", "4000"),
        ]
    )


def fragment_list_chunks(fragments: Iterable[Fragment]) -> Iterator[bytes]:
    """GetMediaForFragmentList chunks, with the ``..._SIDE_TIMESTAMP`` tags it documents."""
    from kvsmock.media import _mkv

    for f in fragments:
        before = [
            ("AWS_KINESISVIDEO_FRAGMENT_NUMBER", f.number),
            ("AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP", _seconds(f.server_timestamp)),
            ("AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP", _seconds(f.producer_timestamp)),
        ]
        yield _mkv.chunk(f.header, f.cluster, before)
