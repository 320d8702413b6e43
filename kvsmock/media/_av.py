"""PyAV (FFmpeg) and Pillow: the only module that imports them, on first use.

They are the optional extra ``kvsmock[media]``: GetClip, GetImages and the HLS/DASH sessions
need them; everything else works without. :func:`require` raises
:class:`MediaExtraMissing` with the install command when they are absent.

- :func:`fragmented_mp4`, :func:`mpeg_ts` and :func:`plain_mp4` remux fragments with
  FFmpeg's own muxers, copying the frames (no re-encoding): an HLS/DASH session's
  initialization and media segments, HLS ``getTSFragment`` files, and GetClip's MP4.
  FFmpeg probes a stream's header once (on its first fragment); every fragment's frames
  are then read from the frame index ingest made (:func:`kvsmock.media._mkv.frame_index`),
  not demuxed and probed again. Laced blocks, which FFmpeg's demuxer splits, go through it;
- :func:`track_info` gives each track's kind, picture size, sample rate (DASH, HLS);
- :func:`frames_at` and :func:`encode_image` serve GetImages;
- :func:`encode_pattern` encodes the test pattern (libx264 / libx265, AAC).
"""

from __future__ import annotations

import bisect
import io
import math
import struct
import threading
from collections import OrderedDict
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
    Set,
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


def _ms(value: Optional[int], time_base: Any) -> int:
    if value is None or time_base is None:
        return 0
    return round(float(value * time_base) * 1000)


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
    """One fragment to remux: the stream header (:class:`kvsmock.media._mkv.Header`), the
    cluster, its frame index (:func:`kvsmock.media._mkv.frame_index`) and the shift (ms)
    onto the output timeline."""

    header: Any
    cluster: bytes
    frames: bytes
    shift_ms: int

    @property
    def matroska(self) -> bytes:
        """The fragment as a Matroska chunk (header and cluster), as FFmpeg can open it."""
        from kvsmock.media import _mkv

        return _mkv.chunk(self.header, self.cluster, [])


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


class _Track(NamedTuple):
    """What FFmpeg found out about one track when it probed a stream header's first fragment."""

    #: FFmpeg's input stream: the template of output streams and decoders.
    stream: Any
    #: The packets FFmpeg's demuxer could not date (its reordering depth).
    delay: int
    #: The duration FFmpeg gives a frame whose block states none (stream time base).
    duration: int


class _Probe(NamedTuple):
    """A stream header probed once by FFmpeg: its tracks, and whether the stored blocks give
    exactly the packets FFmpeg's demuxer gives (no lacing, same times, sizes and flags)."""

    container: Any  # kept open: its streams are the templates
    tracks: Dict[int, _Track]  # by Matroska TrackNumber
    exact: bool


#: Probed headers kept (least recently used dropped): a stream's header is probed once.
PROBE_CACHE_SIZE = 64
_probes: OrderedDict[Any, _Probe] = OrderedDict()
_probes_lock = threading.Lock()


class _Packet(NamedTuple):
    """One frame as a packet: Matroska track, presentation time and duration (stream time
    base), key-frame flag, and where its data is in the cluster."""

    track: int
    pts: int
    duration: int
    keyframe: bool
    offset: int
    size: int


def _block_packets(piece: Piece, tracks: Dict[int, _Track]) -> Optional[List[_Packet]]:
    """The packets of a fragment read from its frame index, or ``None`` when a block is laced
    (several frames in one block: FFmpeg's demuxer splits those)."""
    from kvsmock.media import _mkv

    timecode = _mkv.index_timecode(piece.frames)
    out: List[_Packet] = []
    for offset, size, rel, track, flags, duration in _mkv.frames(piece.frames):
        if flags & _mkv.LACED:
            return None
        known = tracks.get(track)
        if flags & _mkv.HAS_DURATION:
            length = duration
        else:
            length = known.duration if known is not None else 0
        out.append(_Packet(track, timecode + rel, length, bool(flags & _mkv.KEY), offset, size))
    return out


def _track_numbers(piece: Piece, container: Any) -> List[int]:
    """The Matroska ``TrackNumber`` of each FFmpeg stream (by index). FFmpeg makes one stream
    per ``TrackEntry`` in order; if it made another count, streams get negative numbers
    (then no block matches them and FFmpeg's demuxer reads every fragment)."""
    numbers = [t.number for t in piece.header.tracks]
    if len(numbers) != len(container.streams):
        return [-1 - i for i in range(len(container.streams))]
    return numbers


def _probe(piece: Piece) -> _Probe:
    """FFmpeg's view of the piece's stream header, probed on its first use (cached)."""
    import av

    with _probes_lock:
        found = _probes.get(piece.header)
        if found is not None:
            _probes.move_to_end(piece.header)
            return found
    from kvsmock.media import _mkv

    try:
        container: Any = av.open(io.BytesIO(piece.matroska), format="matroska")
        packets = [p for p in container.demux() if p.size and p.pts is not None]
    except av.FFmpegError as e:
        raise MediaDataError(str(e)) from e
    tracks: Dict[int, _Track] = {}
    index = list(_mkv.frames(piece.frames))
    numbers = _track_numbers(piece, container)
    for stream in container.streams:
        number = numbers[stream.index]
        mine = [p for p in packets if p.stream.index == stream.index]
        delay = next((i for i, p in enumerate(mine) if p.dts is not None), len(mine))
        # The duration FFmpeg gives a frame whose block states none: from DefaultDuration
        # or, without one, what FFmpeg derives (AAC: 1024 samples at the sample rate).
        blocks = [flags for _, _, _, track, flags, _ in index if track == number]
        duration = next(
            (
                int(p.duration or 0)
                for p, flags in zip(mine, blocks)
                if not flags & _mkv.HAS_DURATION
            ),
            0,
        )
        tracks[number] = _Track(stream, delay, duration)
    built = _block_packets(piece, tracks)
    demuxed = [
        (numbers[p.stream.index], int(p.pts or 0), int(p.duration or 0), p.is_keyframe, p.size)
        for p in packets
    ]
    exact = built is not None and demuxed == [
        (b.track, b.pts, b.duration, b.keyframe, b.size) for b in built
    ]
    probe = _Probe(container, tracks, exact)
    with _probes_lock:
        _probes[piece.header] = probe
        while len(_probes) > PROBE_CACHE_SIZE:
            _probes.popitem(last=False)
    return probe


def _demuxed_packets(piece: Piece) -> Iterator[Tuple[Any, int]]:
    """``(packet, Matroska track)`` of a fragment as FFmpeg's demuxer reads it (laced blocks,
    or a header whose blocks FFmpeg reads differently)."""
    import av

    with av.open(io.BytesIO(piece.matroska), format="matroska") as source:
        numbers = _track_numbers(piece, source)
        for packet in source.demux():
            if packet.size and packet.pts is not None:
                yield packet, numbers[packet.stream.index]


def _piece_packets(piece: Piece, probe: _Probe, kept: Dict[int, Any]) -> List[Tuple[Any, int]]:
    """``(av.Packet, Matroska track)`` of a fragment's frames of the ``kept`` tracks, in file
    order, with presentation and decode times shifted onto the output timeline."""
    import av

    built = _block_packets(piece, probe.tracks) if probe.exact else None
    packets: List[Tuple[Any, int]] = []
    delays = {track: t.delay for track, t in probe.tracks.items()}
    if built is None:
        packets = [(p, t) for p, t in _demuxed_packets(piece) if t in kept]
        for track in kept:
            mine = [p for p, t in packets if t == track]
            delays[track] = next((i for i, p in enumerate(mine) if p.dts is not None), len(mine))
    else:
        view: Any = memoryview(piece.cluster)
        time_bases = {track: probe.tracks[track].stream.time_base for track in kept}
        for b in built:
            if b.track not in kept:
                continue
            packet = av.Packet(view[b.offset : b.offset + b.size])
            packet.time_base = time_bases[b.track]
            packet.pts = b.pts
            packet.duration = b.duration
            packet.is_keyframe = b.keyframe
            packets.append((packet, b.track))
    for track in kept:
        mine = [p for p, t in packets if t == track]
        if not mine:
            continue
        shift = round(Fraction(piece.shift_ms, 1000) / mine[0].time_base)
        step = int(mine[0].duration or 0) or 1
        pts = [int(p.pts) for p in mine]
        for packet, dts in zip(mine, _decode_times(pts, delays.get(track, 0), step)):
            packet.pts, packet.dts = int(packet.pts) + shift, dts + shift
    return packets


def _mux(
    pieces: Sequence[Piece],
    container_format: str,
    options: Dict[str, str],
    track: Optional[int] = None,
) -> bytes:
    """Copy the H.264/H.265/AAC frames of ``pieces`` (of one Matroska ``track``, or of all)
    into one ``container_format`` file.

    Each stream header is probed by FFmpeg once (:func:`_probe`); the frames of every
    fragment are then read from its frame index, not demuxed again, and FFmpeg's muxer
    writes them. Fragments with laced blocks go through FFmpeg's demuxer.
    """
    import av

    out = io.BytesIO()
    overlap = _Overlap()
    try:
        with av.open(out, "w", format=container_format, options=options) as target:
            mapping: Dict[int, Any] = {}
            for piece in pieces:
                probe = _probe(piece)
                if not mapping:
                    for number, info in probe.tracks.items():
                        if track is not None and number != track:
                            continue
                        if info.stream.codec_context.name in KEPT_CODECS:
                            copy = target.add_stream_from_template(info.stream)
                            if info.stream.codec_context.name == "hevc":
                                copy.codec_tag = "hvc1"  # as the playlist's CODECS says
                            mapping[number] = copy
                    if not mapping:
                        raise MediaDataError(f"the fragment has no track {track}")
                for packet, number in _piece_packets(piece, probe, mapping):
                    if not overlap.keep(packet, number):
                        continue
                    packet.stream = mapping[number]
                    target.mux(packet)
    except av.FFmpegError as e:
        raise MediaDataError(str(e)) from e
    return out.getvalue()


class _Overlap:
    """Which frames of consecutive fragments a muxer can take: FFmpeg's muxers refuse a
    decode time that is not after the last one of its track, which happens where fragments
    overlap (a producer restarted before the previous one's end, or the AAC encoder's
    priming samples placed before a fragment's start). Such a frame is left out, and after
    it every frame of that track up to the next key frame (the frames that depend on it):
    the earlier fragment plays whole, the later one from its first key frame after it."""

    def __init__(self) -> None:
        self.last: Dict[int, Fraction] = {}
        self.waiting: Set[int] = set()

    def keep(self, packet: Any, track: int) -> bool:
        if packet.dts is None:
            return True
        at = Fraction(int(packet.dts)) * packet.time_base
        last = self.last.get(track)
        if last is not None and at <= last:
            self.waiting.add(track)
            return False
        if track in self.waiting:
            if not packet.is_keyframe:
                return False
            self.waiting.discard(track)
        self.last[track] = at
        return True


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


def fragmented_mp4(piece: Piece, sequence: int, track: Optional[int] = None) -> Tuple[bytes, bytes]:
    """One fragment (one Matroska ``track`` of it, or all) as ``(initialization segment,
    media segment)`` of fragmented MP4.

    FFmpeg's mp4 muxer writes ``ftyp`` + ``moov`` + one ``moof`` + ``mdat``
    (:data:`FRAGMENT_FLAGS`), the ``moof`` numbered ``sequence`` and its ``tfdt`` on the
    shifted timeline; the file is split at its top-level boxes.

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    options = {"movflags": FRAGMENT_FLAGS, "fragment_index": str(sequence)}
    init: List[bytes] = []
    media: List[bytes] = []
    for kind, box in top_level_boxes(_mux([piece], "mp4", options, track)):
        (init if kind in (b"ftyp", b"moov") else media).append(box)
    return b"".join(init), b"".join(media)


def mpeg_ts(piece: Piece, track: Optional[int] = None) -> bytes:
    """One fragment (one Matroska ``track`` of it, or all) as an MPEG-TS file, timestamps
    kept on the shifted timeline.

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    return _mux([piece], "mpegts", {"mpegts_copyts": "1"}, track)


def plain_mp4(pieces: Sequence[Piece]) -> bytes:
    """The fragments, in order, as one plain (non-fragmented) MP4 file.

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    return _mux(pieces, "mp4", {})


class TrackInfo(NamedTuple):
    """One track as FFmpeg sees it: ``kind`` (``video``, ``audio``, ...), FFmpeg's codec
    name, picture size (pixels) or sample rate (Hz) and channels."""

    kind: str
    codec: str
    width: int
    height: int
    sample_rate: int
    channels: int


def track_info(piece: Piece) -> Dict[int, TrackInfo]:
    """FFmpeg's view of each track of the piece's stream header, by Matroska TrackNumber.

    Raises:
        MediaDataError: FFmpeg cannot read the fragment.
    """
    found: Dict[int, TrackInfo] = {}
    for number, track in _probe(piece).tracks.items():
        ctx: Any = track.stream.codec_context
        kind = str(track.stream.type)
        video = kind == "video"
        found[number] = TrackInfo(
            kind=kind,
            codec=str(ctx.name),
            width=int(ctx.width or 0) if video else 0,
            height=int(ctx.height or 0) if video else 0,
            sample_rate=int(ctx.sample_rate or 0) if kind == "audio" else 0,
            channels=int(ctx.channels or 0) if kind == "audio" else 0,
        )
    return found


def _decoded(
    piece: Piece, wanted: Sequence[int], decoders: Optional[Dict[Any, Any]]
) -> Tuple[List[Optional[int]], Iterator[Tuple[int, Any]]]:
    """``(pts in ms, av.VideoFrame)`` of the piece's first video track in presentation order,
    decoded lazily (stop iterating to stop decoding), and for each time of ``wanted`` (ms)
    the ``pts`` (stream time base) of the frame shown then, as the frame index gives it:
    the last that starts at or before it, else the first (``None``: no index).

    The frames come from the frame index into a decoder set up from the probed stream, so
    the fragment is not opened and probed again (FFmpeg's demuxer reads laced fragments).
    ``decoders`` (by stream header) keeps that decoder for the next fragment of the header.
    """
    probe = _probe(piece)
    video = [(n, t) for n, t in probe.tracks.items() if t.stream.type == "video"]
    if not video:
        return [None] * len(wanted), iter(())
    number, track = video[0]
    built = _block_packets(piece, probe.tracks) if probe.exact else None
    if built is None:
        return [None] * len(wanted), _demuxed_frames(piece)
    time_base = track.stream.time_base
    mine = [b for b in built if b.track == number]
    starts = sorted(b.pts for b in mine)
    shown: List[Optional[int]] = []
    for t in wanted:
        after = bisect.bisect_right(starts, t, key=lambda pts: _ms(pts, time_base))
        shown.append(starts[max(0, after - 1)] if starts else None)
    decoder: Any = decoders.get(piece.header) if decoders is not None else None
    if decoder is None:
        decoder = _decoder(track.stream.codec_context)
        if decoders is not None:
            decoders[piece.header] = decoder
    else:
        decoder.flush_buffers()  # a new fragment starts at a key frame
    return shown, _decoder_frames(decoder, piece.cluster, mine, time_base)


def _demuxed_frames(piece: Piece) -> Iterator[Tuple[int, Any]]:
    """``(pts in ms, av.VideoFrame)`` of the fragment's first video track through FFmpeg's
    demuxer."""
    import av

    with av.open(io.BytesIO(piece.matroska), format="matroska") as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.pts is not None:
                yield _ms(frame.pts, frame.time_base), frame


def _decoder(template: Any) -> Any:
    """A decoder like ``template``'s (a probed stream's codec context: same codec, same
    ``extradata``, FFmpeg's default threads)."""
    import av

    decoder: Any = av.CodecContext.create(template.name, "r")
    decoder.extradata = template.extradata
    return decoder


def _decoder_frames(
    decoder: Any, cluster: bytes, packets: List[_Packet], time_base: Any
) -> Iterator[Tuple[int, Any]]:
    """``(pts in ms, av.VideoFrame)`` of the cluster's ``packets`` through ``decoder``; each
    ``av.Packet`` is made as the decoder takes it."""
    import av

    view: Any = memoryview(cluster)
    for b in [*packets, None]:
        packet = None
        if b is not None:
            packet = av.Packet(view[b.offset : b.offset + b.size])
            packet.time_base = time_base
            packet.pts = b.pts
            packet.dts = b.pts
            packet.is_keyframe = b.keyframe
        for frame in decoder.decode(packet):
            if frame.pts is not None:
                yield _ms(frame.pts, time_base), frame


def frames_at(
    piece: Piece, wanted: Sequence[int], decoders: Optional[Dict[Any, Any]] = None
) -> Generator[Any, None, None]:
    """For each time of ``wanted`` (ascending, ms on the fragment's own timeline), the frame
    of its first video track shown then: the last one that starts at or before it, else the
    first one. Yields nothing more (the caller's ``next`` gives ``None``) when the fragment
    has no video track or FFmpeg cannot decode it.

    Frames are decoded in order and dropped as soon as a later one is shown, and decoding
    stops at the frame of the last wanted time: at most two decoded frames are alive. The
    frame index says which frame that is (its presentation times), so the frame after it is
    not decoded just to learn that it starts later (without an index, it is).

    ``decoders`` (a dict the caller keeps across fragments, one call after another) lets
    fragments of one stream header share a decoder, as a player's does.
    """
    import av

    position = 0
    try:
        shown, decoded = _decoded(piece, wanted, decoders)
        previous: Any = None
        for ms, frame in decoded:
            while position < len(wanted) and (
                ms > wanted[position] or frame.pts == shown[position]
            ):
                at = frame.pts == shown[position] or previous is None
                yield frame if at else previous
                position += 1
            if position == len(wanted):
                return
            previous = frame
        while previous is not None and position < len(wanted):
            yield previous
            position += 1
    except (av.FFmpegError, MediaDataError):
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
    """A decoded frame as JPEG (``quality`` 1-100) or PNG, scaled as :func:`scaled_size` says.

    FFmpeg's swscale converts the frame to RGB and scales it in one pass (bicubic, like
    Pillow's ``resize``, at about a tenth of its cost at 720p). For JPEG it writes ``rgb0``,
    4 bytes a pixel as Pillow keeps RGB, so the image maps the converted frame instead of
    copying it; unscaled, the JPEG is byte for byte the one ``frame.to_image()`` gives (which
    copies the picture four times more).
    """
    from PIL import Image

    size = scaled_size((frame.width, frame.height), width, height)
    scale: Dict[str, Any] = {}
    if size != (frame.width, frame.height):
        scale = {"width": size[0], "height": size[1], "interpolation": "BICUBIC"}
    out = io.BytesIO()
    if image_format == "JPEG":
        plane = frame.reformat(format="rgb0", **scale).planes[0]
        image = Image.frombuffer("RGBX", size, plane, "raw", "RGBX", plane.line_size, 1)
        image.save(out, format="JPEG", quality=quality)
    else:
        plane = frame.reformat(format="rgb24", **scale).planes[0]
        image = Image.frombuffer("RGB", size, plane, "raw", "RGB", plane.line_size, 1)
        image.save(out, format="PNG")
    return out.getvalue()


# -- test media ---------------------------------------------------------------------------

#: Audio of the test pattern: a 440 Hz tone, mono, at this sample rate (Hz).
AUDIO_SAMPLE_RATE = 48000
TONE_HZ = 440


def _encoder_options(encoder: str, gop: int) -> Dict[str, str]:
    """Fixed GOPs (a key frame every ``gop`` frames, no scene-cut key frames), fast."""
    if encoder == "libx264":
        return {
            "preset": "ultrafast",
            "g": str(gop),
            "keyint_min": str(gop),
            "sc_threshold": "0",
        }
    return {
        "preset": "ultrafast",
        "x265-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:log-level=none",
    }


def _cluster_options(gop: int, fps: int, audio: bool) -> Dict[str, str]:
    """Options that make FFmpeg's Matroska muxer start one cluster per GOP.

    The muxer starts a cluster at a video key frame once the cluster holds 4 KiB, or at
    any packet past ``cluster_time_limit`` (ms). AAC alone passes 4 KiB within half a second,
    so with audio the key frames start the clusters; without, small pictures may not reach
    it, and a limit half a frame short of the GOP ends each cluster at the next key frame.
    (Its DASH mode, a cluster per key frame, takes one track only.)
    """
    gop_ms = gop * 1000 // fps
    limit = gop_ms * 4 if audio else gop_ms - 500 // fps
    return {"cluster_time_limit": str(limit), "cluster_size_limit": str(1 << 30)}


def _video_frame(av: Any, index: int, width: int, height: int) -> Any:
    """Frame ``index`` of the pattern: a luma ramp scrolling 4 pixels a frame over colour bars."""
    frame = av.VideoFrame(width, height, "yuv420p")
    ramp = bytes((x * 255 // max(1, width - 1)) for x in range(width))
    shift = (index * 4) % width
    luma, cb, cr = frame.planes
    row = ramp[shift:] + ramp[:shift]
    luma.update((row + bytes(luma.line_size - width)) * height)
    half = (width + 1) // 2
    bars = [(90, 240), (54, 34), (240, 110), (128, 128)]  # blue-ish, green, red, grey
    for plane, which in ((cb, 0), (cr, 1)):
        line = b"".join(bytes([bars[x * len(bars) // half][which]]) for x in range(half)) + bytes(
            plane.line_size - half
        )
        plane.update(line * ((height + 1) // 2))
    frame.pts = index
    return frame


def encode_pattern(
    *, frames: int, fps: int, width: int, height: int, encoder: str, gop: int, audio: bool
) -> bytes:
    """``frames`` of the moving test pattern encoded by ``encoder`` (libx264 / libx265) with
    a key frame every ``gop`` frames (and a 440 Hz AAC tone with ``audio``), muxed by
    FFmpeg's Matroska muxer one cluster per GOP (:func:`kvsmock.media.test_pattern`)."""
    import av

    out = io.BytesIO()
    options = _cluster_options(gop, fps, audio)
    with av.open(out, "w", format="matroska", options=options) as container:
        video: Any = container.add_stream(encoder, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.gop_size = gop
        video.options = _encoder_options(encoder, gop)
        tone = _Tone(av, container, frames / fps) if audio else None
        for index in range(frames):
            frame = _video_frame(av, index, width, height)
            frame.time_base = Fraction(1, fps)
            container.mux(video.encode(frame))
            if tone is not None:
                tone.encode_until((index + 1) / fps)
        container.mux(video.encode(None))
        if tone is not None:
            tone.finish()
    return out.getvalue()


class _Tone:
    """A 440 Hz tone through FFmpeg's AAC encoder, 1024 samples a frame, encoded as the
    video advances so that the muxer interleaves the tracks as a camera would."""

    FRAME = 1024

    def __init__(self, av: Any, container: Any, seconds: float) -> None:
        rate = AUDIO_SAMPLE_RATE
        self.av = av
        self.container = container
        self.stream: Any = container.add_stream("aac", rate=rate)
        self.stream.layout = "mono"
        self.stream.format = "fltp"
        period = [0.25 * math.sin(2 * math.pi * TONE_HZ * i / rate) for i in range(rate // 40)]
        one = struct.pack(f"<{len(period)}f", *period)  # 1/40 s: a whole number of periods
        self.total = int(seconds * rate)
        self.samples = (one * (self.total // len(period) + 1))[: self.total * 4]
        self.position = 0

    def encode_until(self, seconds: float) -> None:
        """Encode the tone's frames that start before ``seconds``."""
        end = min(self.total, int(seconds * AUDIO_SAMPLE_RATE))
        while self.position < end:
            start = self.position
            chunk = self.samples[start * 4 : (start + self.FRAME) * 4]
            frame = self.av.AudioFrame(format="fltp", layout="mono", samples=len(chunk) // 4)
            frame.planes[0].update(chunk)
            frame.sample_rate = AUDIO_SAMPLE_RATE
            frame.pts = start
            frame.time_base = Fraction(1, AUDIO_SAMPLE_RATE)
            self.container.mux(self.stream.encode(frame))
            self.position += len(chunk) // 4

    def finish(self) -> None:
        """Encode what is left and flush the encoder."""
        self.encode_until(self.total / AUDIO_SAMPLE_RATE)
        self.container.mux(self.stream.encode(None))
