"""PyAV (FFmpeg) and Pillow: the only module that imports them, on first use.

They are the optional extra ``kvsmock[media]``: GetClip, GetImages and the HLS/DASH sessions
need them; everything else works without. :func:`require` raises
:class:`MediaExtraMissing` with the install command when they are absent.

- :func:`demux` reads one fragment (a Matroska chunk) into frames: the Matroska demuxer
  undoes lacing and reports each frame's track, presentation time and key-frame flag;
- :func:`fragmented_mp4`, :func:`mpeg_ts` and :func:`plain_mp4` remux fragments with
  FFmpeg's own muxers, copying the frames (no re-encoding): an HLS/DASH session's
  initialization and media segments, HLS ``getTSFragment`` files, and GetClip's MP4;
- :func:`frames_at` and :func:`encode_image` serve GetImages.
"""

from __future__ import annotations

import io
import struct
from fractions import Fraction
from typing import (
    Any,
    Dict,
    Generator,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

from kvsmock.errors import KvsmockError

INSTALL_HINT = "pip install kvsmock[media]"


class MediaExtraMissing(KvsmockError, ImportError):
    """PyAV or Pillow is missing: GetClip, GetImages and HLS/DASH need ``kvsmock[media]``."""

    def __init__(self, operation: str, missing: str) -> None:
        super().__init__(
            f"kvsmock needs the optional '{missing}' package for {operation}: "
            f"{INSTALL_HINT} (PyAV and Pillow)."
        )
        self.operation = operation


class MediaDataError(ValueError):
    """FFmpeg could not read the stored frames (the service's InvalidMediaFrameException)."""


def require(operation: str) -> None:
    """Import PyAV and Pillow, or raise :class:`MediaExtraMissing` naming ``operation``."""
    try:
        import av  # noqa: F401
    except ImportError as e:
        raise MediaExtraMissing(operation, "av") from e
    try:
        import PIL.Image  # noqa: F401
    except ImportError as e:
        raise MediaExtraMissing(operation, "Pillow") from e


class StreamInfo(NamedTuple):
    """One track as FFmpeg sees it (``kind`` ``video``/``audio``/other; sizes in pixels)."""

    kind: str
    codec: str
    width: int
    height: int
    sample_rate: int
    channels: int


class Frame(NamedTuple):
    """One frame of a fragment: stream index, presentation time and duration (ms)."""

    stream: int
    pts: int
    duration: int
    keyframe: bool
    data: bytes


class Demuxed(NamedTuple):
    """The tracks and frames (in file order) of one Matroska chunk."""

    streams: List[StreamInfo]
    frames: List[Frame]


def _ms(value: Optional[int], time_base: Any) -> int:
    if value is None or time_base is None:
        return 0
    return round(float(value * time_base) * 1000)


def _stream_info(stream: Any) -> StreamInfo:
    ctx = stream.codec_context
    kind = str(stream.type)
    return StreamInfo(
        kind=kind,
        codec=str(ctx.name),
        width=int(getattr(ctx, "width", 0) or 0) if kind == "video" else 0,
        height=int(getattr(ctx, "height", 0) or 0) if kind == "video" else 0,
        sample_rate=int(getattr(ctx, "sample_rate", 0) or 0) if kind == "audio" else 0,
        channels=int(getattr(ctx, "channels", 0) or 0) if kind == "audio" else 0,
    )


def demux(matroska: bytes) -> Demuxed:
    """Every frame of a Matroska chunk with its track, time (ms) and key-frame flag.

    Raises:
        MediaDataError: FFmpeg cannot read the chunk.
    """
    import av

    try:
        with av.open(io.BytesIO(matroska), format="matroska") as container:
            streams = [_stream_info(s) for s in container.streams]
            frames: List[Frame] = []
            for packet in container.demux():
                if packet.size == 0 or packet.pts is None:
                    continue
                frames.append(
                    Frame(
                        stream=packet.stream.index,
                        pts=_ms(packet.pts, packet.time_base),
                        duration=_ms(packet.duration, packet.time_base),
                        keyframe=bool(packet.is_keyframe),
                        data=bytes(packet),
                    )
                )
    except av.FFmpegError as e:
        raise MediaDataError(str(e)) from e
    return Demuxed(streams, frames)


#: Codecs (FFmpeg names) that sessions and clips carry; G.711 and others are left out.
KEPT_CODECS = ("h264", "hevc", "aac")
#: ``movflags`` of one session segment (one fragment muxed alone):
#:
#: - ``frag_custom``: FFmpeg cuts no fragment itself, so the whole Kinesis Video fragment
#:   (which may hold more than one key frame) is one ``moof`` + ``mdat``, written on close;
#: - ``delay_moov`` rather than ``empty_moov``: with ``empty_moov`` FFmpeg forces
#:   ``avoid_negative_ts=make_zero``, which would move every segment's ``tfdt`` to 0;
#: - ``frag_discont``: ``tfdt`` is the fragment's own start on the session timeline;
#: - ``negative_cts_offsets``: ``trun`` version 1 with signed composition offsets, so every
#:   frame's presentation time (``tfdt`` + durations + offset) is exact in every segment
#:   without an edit list (which the shared init segment could only get right for fragments
#:   reordered like the first one);
#: - ``default_base_moof`` (CMAF, DASH), ``skip_trailer`` (no ``mfra`` index).
FRAGMENT_FLAGS = (
    "frag_custom+delay_moov+frag_discont+negative_cts_offsets+default_base_moof+skip_trailer"
)


class Piece(NamedTuple):
    """One fragment to remux: its Matroska chunk and the shift (ms) onto the output timeline."""

    matroska: bytes
    shift_ms: int


def _decode_times(pts: List[int], delay: int, step: int) -> List[int]:
    """Decode times of one track's packets (decode order); Matroska stores none.

    A frame decodes at the ``delay``-th earlier presentation time (``delay`` = FFmpeg's
    reordering depth: the packets it could not date), the first ones ``step`` apart before
    the earliest; ``delay`` grows if the frames need more.
    """
    order = sorted(pts)
    while any(order[k - delay] > pts[k] for k in range(delay, len(pts))):
        delay += 1
    return [
        order[k - delay] if k >= delay else order[0] - (delay - k) * step for k in range(len(pts))
    ]


def _mux(pieces: Sequence[Piece], container_format: str, options: Dict[str, str]) -> bytes:
    """Copy the H.264/H.265/AAC frames of ``pieces`` into one ``container_format`` file."""
    import av

    out = io.BytesIO()
    try:
        with av.open(out, "w", format=container_format, options=options) as target:
            mapping: Dict[int, Any] = {}
            for piece in pieces:
                with av.open(io.BytesIO(piece.matroska), format="matroska") as source:
                    if not mapping:
                        for stream in source.streams:
                            if stream.codec_context.name in KEPT_CODECS:
                                copy = target.add_stream_from_template(stream)
                                if stream.codec_context.name == "hevc":
                                    copy.codec_tag = "hvc1"  # as the playlist's CODECS says
                                mapping[stream.index] = copy
                    ordered = [
                        p
                        for p in source.demux()
                        if p.size and p.pts is not None and p.stream.index in mapping
                    ]
                    times: Dict[int, Tuple[int, int]] = {}
                    for index in mapping:
                        packets = [p for p in ordered if p.stream.index == index]
                        if not packets:
                            continue
                        shift = round(Fraction(piece.shift_ms, 1000) / packets[0].time_base)
                        delay = next(
                            (i for i, p in enumerate(packets) if p.dts is not None), len(packets)
                        )
                        step = int(packets[0].duration or 0) or 1
                        pts = [int(p.pts) for p in packets]
                        for packet, dts in zip(packets, _decode_times(pts, delay, step)):
                            times[id(packet)] = (int(packet.pts) + shift, dts + shift)
                    for packet in ordered:
                        packet.pts, packet.dts = times[id(packet)]
                        packet.stream = mapping[packet.stream.index]
                        target.mux(packet)
    except av.FFmpegError as e:
        raise MediaDataError(str(e)) from e
    return out.getvalue()


def top_level_boxes(data: bytes) -> Iterator[Tuple[bytes, bytes]]:
    """``(type, whole box)`` of each top-level ISO BMFF box (32- or 64-bit sizes)."""
    position = 0
    while position + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, position)
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, position + 8)
        elif size == 0:
            size = len(data) - position
        yield kind, data[position : position + size]
        position += size


def fragmented_mp4(piece: Piece, sequence: int) -> Tuple[bytes, bytes]:
    """One fragment as ``(initialization segment, media segment)`` of fragmented MP4.

    FFmpeg's mp4 muxer writes ``ftyp`` + ``moov`` + one ``moof`` + ``mdat``
    (:data:`FRAGMENT_FLAGS`), the ``moof`` numbered ``sequence`` and its ``tfdt`` on the
    shifted timeline; the file is split at its top-level boxes.

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    options = {"movflags": FRAGMENT_FLAGS, "fragment_index": str(sequence)}
    init: List[bytes] = []
    media: List[bytes] = []
    for kind, box in top_level_boxes(_mux([piece], "mp4", options)):
        (init if kind in (b"ftyp", b"moov") else media).append(box)
    return b"".join(init), b"".join(media)


def mpeg_ts(piece: Piece) -> bytes:
    """One fragment as an MPEG-TS file, timestamps kept on the shifted timeline.

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    return _mux([piece], "mpegts", {"mpegts_copyts": "1"})


def plain_mp4(pieces: Sequence[Piece]) -> bytes:
    """The fragments, in order, as one plain (non-fragmented) MP4 file.

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    return _mux(pieces, "mp4", {})


def frames_at(matroska: bytes, wanted: Sequence[int]) -> Generator[Any, None, None]:
    """For each time of ``wanted`` (ascending, ms on the chunk's timeline), the frame of the
    chunk's first video track shown then: the last one that starts at or before it, else the
    first one. Yields nothing more (the caller's ``next`` gives ``None``) when the chunk has
    no video track or FFmpeg cannot decode it.

    Frames are decoded in order and dropped as soon as a later one is shown, and decoding
    stops after the frame of the last wanted time: at most two decoded frames are alive.
    """
    import av

    position = 0
    try:
        with av.open(io.BytesIO(matroska), format="matroska") as container:
            if not container.streams.video:
                return
            stream = container.streams.video[0]
            previous: Any = None
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                pts = _ms(frame.pts, frame.time_base)
                while position < len(wanted) and pts > wanted[position]:
                    yield previous if previous is not None else frame
                    position += 1
                if position == len(wanted):
                    return
                previous = frame
            while previous is not None and position < len(wanted):
                yield previous
                position += 1
    except av.FFmpegError:
        return


def scaled_size(
    size: Tuple[int, int], width: Optional[int], height: Optional[int]
) -> Tuple[int, int]:
    """The output size of GetImages: both given -> stretched; one given -> aspect kept."""
    src_w, src_h = size
    if width and height:
        return width, height
    if width:
        return width, max(1, round(src_h * width / src_w))
    if height:
        return max(1, round(src_w * height / src_h)), height
    return src_w, src_h


def encode_image(
    frame: Any, image_format: str, width: Optional[int], height: Optional[int], quality: int
) -> bytes:
    """A decoded frame as JPEG (``quality`` 1-100) or PNG, scaled as :func:`scaled_size` says."""
    image = frame.to_image()
    size = scaled_size(image.size, width, height)
    if size != image.size:
        image = image.resize(size)
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=quality)
    else:
        image.save(out, format="PNG")
    return out.getvalue()
