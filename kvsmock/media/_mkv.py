"""Matroska reading and writing: the only module that imports ``ebmlite``.

Reading splits a PutMedia payload into its header (the EBML header, ``Info`` and ``Tracks``
elements, kept as the producer sent them) and its clusters (one per fragment, kept byte for
byte), with each block's track, timecode and key-frame flag. ``ebmlite`` decodes the EBML
structure, including unknown-size ("live") segments and clusters, whose end it finds at the
first element that is not a valid child; this module only adds the checks a server needs on
untrusted input (truncation, order of elements, a second segment) and the three fixed fields
at the start of a Matroska block, which EBML does not describe.

Writing builds the chunks that GetMedia and GetMediaForFragmentList return: the stored
header, a ``Tags`` element with the service's tags, the stored cluster, and (GetMedia) a
second ``Tags`` element after the cluster, as real responses are laid out.

Matroska element ids: https://www.matroska.org/technical/elements.html
"""

from __future__ import annotations

import functools
import io
import struct
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import ebmlite
from ebmlite import decoding, encoding

EBML_ID = 0x1A45DFA3
SEGMENT_ID = 0x18538067
INFO_ID = 0x1549A966
TRACKS_ID = 0x1654AE6B
TAGS_ID = 0x1254C367
CLUSTER_ID = 0x1F43B675
TIMECODE_ID = 0xE7
SIMPLE_BLOCK_ID = 0xA3
BLOCK_GROUP_ID = 0xA0
BLOCK_ID = 0xA1
BLOCK_DURATION_ID = 0x9B
REFERENCE_BLOCK_ID = 0xFB
TRACK_ENTRY_ID = 0xAE

#: ``TimecodeScale`` when ``Info`` does not give one (nanoseconds per timecode unit).
DEFAULT_TIMECODE_SCALE = 1_000_000
#: The EBML header of chunks kvsmock writes without a producer header (error chunks).
DEFAULT_EBML_HEADER: Dict[str, Any] = {
    "EBMLVersion": 1,
    "EBMLReadVersion": 1,
    "EBMLMaxIDLength": 4,
    "EBMLMaxSizeLength": 8,
    "DocType": "matroska",
    "DocTypeVersion": 2,
    "DocTypeReadVersion": 2,
}
_DOC_TYPES = frozenset({"matroska", "webm"})
#: What ebmlite and the readers below raise on bytes that are not Matroska (RecursionError:
#: masters nested deeper than Python's stack, which ebmlite reads recursively; UnicodeWarning:
#: ebmlite warns on a non-ASCII string element, which is an exception where warnings are
#: errors, as under pytest's ``filterwarnings = error``).
_DECODE_ERRORS = (
    UnicodeWarning,
    OSError,
    ValueError,
    TypeError,
    struct.error,
    IndexError,
    KeyError,
    OverflowError,
    RecursionError,
)


class Track(NamedTuple):
    """One ``TrackEntry`` of the stream header."""

    number: int
    uid: Optional[int]
    track_type: Optional[int]
    codec_id: Optional[str]
    codec_private: Optional[bytes]
    name: Optional[str]
    default_duration_ns: Optional[int]


class Block(NamedTuple):
    """One frame: its track, its timecode relative to the cluster, and whether it is a key frame.

    ``timecode`` and ``duration`` are in ``TimecodeScale`` units (``duration`` only when a
    ``BlockGroup`` gives a ``BlockDuration``). ``offset`` and ``size`` locate the frame data
    in the cluster's bytes; ``laced`` blocks hold several frames there.
    """

    track: int
    timecode: int
    keyframe: bool
    duration: Optional[int]
    offset: int = 0
    size: int = 0
    laced: bool = False


#: One entry of a packed frame index (:func:`frame_index`): data offset and size in the
#: cluster, timecode relative to the cluster, track number, flags (:data:`KEY`,
#: :data:`LACED`, :data:`HAS_DURATION`), ``BlockDuration``.
_FRAME = struct.Struct("<IIhBBI")
KEY, LACED, HAS_DURATION = 1, 2, 4


_TIMECODE = struct.Struct("<q")


def frame_index(timecode: int, blocks: Sequence[Block]) -> bytes:
    """A cluster's timecode and blocks packed at 16 bytes a block (what remuxing needs to
    find and date the frames without parsing the cluster again)."""
    return index_prefix(timecode) + b"".join(
        _FRAME.pack(
            b.offset,
            b.size,
            b.timecode,
            b.track,
            (KEY if b.keyframe else 0)
            | (LACED if b.laced else 0)
            | (HAS_DURATION if b.duration is not None else 0),
            b.duration or 0,
        )
        for b in blocks
    )


def index_prefix(timecode: int) -> bytes:
    """The first bytes of a :func:`frame_index`: the cluster timecode."""
    return _TIMECODE.pack(timecode)


def index_timecode(index: bytes) -> int:
    """The cluster timecode (``TimecodeScale`` units) of a :func:`frame_index`."""
    return int(_TIMECODE.unpack_from(index)[0])


def first_frame_ms(header: Header, index: bytes) -> Optional[int]:
    """The earliest frame time of a :func:`frame_index` in milliseconds (``None``: no frames),
    rounded as FFmpeg's times are."""
    if len(index) <= _TIMECODE.size:
        return None
    first = index_timecode(index) + min(entry[2] for entry in frames(index))
    return round(first * header.timecode_scale / 1_000_000)


def frames(index: bytes) -> Iterator[Tuple[int, int, int, int, int, int]]:
    """``(offset, size, timecode, track, flags, duration)`` of each block of a frame index."""
    return _FRAME.iter_unpack(memoryview(index)[_TIMECODE.size :])


class Cluster(NamedTuple):
    """One cluster: its timecode (``TimecodeScale`` units), its bytes, its blocks.

    ``trailing`` holds the raw ``Tags`` elements the producer sent after the cluster and before
    the next one; they travel with the fragment.
    """

    timecode: int
    raw: bytes
    blocks: Tuple[Block, ...]
    trailing: bytes


class Header(NamedTuple):
    """What a producer sends before its first cluster, as GetMedia returns it with each chunk."""

    ebml: bytes
    info: bytes
    tracks_raw: bytes
    tracks: Tuple[Track, ...]
    timecode_scale: int


class Problem(NamedTuple):
    """Why reading stopped: ``truncated`` (the payload ended inside an element) or ``invalid``."""

    kind: str
    message: str


class Parsed(NamedTuple):
    """A payload read up to its end or its first problem; clusters before it are usable."""

    header: Optional[Header]
    clusters: List[Cluster]
    problem: Optional[Problem]


@functools.lru_cache(maxsize=1)
def schema() -> Any:
    """The Matroska schema shipped with ``ebmlite`` (loaded once, on first use)."""
    return ebmlite.loadSchema("matroska.xml")


def _end(el: Any) -> int:
    return int(el.payloadOffset) + int(el.size)


def _track(entry: Any) -> Track:
    d = entry.dump()
    private = d.get("CodecPrivate")
    return Track(
        number=int(d.get("TrackNumber", 0)),
        uid=d.get("TrackUID"),
        track_type=d.get("TrackType"),
        codec_id=d.get("CodecID"),
        codec_private=bytes(private) if private is not None else None,
        name=d.get("Name"),
        default_duration_ns=d.get("DefaultDuration"),
    )


def _children(data: bytes, start: int, end: int) -> Iterator[Tuple[int, int, int]]:
    """``(element id, payload start, payload end)`` of the elements in ``data[start:end]``.

    The children of a cluster, read with ebmlite's VINT decoders but without building an
    element object each (a cluster holds a block per frame: this walk is most of ingest).

    Raises:
        OSError: an element id longer than 4 bytes (ebmlite's error).
        ValueError: an element of unknown size, or one that runs past ``end``.
    """
    position = start
    while position < end:
        id_length, _ = decoding.decodeIDLength(data[position])
        element = int.from_bytes(data[position : position + id_length], "big")
        position += id_length
        size_length, size = decoding.decodeIntLength(data[position])
        if size_length > 1:
            size = int.from_bytes(data[position : position + size_length], "big") & (
                (1 << (7 * size_length)) - 1
            )
        if size == (1 << (7 * size_length)) - 1:
            raise ValueError("an element of unknown size inside a cluster")
        position += size_length
        if position + size > end:
            raise ValueError("a cluster element runs past the end of its cluster")
        yield element, position, position + size
        position += size


def _block_fields(data: bytes, start: int) -> Tuple[int, int, int, int]:
    """``(track number, relative timecode, flags, frame data offset)`` of the (Simple)Block
    whose payload starts at ``start`` in ``data`` (the offset is absolute)."""
    length, track = decoding.decodeIntLength(data[start])
    if length > 1:
        track = int.from_bytes(data[start : start + length], "big") & ((1 << (7 * length)) - 1)
    rel, flags = struct.unpack_from(">hB", data, start + length)
    return track, rel, flags, start + length + 3


def _laced(flags: int) -> bool:
    return bool(flags & 0x06)


def _cluster(el: Any, data: bytes) -> Cluster:
    base = int(el.offset)
    timecode: Optional[int] = None
    blocks: List[Block] = []
    end = _end(el)
    append = blocks.append
    for element, start, stop in _children(data, int(el.payloadOffset), end):
        if element == SIMPLE_BLOCK_ID:
            track, rel, flags, at = _block_fields(data, start)
            append(Block(track, rel, bool(flags & 0x80), None, at - base, stop - at, _laced(flags)))
        elif element == TIMECODE_ID:
            timecode = int.from_bytes(data[start:stop], "big")
        elif element == BLOCK_GROUP_ID:
            fields: Optional[Tuple[int, int, int, int]] = None
            block_end = 0
            duration: Optional[int] = None
            keyframe = True
            for part, part_start, part_stop in _children(data, start, stop):
                if part == BLOCK_ID:
                    fields = _block_fields(data, part_start)
                    block_end = part_stop
                elif part == BLOCK_DURATION_ID:
                    duration = int.from_bytes(data[part_start:part_stop], "big")
                elif part == REFERENCE_BLOCK_ID:
                    keyframe = False
            if fields is None:
                raise ValueError("a BlockGroup without a Block")
            track, rel, flags, at = fields
            append(Block(track, rel, keyframe, duration, at - base, block_end - at, _laced(flags)))
    if timecode is None:
        raise ValueError("a cluster without a Timecode element")
    return Cluster(timecode, data[el.offset : end], tuple(blocks), b"")


def _stop(header: Optional[Header], clusters: List[Cluster], kind: str, message: str) -> Parsed:
    return Parsed(header, clusters, Problem(kind, message))


def parse(data: bytes) -> Parsed:
    """Read a PutMedia payload: one EBML header, one segment, its header and clusters.

    Never raises for bad input: reading stops at the first problem and returns what came
    before it. A payload that ends inside an element is ``truncated``; one that does not start
    with an EBML header, has a cluster before ``Tracks``, header elements after a cluster, a
    second segment or bytes that are not EBML is ``invalid``.
    """
    size = len(data)
    header: Optional[Header] = None
    clusters: List[Cluster] = []
    try:
        doc = schema().load(io.BytesIO(data), headers=True)
        elements = iter(doc)
        first = next(elements, None)
        if first is None:
            return _stop(None, [], "invalid", "The payload is empty.")
        if first.id != EBML_ID:
            return _stop(None, [], "invalid", "The payload does not start with an EBML header.")
        if _end(first) > size:
            return _stop(None, [], "truncated", "The payload ends inside the EBML header.")
        ebml = data[first.offset : _end(first)]
        if first.dump().get("DocType") not in _DOC_TYPES:
            return _stop(None, [], "invalid", "The EBML DocType is not matroska or webm.")
        segment = next(elements, None)
        if segment is None:
            return _stop(None, [], "truncated", "The payload ends before the segment.")
        if segment.id != SEGMENT_ID:
            return _stop(None, [], "invalid", "The EBML header is not followed by a segment.")
        info = b""
        tracks_raw = b""
        tracks: Optional[Tuple[Track, ...]] = None
        scale = DEFAULT_TIMECODE_SCALE
        for el in segment:
            end = _end(el)
            if end > size:
                return _stop(header, clusters, "truncated", "The payload ends inside an element.")
            if el.id == CLUSTER_ID:
                if header is None:
                    if tracks is None:
                        return _stop(
                            None, [], "invalid", "A cluster came before the Tracks element."
                        )
                    header = Header(ebml, info, tracks_raw, tracks, scale)
                clusters.append(_cluster(el, data))
            elif el.id in (INFO_ID, TRACKS_ID) and header is not None:
                return _stop(header, clusters, "invalid", "A header element came after a cluster.")
            elif el.id == INFO_ID:
                info = data[el.offset : end]
                scale = int(el.dump().get("TimecodeScale", DEFAULT_TIMECODE_SCALE))
            elif el.id == TRACKS_ID:
                tracks_raw = data[el.offset : end]
                tracks = tuple(_track(t) for t in el if t.id == TRACK_ENTRY_ID)
            elif el.id == TAGS_ID and clusters:
                last = clusters[-1]
                clusters[-1] = last._replace(trailing=last.trailing + data[el.offset : end])
        if header is None and tracks is not None:
            header = Header(ebml, info, tracks_raw, tracks, scale)
        consumed = _end(segment)
        if consumed < size:
            following = next(elements, None)
            if following is None:
                return _stop(header, clusters, "truncated", "The payload ends inside an element.")
            if following.id == EBML_ID:
                return _stop(header, clusters, "invalid", "The payload has more than one segment.")
            return _stop(header, clusters, "invalid", "Bytes after the segment are not Matroska.")
    except _DECODE_ERRORS as e:
        return _stop(header, clusters, "invalid", f"The payload is not valid Matroska ({e}).")
    return Parsed(header, clusters, None)


def cluster_body(data: bytes) -> bytes:
    """The children of a payload's first cluster except its ``Timecode`` (its blocks), as
    stored: what :func:`cluster` puts under another timecode.

    Raises:
        ValueError: the payload has no cluster.
    """
    doc = schema().load(io.BytesIO(data), headers=True)
    for top in doc:
        if top.id != SEGMENT_ID:
            continue
        for el in top:
            if el.id == CLUSTER_ID:
                return b"".join(
                    data[child.offset : _end(child)] for child in el if child.id != TIMECODE_ID
                )
    raise ValueError("the payload has no cluster")


def cluster(timecode: int, body: bytes) -> bytes:
    """A cluster at ``timecode`` (``TimecodeScale`` units) holding ``body``; its size and its
    ``Timecode`` are written with 8 bytes, so the body sits at the same offset whatever the
    timecode."""
    timecode_element = (
        bytes(encoding.encodeId(TIMECODE_ID))
        + bytes(encoding.encodeSize(8, 1))
        + bytes(encoding.encodeUInt(timecode, 8))
    )
    content = timecode_element + body
    return (
        bytes(encoding.encodeId(CLUSTER_ID)) + bytes(encoding.encodeSize(len(content), 8)) + content
    )


def header_bytes(header: Header) -> bytes:
    """The EBML header, an unknown-size segment, ``Info`` and ``Tracks``: what precedes the
    first cluster of a payload."""
    return header.ebml + _segment_start() + header.info + header.tracks_raw


def tags(pairs: Sequence[Tuple[str, str]]) -> bytes:
    """A ``Tags`` element holding one ``Tag`` with a ``SimpleTag`` (name, string) per pair."""
    simple = [{"TagName": name, "TagString": value} for name, value in pairs]
    return bytes(schema()["Tags"].encode({"Tag": {"SimpleTag": simple}}))


def _segment_start() -> bytes:
    # An unknown-size segment, as a live stream writes it: 1-byte size, all bits set.
    return bytes(encoding.encodeId(SEGMENT_ID)) + bytes(encoding.encodeSize(None))


def chunk(
    header: Header,
    cluster: bytes,
    before: Sequence[Tuple[str, str]],
    after: Sequence[Tuple[str, str]] = (),
) -> bytes:
    """One chunk: EBML header, unknown-size segment, Info, Tracks, tags, cluster, tags."""
    parts = [header.ebml, _segment_start(), header.info, header.tracks_raw, tags(before), cluster]
    if after:
        parts.append(tags(after))
    return b"".join(parts)


def error_chunk(pairs: Sequence[Tuple[str, str]]) -> bytes:
    """A chunk that carries only tags (the in-band error GetMedia sends), with a default header."""
    ebml = bytes(schema()["EBML"].encode(DEFAULT_EBML_HEADER))
    return ebml + _segment_start() + tags(pairs)
