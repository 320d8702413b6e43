"""Time and identifiers: the mock's clock, ARNs, versions and endpoint prefixes.

Every timestamp comes from :func:`now`, read at call time, so freezegun and time-machine
control it. Every id comes from the mock's seeded :class:`random.Random`, so a run with the
same seed and the same calls gives the same ids.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import random
import string
import threading
from typing import Any, Dict, List, Optional, Tuple

_VERSION_ALPHABET = string.ascii_letters + string.digits
#: Length of a stream or channel Version token; real ones are 20 mixed-case alphanumerics
#: (AWS_BEHAVIOUR.md, "Version string").
VERSION_LENGTH = 20


def now() -> _dt.datetime:
    """The current time, timezone-aware UTC, truncated to the millisecond as AWS reports it."""
    t = _dt.datetime.now(_UTC)  # looked up on each call: freezegun replaces the class
    # t - (microsecond % 1000) µs is t.replace(microsecond=...) for the same value, at half
    # its cost: replace() parses keyword arguments, subtraction does not.
    sub = t.microsecond % 1000
    return t - _ONE_US * sub if sub else t


def epoch_millis(t: _dt.datetime) -> int:
    """Milliseconds since the Unix epoch of an aware datetime."""
    return (t - _EPOCH) // _ONE_MS


def from_epoch_millis(ms: int) -> _dt.datetime:
    """The aware UTC datetime of a millisecond epoch value."""
    return _EPOCH + ms * _ONE_MS


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_ONE_MS = _dt.timedelta(milliseconds=1)
_UTC = _dt.timezone.utc
_ONE_US = _dt.timedelta(microseconds=1)
#: Byte -> version character: ``_VERSION_ALPHABET[byte % 62]`` for every byte value.
_VERSION_TABLE = (_VERSION_ALPHABET.encode("ascii") * 5)[:256]  # 62 * 5 >= 256


def new_version(rng: random.Random) -> str:
    """A Version token: 20 characters of ``[a-zA-Z0-9]`` (model shape ``Version``).

    Each character is one random byte modulo 62 (the first 8 characters of the alphabet are
    drawn 5 times in 256 instead of 4: tokens are opaque, nothing depends on uniformity),
    from one draw of 20 bytes.
    """
    return rng.randbytes(VERSION_LENGTH).translate(_VERSION_TABLE).decode("ascii")


#: Bytes of a seed's stream that sources share; past them a source draws on its own.
_SHARED_BYTES = 64 * 1024
#: Seeds whose streams are kept (the default seed, its request-id seed, a few more).
_SHARED_SEEDS = 8


class _SharedStream:
    """The first bytes ``random.Random(seed).randbytes`` gives, shared by every source of
    the seed: each new mock starts two sources from a few seeds, and reading kept bytes
    costs less than seeding or copying a Mersenne Twister (~4 µs each)."""

    __slots__ = ("_grow_lock", "_master", "data", "request_ids")

    def __init__(self, seed: object) -> None:
        self._master = random.Random(seed)  # type: ignore[arg-type]
        #: The stream so far: immutable, replaced by a longer copy as it grows, so readers
        #: need no lock.
        self.data = b""
        self._grow_lock = threading.Lock()
        #: The seed's first request ids, formatted (:class:`RequestIds`), made on first use.
        self.request_ids: Optional[_SharedIds] = None

    def grow(self, end: int) -> bool:
        """Make ``data`` at least ``end`` bytes long; ``False`` past :data:`_SHARED_BYTES`."""
        if end > _SHARED_BYTES:
            return False
        with self._grow_lock:
            data = self.data
            if len(data) < end:
                # Doubling (from 1 KiB): the copies add up to less than the final size.
                size = min(max(2 * len(data), end, 1024), _SHARED_BYTES) - len(data)
                self.data = data + self._master.randbytes(size)
        return True


_SHARED: Dict[object, _SharedStream] = {}
_shared_lock = threading.Lock()


def _shared_stream(seed: object) -> Optional[_SharedStream]:
    """The shared stream of an int or str seed (made on first use); ``None`` for others."""
    if seed is None or seed.__class__ not in (int, str):
        return None
    shared = _SHARED.get(seed)
    if shared is None:
        with _shared_lock:
            shared = _SHARED.get(seed)
            if shared is None:
                if len(_SHARED) >= _SHARED_SEEDS:
                    _SHARED.clear()  # sources in use keep their streams
                shared = _SHARED[seed] = _SharedStream(seed)
    return shared


class SeededSource(random.Random):
    """``random.Random(x)``, cheaper to make: the mock's ids come from one.

    Making it seeds nothing. :meth:`randbytes` of a multiple of 4 bytes (every id kvsmock
    makes) reads the seed's shared stream at this source's own offset: the Mersenne
    Twister emits 32-bit words and ``randbytes(n)`` is ``getrandbits(8 * n)`` in
    little-endian order, so these are the bytes ``random.Random(x)`` would give. Any other
    draw (``random``, ``getrandbits``, and the methods built on them: ``randrange``,
    ``choices``, ...), ``getstate``, or a draw past the shared bytes first seeds the
    source as ``random.Random(x)`` and advances it past the bytes read, and the source is a
    plain ``random.Random`` from then on; ``seed`` and ``setstate`` make it one at once. A
    sequence of draws is therefore the same as from ``random.Random(x)``, copies and pickles
    are independent ``random.Random`` states, and each draw takes the next bytes exactly
    once from any number of threads. ``x`` other than an int or str (or ``None``: from the
    OS) seeds at once.
    """

    def __init__(self, x: object = None) -> None:  # Random.__init__ would seed: not called
        self._lock = threading.Lock()
        self._offset = 0
        self._seed_value = x
        self.gauss_next = None  # what Random.seed sets
        self._shared = _shared_stream(x)
        if self._shared is None:
            random.Random.seed(self, x)  # type: ignore[arg-type]

    def randbytes(self, n: int) -> bytes:
        """``n`` random bytes, as ``random.Random(x).randbytes`` draws them."""
        if self._shared is not None and n >= 0 and not n & 3:
            with self._lock:
                shared = self._shared
                if shared is not None:
                    start = self._offset
                    end = start + n
                    if end <= len(shared.data) or shared.grow(end):
                        self._offset = end
                        return shared.data[start:end]
        return self.getrandbits(8 * n).to_bytes(n, "little")  # what Random.randbytes does

    def _leave_stream(self) -> None:
        """Seed as ``random.Random(x)`` and skip the bytes read (once)."""
        with self._lock:
            if self._shared is not None:
                random.Random.seed(self, self._seed_value)  # type: ignore[arg-type]
                if self._offset:
                    super().getrandbits(8 * self._offset)
                self._shared = None  # last: a thread that sees None sees the state set

    def random(self) -> float:
        """``random.Random.random``."""
        if self._shared is not None:
            self._leave_stream()
        return super().random()

    def getrandbits(self, k: int) -> int:
        """``random.Random.getrandbits``."""
        if self._shared is not None:
            self._leave_stream()
        return super().getrandbits(k)

    def getstate(self) -> Tuple[Any, ...]:
        """``random.Random.getstate``."""
        if self._shared is not None:
            self._leave_stream()
        return super().getstate()

    def setstate(self, state: Tuple[Any, ...]) -> None:
        """``random.Random.setstate``."""
        self._shared = None
        super().setstate(state)

    def seed(self, a: Any = None, version: int = 2) -> None:
        """``random.Random.seed``."""
        self._shared = None
        super().seed(a, version)


def seeded_random(seed: object) -> SeededSource:
    """A source drawing as ``random.Random(seed)``; ``None`` seeds from the OS."""
    return SeededSource(seed)


def new_version_and_hex_ids(rng: random.Random, count: int) -> Tuple[str, str]:
    """``(new_version(rng), new_hex_ids(rng, count))`` from one draw (the same bytes)."""
    raw = rng.randbytes(VERSION_LENGTH + 4 * count)
    version = raw[:VERSION_LENGTH].translate(_VERSION_TABLE).decode("ascii")
    return version, raw[VERSION_LENGTH:].hex()


def new_hex_ids(rng: random.Random, count: int) -> str:
    """``count`` ids of eight lower-case hex digits, as in data endpoint hosts
    (``s-1e415f8b``), from one draw, concatenated."""
    return rng.randbytes(4 * count).hex()


def new_hex8s(rng: random.Random, count: int) -> List[str]:
    """The ids of :func:`new_hex_ids` as a list."""
    h = new_hex_ids(rng, count)
    return [h[i : i + 8] for i in range(0, 8 * count, 8)]


def new_request_id(rng: random.Random) -> str:
    """A UUID4-shaped ``x-amzn-RequestId``: 16 random bytes with the version (4) and
    RFC 4122 variant bits set, formatted directly."""
    return _request_id(rng.randbytes(16))


def _request_id(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


#: Request ids per seed kept formatted and shared by every mock of the seed.
_SHARED_REQUEST_IDS = 1024


def _shared_id_count() -> int:
    # As many as the shared bytes hold (16 bytes each).
    return min(_SHARED_REQUEST_IDS, _SHARED_BYTES // 16)


class _SharedIds:
    """The first request ids of a seed (:func:`new_request_id` over its shared stream)."""

    __slots__ = ("_lock", "ids", "stream")

    def __init__(self, stream: _SharedStream) -> None:
        self.stream = stream
        self.ids: List[str] = []
        self._lock = threading.Lock()

    def grow(self, index: int) -> bool:
        """Format ids up to ``index`` (doubling); ``False`` past the kept ones."""
        if index >= _shared_id_count():
            return False
        with self._lock:
            ids = self.ids
            if index >= len(ids):
                end = min(max(index + 1, 2 * len(ids), 16), _shared_id_count())
                self.stream.grow(16 * end)
                data = self.stream.data
                ids.extend(_request_id(data[16 * i : 16 * i + 16]) for i in range(len(ids), end))
        return True


class RequestIds:
    """The ``x-amzn-RequestId`` values of one mock: :func:`new_request_id` over
    ``random.Random(seed)``, in order. Call :meth:`next` for each request (thread-safe).

    The first ids of a seed are formatted once and shared (a request reads one list item);
    later ones come from a ``random.Random(seed)`` of this mock's, advanced past them.
    """

    __slots__ = ("_count", "_lock", "_rest", "_shared", "seed")

    def __init__(self, seed: object) -> None:
        self.seed = seed
        self._count = itertools.count().__next__
        self._lock = threading.Lock()
        self._shared: Optional[_SharedIds] = None
        #: Where ids come from past the shared ones (from the start for other seeds).
        self._rest: Optional[random.Random] = None
        shared = _shared_stream(seed)
        if shared is None:
            self._rest = random.Random(seed)  # type: ignore[arg-type]
        else:
            if shared.request_ids is None:
                shared.request_ids = _SharedIds(shared)  # a race makes two equal lists
            self._shared = shared.request_ids

    def next(self) -> str:
        """The next request id."""
        rng = self._rest
        if rng is None:
            index = self._count()
            shared = self._shared
            assert shared is not None
            if index < len(shared.ids) or shared.grow(index):
                return shared.ids[index]
            rng = self._after_shared(shared)
        return _request_id(rng.getrandbits(128).to_bytes(16, "little"))

    def _after_shared(self, shared: _SharedIds) -> random.Random:
        with self._lock:
            rng = self._rest
            if rng is None:
                rng = random.Random(self.seed)  # type: ignore[arg-type]
                rng.getrandbits(8 * 16 * _shared_id_count())  # the shared ids' bytes
                self._rest = rng
            return rng


#: A hex digit -> the digit whose top two bits are the RFC 4122 variant (``10``).
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def resource_arn(
    partition: str, region: str, account: str, kind: str, name: str, created_ms: int
) -> str:
    """``arn:<partition>:kinesisvideo:<region>:<account>:<kind>/<name>/<creation epoch ms>``.

    Source: AWS_BEHAVIOUR.md "Streams, ARNs and versions" (real ARNs end in the creation
    time in milliseconds).
    """
    return f"arn:{partition}:kinesisvideo:{region}:{account}:{kind}/{name}/{created_ms}"
