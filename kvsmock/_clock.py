"""Time and identifiers: the mock's clock, ARNs, versions and endpoint prefixes.

Every timestamp comes from :func:`now`, read at call time, so freezegun and time-machine
control it. Every id comes from the mock's seeded :class:`random.Random`, so a run with the
same seed and the same calls gives the same ids.
"""

from __future__ import annotations

import datetime as _dt
import random
import string
from typing import Dict, List, Tuple

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
    from one 160-bit draw (``getrandbits(8n).to_bytes(n, "little")`` is what
    ``randbytes(n)`` returns, one call less).
    """
    raw = rng.getrandbits(8 * VERSION_LENGTH).to_bytes(VERSION_LENGTH, "little")
    return raw.translate(_VERSION_TABLE).decode("ascii")


_SEEDED_STATES: Dict[object, Tuple[object, ...]] = {}


def seeded_random(seed: object) -> random.Random:
    """``random.Random(seed)``; ``None`` seeds from the OS.

    Seeding the Mersenne Twister costs more than copying a seeded state, and every new mock
    seeds two sources from the same few seeds: the state after seeding is kept per seed
    (int or str; at most 64) and copied into each new source.
    """
    if seed is None or seed.__class__ not in (int, str):
        return random.Random(seed)  # type: ignore[arg-type]
    state = _SEEDED_STATES.get(seed)
    if state is None:
        if len(_SEEDED_STATES) >= 64:
            _SEEDED_STATES.clear()
        state = _SEEDED_STATES[seed] = random.Random(seed).getstate()
    rng = random.Random.__new__(random.Random)
    rng.setstate(state)
    return rng


def new_hex_ids(rng: random.Random, count: int) -> str:
    """``count`` ids of eight lower-case hex digits, as in data endpoint hosts
    (``s-1e415f8b``), from one draw, concatenated."""
    return rng.getrandbits(32 * count).to_bytes(4 * count, "little").hex()  # randbytes(4 * count)


def new_hex8s(rng: random.Random, count: int) -> List[str]:
    """The ids of :func:`new_hex_ids` as a list."""
    h = new_hex_ids(rng, count)
    return [h[i : i + 8] for i in range(0, 8 * count, 8)]


def new_request_id(rng: random.Random) -> str:
    """A UUID4-shaped ``x-amzn-RequestId``: 16 random bytes with the version (4) and
    RFC 4122 variant bits set, formatted directly (this runs on every request)."""
    h = rng.getrandbits(128).to_bytes(16, "little").hex()  # randbytes(16), one call less
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


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
