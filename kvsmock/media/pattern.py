"""Test media without a camera: :func:`test_pattern` encodes a moving test pattern (and
optionally a tone) into Matroska as a Kinesis Video producer writes it.

Encoding is done by FFmpeg through PyAV (libx264 / libx265 for video, FFmpeg's AAC encoder
for audio; :func:`kvsmock.media._av.encode_pattern`) and muxed by FFmpeg's Matroska muxer,
set to start a cluster at each video key frame: one cluster (= one Kinesis Video fragment)
per GOP, as the producer SDK writes them. Needs the ``kvsmock[media]`` extra.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

#: ``codec`` values of :func:`test_pattern` and the FFmpeg encoders that make them.
ENCODERS = {"h264": "libx264", "h265": "libx265"}
#: The longest pattern (``seconds`` and ``gop_seconds``), in seconds.
MAX_SECONDS = 600
#: Frame rates :func:`test_pattern` encodes (frames per second, whole numbers).
MIN_FPS, MAX_FPS = 1, 120
#: Picture sides (pixels, even; FFmpeg's yuv420p needs even sides): libx265 refuses less
#: than 16, and 4096 (4K) is plenty for tests.
MIN_SIDE, MAX_SIDE = 16, 4096
#: The most pixels one pattern encodes (``seconds * fps * width * height``): 10 minutes of
#: 1280x720 at 30 fps, about two minutes of encoding; more is almost surely a mistake.
MAX_PIXELS = MAX_SECONDS * 30 * 1280 * 720


def check_seconds(name: str, value: object, maximum: float) -> float:
    """``value`` as a duration in seconds: a real number more than 0 and at most ``maximum``.

    Raises:
        TypeError: not a real number (a bool, a string, ``None``).
        ValueError: not finite (``nan``, ``inf``, an int past float's range), or out of
            range.
    """
    rule = f"{name} must be a number of seconds more than 0 and at most {maximum:g}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{rule}, not {value!r} ({type(value).__name__})")
    try:
        seconds = float(value)
    except OverflowError:  # an int past float's range
        seconds = math.inf
    if not (math.isfinite(seconds) and 0 < seconds <= maximum):
        raise ValueError(f"{rule}, not {value!r}")
    return seconds


def _whole(name: str, value: object, low: int, high: int, even: bool = False) -> int:
    """``value`` as an int from ``low`` to ``high`` (and even with ``even``).

    Raises:
        TypeError: not an integer (a float such as ``29.97`` or ``10.0``, a bool, a string).
        ValueError: out of range, or odd where it must be even.
    """
    kind = "an even int" if even else "an int"
    rule = f"{name} must be {kind} from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{rule}, not {value!r} ({type(value).__name__})")
    number = int(value)
    if not low <= number <= high or (even and number % 2):
        raise ValueError(f"{rule}, not {value!r}")
    return number


def check_picture(fps: object, width: object, height: object, codec: object, audio: object) -> None:
    """Check the picture arguments :func:`test_pattern` and ``mock.camera`` share.

    Raises:
        TypeError: ``fps``, ``width`` or ``height`` not an int, ``codec`` not a string,
            ``audio`` not a bool.
        ValueError: ``fps`` outside 1-120, ``width`` or ``height`` odd or outside 16-4096,
            ``codec`` neither ``"h264"`` nor ``"h265"``.
    """
    _whole("fps", fps, MIN_FPS, MAX_FPS)
    _whole("width", width, MIN_SIDE, MAX_SIDE, even=True)
    _whole("height", height, MIN_SIDE, MAX_SIDE, even=True)
    if not isinstance(codec, str):
        raise TypeError(f"codec must be 'h264' or 'h265', not {codec!r} ({type(codec).__name__})")
    if codec not in ENCODERS:
        raise ValueError(f"codec must be 'h264' or 'h265', not {codec!r}")
    if not isinstance(audio, bool):
        raise TypeError(f"audio must be True or False, not {audio!r} ({type(audio).__name__})")


def test_pattern(
    seconds: float,
    *,
    fps: int = 10,
    width: int = 320,
    height: int = 240,
    codec: str = "h264",
    gop_seconds: float = 2.0,
    audio: bool = False,
) -> bytes:
    """Matroska bytes of a moving test pattern, as a Kinesis Video producer writes them.

    Track 1 is ``V_MPEG4/ISO/AVC`` (``codec="h264"``, libx264) or ``V_MPEGH/ISO/HEVC``
    (``"h265"``, libx265) with its ``CodecPrivate``; with ``audio`` track 2 is ``A_AAC``
    (a 440 Hz tone, mono, 48 kHz). One cluster per GOP of ``gop_seconds`` (each a Kinesis
    Video fragment once put), timecodes in milliseconds from 0 (PutMedia's RELATIVE).

    Args:
        seconds: duration in seconds, more than 0 and at most 600 (:data:`MAX_SECONDS`);
            ``round(seconds * fps)`` frames are encoded, at least one.
        fps: frames per second, an int from 1 to 120.
        width, height: picture size in pixels, even ints from 16 to 4096; and
            ``seconds * fps * width * height`` at most :data:`MAX_PIXELS` (10 minutes of
            1280x720 at 30 fps, about two minutes of encoding).
        codec: ``"h264"`` or ``"h265"``.
        gop_seconds: key-frame interval, so fragment length, in seconds: more than 0 and
            at most 600 (a GOP holds at least one frame). PutMedia refuses fragments longer
            than 10 s, so longer GOPs make media it refuses.
        audio: add an AAC track (``True`` or ``False``).

    Raises:
        TypeError: an argument of the wrong type (``fps=29.97``, ``seconds="10"``,
            ``audio=1``); the message names the argument and its allowed range.
        ValueError: a value out of its range above (``nan`` and ``inf`` included), or an
            unknown codec; the message names the argument and its allowed range.
        kvsmock.media.archive.MediaExtraMissing: PyAV is not installed.
    """
    duration = check_seconds("seconds", seconds, MAX_SECONDS)
    gop = check_seconds("gop_seconds", gop_seconds, MAX_SECONDS)
    check_picture(fps, width, height, codec, audio)
    if duration * fps * width * height > MAX_PIXELS:
        raise ValueError(
            f"seconds * fps * width * height must be at most {MAX_PIXELS:,} (10 minutes of "
            f"1280x720 at 30 fps), not {duration * fps * width * height:,.0f}: make the "
            "pattern shorter, slower or smaller"
        )
    from kvsmock.media import _av

    _av.require("test_pattern")
    return _av.encode_pattern(
        frames=max(1, round(duration * fps)),
        fps=int(fps),
        width=int(width),
        height=int(height),
        encoder=ENCODERS[codec],
        gop=max(1, round(gop * fps)),
        audio=audio,
    )


test_pattern.__test__ = False  # type: ignore[attr-defined]  # not a test for pytest
