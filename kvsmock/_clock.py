"""Time and identifiers: the mock's clock, ARNs, versions and endpoint prefixes.

Every timestamp comes from :func:`now`, read at call time, so freezegun and time-machine
control it. Every id comes from the mock's seeded :class:`random.Random`, so a run with the
same seed and the same calls gives the same ids.
"""

from __future__ import annotations

import datetime as _dt
import random
import string
import threading
import uuid
from typing import List, Optional

_VERSION_ALPHABET = string.ascii_letters + string.digits
#: Length of a stream or channel Version token; real ones are 20 mixed-case alphanumerics
#: (AWS_BEHAVIOUR.md, "Version string").
VERSION_LENGTH = 20


def now() -> _dt.datetime:
    """The current time, timezone-aware UTC, truncated to the millisecond as AWS reports it."""
    t = _dt.datetime.now(_dt.timezone.utc)  # looked up on each call: freezegun replaces it
    return t.replace(microsecond=t.microsecond - t.microsecond % 1000)


def epoch_millis(t: _dt.datetime) -> int:
    """Milliseconds since the Unix epoch of an aware datetime."""
    return (t - _EPOCH) // _ONE_MS


def from_epoch_millis(ms: int) -> _dt.datetime:
    """The aware UTC datetime of a millisecond epoch value.

    Raises:
        ValueError: the time is outside :data:`EARLIEST` .. :data:`LATEST`.
    """
    if not EARLIEST_MS <= ms <= LATEST_MS:
        raise ValueError(f"{ms} ms from the epoch is outside the times kvsmock handles")
    return _EPOCH + ms * _ONE_MS


def in_range(t: _dt.datetime) -> bool:
    """Whether an aware datetime is within :data:`EARLIEST` .. :data:`LATEST`."""
    return EARLIEST <= t <= LATEST


def ascii_int(text: str, *, signed: bool = False) -> Optional[int]:
    """The integer a string of ASCII digits (after one ``-`` when ``signed``) spells, else None.

    ``int()`` and ``str.isdigit()`` also take ``"²"``, ``"١٢"``, ``" 7"``, ``"+7"`` and
    ``"1_0"``; the service's numbers are ASCII digits only.
    """
    body = text[1:] if signed and text.startswith("-") else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    return int(text)


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_ONE_MS = _dt.timedelta(milliseconds=1)
#: The earliest and latest timestamps kvsmock takes from a request or a producer: the range of
#: ``datetime`` less a week at each end, so that every window kvsmock computes around a time
#: (at most a day wide) and every timestamp it answers stays representable.
EARLIEST = _dt.datetime(1, 1, 8, tzinfo=_dt.timezone.utc)
LATEST = _dt.datetime(9999, 12, 24, tzinfo=_dt.timezone.utc)
EARLIEST_MS = (EARLIEST - _EPOCH) // _ONE_MS
LATEST_MS = (LATEST - _EPOCH) // _ONE_MS
#: Byte -> version character: ``_VERSION_ALPHABET[byte % 62]`` for every byte value.
_VERSION_TABLE = bytes(ord(_VERSION_ALPHABET[b % 62]) for b in range(256))


# Kept (optimisation 19): one 20-byte draw defines the Versions of a seed (tests pin them).
def new_version(rng: random.Random) -> str:
    """A Version token: 20 characters of ``[a-zA-Z0-9]`` (model shape ``Version``).

    Each character is one random byte modulo 62 (the first 8 characters of the alphabet are
    drawn 5 times in 256 instead of 4: tokens are opaque, nothing depends on uniformity),
    from one draw of 20 bytes.
    """
    return rng.randbytes(VERSION_LENGTH).translate(_VERSION_TABLE).decode("ascii")


def seeded_random(seed: object) -> random.Random:
    """The mock's source of resource ids: ``random.Random(seed)`` (``None``: from the OS)."""
    return random.Random(seed)  # type: ignore[arg-type]


def new_hex_ids(rng: random.Random, count: int) -> str:
    """``count`` ids of eight lower-case hex digits, as in data endpoint hosts
    (``s-1e415f8b``), from one draw, concatenated."""
    return rng.randbytes(4 * count).hex()


def new_hex8s(rng: random.Random, count: int) -> List[str]:
    """The ids of :func:`new_hex_ids` as a list."""
    h = new_hex_ids(rng, count)
    return [h[i : i + 8] for i in range(0, 8 * count, 8)]


def new_request_id(rng: random.Random) -> str:
    """A UUID4 ``x-amzn-RequestId``: 16 random bytes with the version (4) and RFC 4122
    variant bits set."""
    return str(uuid.UUID(bytes=rng.randbytes(16), version=4))


class RequestIds:
    """The ``x-amzn-RequestId`` values of one mock: :func:`new_request_id` over
    ``random.Random(seed)``, in order. Call :meth:`next` for each request (thread-safe)."""

    def __init__(self, seed: object) -> None:
        self.seed = seed
        self._rng = random.Random(seed)  # type: ignore[arg-type]
        self._lock = threading.Lock()

    def next(self) -> str:
        """The next request id."""
        with self._lock:
            return new_request_id(self._rng)


def resource_arn(
    partition: str, region: str, account: str, kind: str, name: str, created_ms: int
) -> str:
    """``arn:<partition>:kinesisvideo:<region>:<account>:<kind>/<name>/<creation epoch ms>``.

    Source: AWS_BEHAVIOUR.md "Streams, ARNs and versions" (real ARNs end in the creation
    time in milliseconds).
    """
    return f"arn:{partition}:kinesisvideo:{region}:{account}:{kind}/{name}/{created_ms}"
