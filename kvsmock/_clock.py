"""Time and identifiers: the mock's clock, ARNs, versions and endpoint prefixes.

Every timestamp comes from :func:`now`, read at call time, so freezegun and time-machine
control it. Every id comes from the mock's seeded :class:`random.Random`, so a run with the
same seed and the same calls gives the same ids.
"""

from __future__ import annotations

import datetime as _dt
import random
import string

_VERSION_ALPHABET = string.ascii_letters + string.digits
#: Length of a stream or channel Version token; real ones are 20 mixed-case alphanumerics
#: (AWS_BEHAVIOUR.md, "Version string").
VERSION_LENGTH = 20


def now() -> _dt.datetime:
    """The current time, timezone-aware UTC, truncated to the millisecond as AWS reports it."""
    t = _dt.datetime.now(_dt.timezone.utc)
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
_ONE_US = _dt.timedelta(microseconds=1)
_ALPHABET_SIZE = float(len(_VERSION_ALPHABET))
_VERSION_RANGE = range(VERSION_LENGTH)


def new_version(rng: random.Random) -> str:
    """A Version token: 20 characters of ``[a-zA-Z0-9]`` (model shape ``Version``).

    The same string as ``"".join(rng.choices(_VERSION_ALPHABET, k=VERSION_LENGTH))``: that
    is what ``choices`` does without weights (``population[floor(random() * n)]`` per
    item, ``n`` a float), without its argument handling.
    """
    draw = rng.random
    return "".join([_VERSION_ALPHABET[int(draw() * _ALPHABET_SIZE)] for _ in _VERSION_RANGE])


def new_hex8(rng: random.Random) -> str:
    """Eight lower-case hex digits, as in data endpoint hosts (``s-1e415f8b``)."""
    return f"{rng.getrandbits(32):08x}"


def new_request_id(rng: random.Random) -> str:
    """A UUID4-shaped ``x-amzn-RequestId``.

    The same string as ``str(uuid.UUID(int=rng.getrandbits(128), version=4))``, formatted
    directly (this runs on every request).
    """
    n = (rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


#: RFC 4122 variant bits and version 4, as ``uuid.UUID(..., version=4)`` sets them.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def resource_arn(
    partition: str, region: str, account: str, kind: str, name: str, created_ms: int
) -> str:
    """``arn:<partition>:kinesisvideo:<region>:<account>:<kind>/<name>/<creation epoch ms>``.

    Source: AWS_BEHAVIOUR.md "Streams, ARNs and versions" (real ARNs end in the creation
    time in milliseconds).
    """
    return f"arn:{partition}:kinesisvideo:{region}:{account}:{kind}/{name}/{created_ms}"
