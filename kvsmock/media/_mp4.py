"""Fragmented MP4 (ISO/IEC 14496-12, CMAF-style) written from Matroska frames, pure Python.

H.264 and H.265 frames are stored the same way in Matroska and MP4 (length-prefixed NAL
units, with the ``avcC`` / ``hvcC`` record as Matroska ``CodecPrivate``), and so are AAC
frames (raw, with the ``AudioSpecificConfig`` as ``CodecPrivate``). So an HLS or DASH
session's initialization segment is an ``ftyp`` + ``moov`` built from the tracks' codec
private data, and each Kinesis Video fragment becomes exactly one media segment (``moof`` +
``mdat``), with the session's timeline in ``tfdt``. Nothing is re-encoded.

Every track uses a timescale of 1000 (milliseconds, the unit of Kinesis Video timestamps).
Matroska stores presentation times only; a segment's decode times are its presentation times
in ascending order, and ``trun`` version 1 carries the (possibly negative) composition
offsets.
"""

from __future__ import annotations

import struct
from typing import List, NamedTuple, Optional, Sequence

#: Timescale of every track (ticks per second).
TIMESCALE = 1000
_MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
_KEY_FLAGS = 0x02000000  # sample_depends_on = 2 (an I frame)
_DELTA_FLAGS = 0x01010000  # sample_depends_on = 1, sample_is_non_sync_sample


class TrackInfo(NamedTuple):
    """One track of the session: ``kind`` is ``video`` or ``audio``.

    ``fourcc`` is the sample entry (``avc1``, ``hvc1``, ``mp4a``) and ``config`` its codec
    configuration (the Matroska ``CodecPrivate``).
    """

    track_id: int
    kind: str
    fourcc: str
    config: bytes
    width: int = 0
    height: int = 0
    sample_rate: int = 0
    channels: int = 0


class Sample(NamedTuple):
    """One frame: presentation time and duration in milliseconds on the session timeline."""

    pts: int
    duration: int
    keyframe: bool
    data: bytes


def box(kind: str, *payload: bytes) -> bytes:
    """An ISO BMFF box: 32-bit size, four-character type, payload."""
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind.encode("ascii")) + body


def full_box(kind: str, version: int, flags: int, *payload: bytes) -> bytes:
    """A full box: a box whose payload starts with version (8 bits) and flags (24 bits)."""
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


def _descriptor(tag: int, body: bytes) -> bytes:
    size = len(body)
    length = bytes(
        [0x80 | ((size >> 21) & 0x7F), 0x80 | ((size >> 14) & 0x7F), 0x80 | ((size >> 7) & 0x7F)]
    ) + bytes([size & 0x7F])
    return bytes([tag]) + length + body


def _esds(config: bytes) -> bytes:
    decoder_specific = _descriptor(0x05, config)
    decoder_config = _descriptor(
        0x04, struct.pack(">BBxHII", 0x40, 0x15, 0, 0, 0) + decoder_specific
    )
    es = _descriptor(0x03, struct.pack(">HB", 0, 0) + decoder_config + _descriptor(0x06, b"\x02"))
    return full_box("esds", 0, 0, es)


def _sample_entry(track: TrackInfo) -> bytes:
    if track.kind == "video":
        config_box = "avcC" if track.fourcc == "avc1" else "hvcC"
        return box(
            track.fourcc,
            b"\x00" * 6,
            struct.pack(">H", 1),
            b"\x00" * 16,
            struct.pack(">HHIIIH", track.width, track.height, 0x00480000, 0x00480000, 0, 1),
            b"\x00" * 32,
            struct.pack(">Hh", 0x0018, -1),
            box(config_box, track.config),
        )
    return box(
        "mp4a",
        b"\x00" * 6,
        struct.pack(">H", 1),
        b"\x00" * 8,
        struct.pack(">HHHHI", track.channels or 2, 16, 0, 0, (track.sample_rate & 0xFFFF) << 16),
        _esds(track.config),
    )


def _trak(track: TrackInfo) -> bytes:
    video = track.kind == "video"
    tkhd = full_box(
        "tkhd",
        0,
        3,
        struct.pack(">IIIII", 0, 0, track.track_id, 0, 0),
        b"\x00" * 8,
        struct.pack(">hhhH", 0, 0, 0 if video else 0x0100, 0),
        _MATRIX,
        struct.pack(">II", track.width << 16, track.height << 16),
    )
    mdhd = full_box("mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, TIMESCALE, 0, 0x55C4, 0))
    handler, name = (b"vide", b"VideoHandler\x00") if video else (b"soun", b"SoundHandler\x00")
    hdlr = full_box("hdlr", 0, 0, struct.pack(">I", 0), handler, b"\x00" * 12, name)
    media_header = (
        full_box("vmhd", 0, 1, b"\x00" * 8) if video else full_box("smhd", 0, 0, b"\x00" * 4)
    )
    dinf = box("dinf", full_box("dref", 0, 0, struct.pack(">I", 1), full_box("url ", 0, 1)))
    stbl = box(
        "stbl",
        full_box("stsd", 0, 0, struct.pack(">I", 1), _sample_entry(track)),
        full_box("stts", 0, 0, struct.pack(">I", 0)),
        full_box("stsc", 0, 0, struct.pack(">I", 0)),
        full_box("stsz", 0, 0, struct.pack(">II", 0, 0)),
        full_box("stco", 0, 0, struct.pack(">I", 0)),
    )
    minf = box("minf", media_header, dinf, stbl)
    return box("trak", tkhd, box("mdia", mdhd, hdlr, minf))


def init_segment(tracks: Sequence[TrackInfo]) -> bytes:
    """The initialization segment (``ftyp`` + ``moov`` with ``mvex``) of these tracks."""
    brands = [b"iso6", b"cmfc", b"mp41"] + [t.fourcc.encode("ascii") for t in tracks]
    ftyp = box("ftyp", b"iso6", struct.pack(">I", 0), *brands)
    mvhd = full_box(
        "mvhd",
        0,
        0,
        struct.pack(">IIIIIH", 0, 0, TIMESCALE, 0, 0x00010000, 0x0100),
        b"\x00" * 10,
        _MATRIX,
        b"\x00" * 24,
        struct.pack(">I", max(t.track_id for t in tracks) + 1),
    )
    trex = [full_box("trex", 0, 0, struct.pack(">IIIII", t.track_id, 1, 0, 0, 0)) for t in tracks]
    return ftyp + box("moov", mvhd, *[_trak(t) for t in tracks], box("mvex", *trex))


def _traf(track_id: int, samples: Sequence[Sample], data_offset: int) -> bytes:
    decode_times = sorted(s.pts for s in samples)
    base = max(0, decode_times[0])
    end = max(s.pts + s.duration for s in samples)
    rows: List[bytes] = []
    for i, s in enumerate(samples):
        if i + 1 < len(samples):
            duration = decode_times[i + 1] - decode_times[i]
        else:
            duration = max(1, end - decode_times[i])
        rows.append(
            struct.pack(
                ">IIIi",
                duration,
                len(s.data),
                _KEY_FLAGS if s.keyframe else _DELTA_FLAGS,
                s.pts - decode_times[i],
            )
        )
    trun = full_box("trun", 1, 0x000F01, struct.pack(">Ii", len(samples), data_offset), *rows)
    tfhd = full_box("tfhd", 0, 0x020000, struct.pack(">I", track_id))
    tfdt = full_box("tfdt", 1, 0, struct.pack(">Q", base))
    return box("traf", tfhd, tfdt, trun)


def media_segment(
    sequence: int, tracks: Sequence[Sequence[Sample]], track_ids: Sequence[int]
) -> bytes:
    """One ``moof`` + ``mdat`` holding each track's samples (in decode order).

    Args:
        sequence: the ``mfhd`` sequence number (1-based, increasing in the session).
        tracks: per track, its samples in decode order (tracks without samples are left out).
        track_ids: the track ids matching ``tracks``.
    """
    present = [(tid, s) for tid, s in zip(track_ids, tracks) if s]

    def build(offsets: Optional[List[int]]) -> bytes:
        trafs = [
            _traf(tid, samples, offsets[i] if offsets else 0)
            for i, (tid, samples) in enumerate(present)
        ]
        return box("moof", full_box("mfhd", 0, 0, struct.pack(">I", sequence)), *trafs)

    moof_size = len(build(None))
    offsets: List[int] = []
    position = moof_size + 8
    for _, samples in present:
        offsets.append(position)
        position += sum(len(s.data) for s in samples)
    mdat = box("mdat", *[s.data for _, samples in present for s in samples])
    return build(offsets) + mdat
