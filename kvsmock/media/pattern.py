"""Test media without a camera: :func:`test_pattern` encodes a moving test pattern (and
optionally a tone) into Matroska as a Kinesis Video producer writes it.

Encoding is done by FFmpeg through PyAV (libx264 / libx265 for video, FFmpeg's AAC encoder
for audio; :func:`kvsmock.media._av.encode_pattern`) and muxed by FFmpeg's Matroska muxer,
set to start a cluster at each video key frame: one cluster (= one Kinesis Video fragment)
per GOP, as the producer SDK writes them. Needs the ``kvsmock[media]`` extra.
"""

from __future__ import annotations

#: ``codec`` values of :func:`test_pattern` and the FFmpeg encoders that make them.
ENCODERS = {"h264": "libx264", "h265": "libx265"}


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
        seconds: duration; ``seconds * fps`` frames are encoded.
        fps: frames per second.
        width, height: picture size in pixels (even numbers).
        codec: ``"h264"`` or ``"h265"``.
        gop_seconds: key-frame interval, so fragment length, in seconds.
        audio: add an AAC track.

    Raises:
        ValueError: an unknown codec, or a size, rate or duration that is not positive.
        kvsmock.media.archive.MediaExtraMissing: PyAV is not installed.
    """
    if codec not in ENCODERS:
        raise ValueError(f"codec must be one of {sorted(ENCODERS)}, not {codec!r}")
    if min(seconds, fps, width, height, gop_seconds) <= 0 or width % 2 or height % 2:
        raise ValueError("seconds, fps and gop_seconds must be positive, width and height even")
    from kvsmock.media import _av

    _av.require("test_pattern")
    return _av.encode_pattern(
        frames=max(1, round(seconds * fps)),
        fps=fps,
        width=width,
        height=height,
        encoder=ENCODERS[codec],
        gop=max(1, round(gop_seconds * fps)),
        audio=audio,
    )


test_pattern.__test__ = False  # type: ignore[attr-defined]  # not a test for pytest
