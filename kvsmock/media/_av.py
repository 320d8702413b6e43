"""PyAV (FFmpeg) and Pillow: the only module that imports them, on first use.

They are the optional extra ``kvsmock[media]``: GetClip, GetImages and the HLS/DASH sessions
need them; everything else works without. :func:`require` raises
:class:`MediaExtraMissing` with the install command when they are absent.

- :func:`demux` reads one fragment (a Matroska chunk) into frames: the Matroska demuxer
  undoes lacing and reports each frame's track, presentation time and key-frame flag;
- :func:`remux` turns fragmented MP4 into MPEG-TS (HLS ``GetTSFragment``) or into a plain
  MP4 file (GetClip), copying the frames (no re-encoding);
- :func:`decode_video` and :func:`encode_image` serve GetImages.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, List, NamedTuple, Optional, Tuple

from kvsmock.errors import KvsmockError

if TYPE_CHECKING:
    import av

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


def remux(fmp4: bytes, container_format: str) -> bytes:
    """Copy the frames of a fragmented MP4 into ``mpegts`` or a plain ``mp4`` file.

    Timestamps are kept (``mpegts`` gets the session timeline).

    Raises:
        MediaDataError: FFmpeg cannot read or write the frames.
    """
    import av

    options = {"mpegts_copyts": "1"} if container_format == "mpegts" else {}
    out_buf = io.BytesIO()
    try:
        with av.open(io.BytesIO(fmp4), format="mp4") as source:  # noqa: SIM117 (Python 3.9)
            with av.open(out_buf, "w", format=container_format, options=options) as target:
                mapping = {s.index: target.add_stream_from_template(s) for s in source.streams}
                for packet in source.demux():
                    if packet.dts is None:
                        continue
                    packet.stream = mapping[packet.stream.index]
                    target.mux(packet)
    except av.FFmpegError as e:
        raise MediaDataError(str(e)) from e
    return out_buf.getvalue()


def decode_video(matroska: bytes) -> List[Tuple[int, Any]]:
    """The decoded frames of a chunk's first video track: ``(pts in ms, av.VideoFrame)``.

    Raises:
        MediaDataError: there is no video track or FFmpeg cannot decode it.
    """
    import av

    try:
        with av.open(io.BytesIO(matroska), format="matroska") as container:
            if not container.streams.video:
                raise MediaDataError("the fragment has no video track")
            stream = container.streams.video[0]
            frames: List[Tuple[int, av.VideoFrame]] = []
            for frame in container.decode(stream):
                if frame.pts is not None:
                    frames.append((_ms(frame.pts, frame.time_base), frame))
    except av.FFmpegError as e:
        raise MediaDataError(str(e)) from e
    return frames


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
