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
from typing import Any, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import ebmlite
from ebmlite import encoding

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
#: How deeply EBML masters may nest, counted from the EBML header or from a child of the
#: segment (1). The deepest Matroska path is 7 levels below the segment
#: (``Tracks/TrackEntry/ContentEncodings/ContentEncoding/ContentEncryption/
#: ContentEncAESSettings/AESSettingsCipherMode``); ``ChapterAtom`` and ``SimpleTag`` may
#: nest in themselves, which real files do a few levels deep. ebmlite reads nested masters
#: recursively (and a master of unknown size by reading its children), so deeper input is
#: ``invalid`` before ebmlite reads it, instead of reaching Python's recursion limit.
MAX_DEPTH = 32
#: What ebmlite and the readers below raise on bytes that are not Matroska (UnicodeWarning:
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
#: A block's relative timecode and flags byte, after its track number.
_BLOCK_HEAD = struct.Struct(">hB")
#: A SimpleBlock's flags byte -> its frame index flags (0x80 key frame, 0x06 lacing).
_SIMPLE_FLAGS = tuple((KEY if f & 0x80 else 0) | (LACED if f & 0x06 else 0) for f in range(256))


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
    """One cluster: its timecode (``TimecodeScale`` units), its bytes, its frame index.

    ``trailing`` holds the raw ``Tags`` elements the producer sent after the cluster and before
    the next one; they travel with the fragment. ``tracks`` are the track numbers of its
    blocks; ``start_ns`` and ``end_ns`` (``None`` without blocks) the start of its earliest
    frame and the end of its latest, in nanoseconds after the cluster timecode: a frame lasts
    its ``BlockDuration``, else its track's ``DefaultDuration``, else 0.
    """

    timecode: int
    raw: bytes
    #: The blocks packed by :func:`frame_index` (timecode first).
    frames: bytes
    trailing: bytes
    tracks: FrozenSet[int]
    start_ns: Optional[int]
    end_ns: Optional[int]

    @property
    def blocks(self) -> Tuple[Block, ...]:
        """The blocks, unpacked from :attr:`frames`."""
        return tuple(
            Block(
                track,
                rel,
                bool(flags & KEY),
                duration if flags & HAS_DURATION else None,
                offset,
                size,
                bool(flags & LACED),
            )
            for offset, size, rel, track, flags, duration in frames(self.frames)
        )


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


@functools.lru_cache(maxsize=1)
def _masters() -> Dict[int, FrozenSet[int]]:
    """The id of each master element of the schema -> the ids of the elements valid inside
    it (its children and the global elements; none when the schema names no child), which
    is what ends a master of unknown size for ebmlite."""
    found: Dict[int, FrozenSet[int]] = {}
    globals_ = frozenset(schema().globals)
    for element_id, element_class in schema().elements.items():
        if issubclass(element_class, ebmlite.MasterElement):
            children = element_class.children
            found[element_id] = frozenset(children) | globals_ if children else frozenset()
    return found


def _element(data: bytes, position: int) -> Optional[Tuple[int, int, Optional[int]]]:
    """``(id, payload start, size)`` of the element at ``position``, read as ebmlite reads
    it: ``size`` is ``None`` when it is all ones (unknown), and a head cut by the end of the
    bytes reads as the bytes there are; ``None`` when the bytes end before the size.

    Raises:
        OSError: an id longer than 4 bytes (ebmlite's error).
    """
    end = len(data)
    if position >= end:
        return None
    first = data[position]
    if first < 0x10:
        raise OSError(f"Invalid length for ID at byte {position}")
    at = position + 9 - first.bit_length()
    if at >= end:
        return None
    element = int.from_bytes(data[position:at], "big")
    first = data[at]
    length = 9 - first.bit_length() if first else 8
    raw = data[at : at + length]
    size = int.from_bytes(raw, "big") & ((1 << (8 * len(raw) - length)) - 1)
    if size == (1 << (7 * length)) - 1:
        return element, at + length, None
    return element, at + length, size


def _end(
    data: bytes, element: int, payload: int, size: Optional[int], depth: int, nested: bool
) -> int:
    """Where an element at nesting ``depth`` ends: ``payload + size``, or for a master of
    unknown size where ebmlite ends it, at the first element that is not valid inside it
    (or the end of the bytes). ``nested``: also walk the children of masters of known size
    (what ebmlite reads when it decodes the element: the EBML header, ``Info``, ``Tracks``).

    Raises:
        ValueError: masters nested deeper than :data:`MAX_DEPTH`, or an element of unknown
            size that is not a master (ebmlite cannot end it).
        OSError: an id longer than 4 bytes.
    """
    valid = _masters().get(element)
    if size is not None:
        end = payload + size
        if nested and valid is not None:
            if depth > MAX_DEPTH:
                raise ValueError(f"masters nested deeper than {MAX_DEPTH} levels")
            position = payload
            while position < end:
                found = _element(data, position)
                if found is None:
                    break
                position = _end(data, *found, depth + 1, nested)
        return end
    if valid is None:
        raise ValueError(f"element 0x{element:X} of unknown size is not a master")
    if depth > MAX_DEPTH:
        raise ValueError(f"masters nested deeper than {MAX_DEPTH} levels")
    position = payload
    while True:
        found = _element(data, position)
        if found is None:
            return position
        child_end = _end(data, *found, depth + 1, nested)
        if found[0] not in valid:
            return position
        position = child_end


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


def _child(data: bytes, position: int, end: int) -> Tuple[int, int, int]:
    """``(id, payload start, payload end)`` of the element at ``position`` inside a cluster
    (or a ``BlockGroup``) that ends at ``end``.

    Raises:
        OSError: an id longer than 4 bytes (ebmlite's error).
        ValueError: an element of unknown size, or one that runs past ``end``.
    """
    first = data[position]
    if first < 0x10:
        raise OSError(f"Invalid length for ID at byte {position}")
    at = position + 9 - first.bit_length()
    element = int.from_bytes(data[position:at], "big")
    first = data[at]
    length = 9 - first.bit_length() if first else 8
    size = int.from_bytes(data[at : at + length], "big") & ((1 << (7 * length)) - 1)
    if size == (1 << (7 * length)) - 1:
        raise ValueError("an element of unknown size inside a cluster")
    at += length
    if at + size > end:
        raise ValueError("a cluster element runs past the end of its cluster")
    return element, at, at + size


def _block_head(data: bytes, start: int, stop: int) -> Tuple[int, int, int, int]:
    """``(track number, relative timecode, flags byte, frame data offset)`` of the
    (Simple)Block in ``data[start:stop]`` (the offset is absolute).

    Raises:
        ValueError: the block is shorter than these fields.
    """
    first = data[start]
    length = 9 - first.bit_length() if first else 8
    track = int.from_bytes(data[start : start + length], "big") & ((1 << (7 * length)) - 1)
    at = start + length + 3
    if at > stop:
        raise ValueError("a block shorter than its track number, timecode and flags")
    rel, flags = _BLOCK_HEAD.unpack_from(data, at - 3)
    return track, rel, flags, at


def _cluster(data: bytes, start: int, position: int, end: int, header: Header) -> Cluster:
    """Read the cluster ``data[start:end]`` whose children start at ``position``: its
    ``Timecode`` and, packed as :func:`frame_index` packs them, its blocks.

    One pass, no object per block: this is most of PutMedia's work (a cluster holds a block
    per frame). SimpleBlocks with a 1-byte id and a 1- or 2-byte size (almost all of them)
    are decoded inline; every other child goes through :func:`_child`.

    Raises:
        OSError, ValueError, IndexError, struct.error: the cluster is not valid Matroska.
    """
    timecode: Optional[int] = None
    # Six numbers a block, in the order of _FRAME: offset, size, timecode, track, flags,
    # BlockDuration.
    entries: List[int] = []
    add = entries.extend
    simple_flags = _SIMPLE_FLAGS
    unpack_head = _BLOCK_HEAD.unpack_from
    scale = header.timecode_scale
    #: The end (timecode + BlockDuration, scaled) of each block that states its duration.
    durations: List[int] = []
    while position < end:
        first = data[position]
        size_byte = data[position + 1]
        if first == SIMPLE_BLOCK_ID and size_byte >= 0x40:
            if size_byte >= 0x80:
                if size_byte == 0xFF:
                    raise ValueError("an element of unknown size inside a cluster")
                at = position + 2
                stop = at + (size_byte & 0x7F)
            else:
                if size_byte == 0x7F and data[position + 2] == 0xFF:
                    raise ValueError("an element of unknown size inside a cluster")
                at = position + 3
                stop = at + ((size_byte & 0x3F) << 8 | data[position + 2])
            if stop > end:
                raise ValueError("a cluster element runs past the end of its cluster")
            track = data[at]
            if track >= 0x80:
                if at + 4 > stop:
                    raise ValueError("a block shorter than its track number, timecode and flags")
                rel, flags = unpack_head(data, at + 1)
                at += 4
                add((at - start, stop - at, rel, track & 0x7F, simple_flags[flags], 0))
                position = stop
                continue
        element, at, stop = _child(data, position, end)
        if element == SIMPLE_BLOCK_ID:
            track, rel, flags, at = _block_head(data, at, stop)
            add((at - start, stop - at, rel, track, simple_flags[flags], 0))
        elif element == TIMECODE_ID:
            timecode = int.from_bytes(data[at:stop], "big")
        elif element == BLOCK_GROUP_ID:
            entry, duration = _block_group(data, start, at, stop)
            add(entry)
            if duration is not None:
                rel = entry[2]
                durations.append((rel + duration) * scale)
        position = stop
    if timecode is None:
        raise ValueError("a cluster without a Timecode element")
    index = _pack(timecode, entries)
    if len(entries) == 0:
        return Cluster(timecode, data[start:end], index, b"", frozenset(), None, None)
    default = {t.number: t.default_duration_ns or 0 for t in header.tracks}
    timecodes = entries[2::6]
    numbers = entries[3::6]
    tracks = frozenset(numbers)
    if not durations and len(tracks) == 1:
        (track,) = tracks
        last = max(timecodes) * scale + default.get(track, 0)
    else:
        last = max(
            [
                rel * scale + default.get(track, 0)
                for rel, track, flags in zip(timecodes, numbers, entries[4::6])
                if not flags & HAS_DURATION
            ]
            + durations
        )
    return Cluster(timecode, data[start:end], index, b"", tracks, min(timecodes) * scale, last)


def _pack(timecode: int, entries: List[int]) -> bytes:
    """The frame index of a cluster: its timecode and the blocks' :data:`_FRAME` fields (six
    numbers a block), packed at once.

    A field that does not fit (a track number above 255, a cluster timecode of 2**63 or
    more: ingest rejects such fragments, 4010 or 4007, unless the header declares such a
    track) is stored as the largest that does, for tracks 0.
    """
    # A Struct of its own: struct.pack would keep the last 100 layouts in its cache.
    layout = struct.Struct("<q" + "IIhBBI" * (len(entries) // 6))
    try:
        return layout.pack(timecode, *entries)
    except struct.error:
        fitted = list(entries)
        fitted[3::6] = [track if track < 256 else 0 for track in entries[3::6]]
        return layout.pack(min(timecode, 2**63 - 1), *fitted)


def _block_group(
    data: bytes, start: int, position: int, end: int
) -> Tuple[Tuple[int, int, int, int, int, int], Optional[int]]:
    """The frame index entry of the ``BlockGroup`` whose children are ``data[position:end]``
    in the cluster starting at ``start``, and its ``BlockDuration`` (the index holds at most
    ``2**32 - 1``: a longer one makes the fragment too long anyway)."""
    head: Optional[Tuple[int, int, int, int]] = None
    block_end = 0
    duration: Optional[int] = None
    keyframe = True
    while position < end:
        element, at, stop = _child(data, position, end)
        if element == BLOCK_ID:
            head = _block_head(data, at, stop)
            block_end = stop
        elif element == BLOCK_DURATION_ID:
            duration = int.from_bytes(data[at:stop], "big")
        elif element == REFERENCE_BLOCK_ID:
            keyframe = False
        position = stop
    if head is None:
        raise ValueError("a BlockGroup without a Block")
    track, rel, flags, at = head
    entry = (
        at - start,
        block_end - at,
        rel,
        track,
        (KEY if keyframe else 0)
        | (LACED if flags & 0x06 else 0)
        | (HAS_DURATION if duration is not None else 0),
        min(duration or 0, 0xFFFFFFFF),
    )
    return entry, duration


def _stop(header: Optional[Header], clusters: List[Cluster], kind: str, message: str) -> Parsed:
    return Parsed(header, clusters, Problem(kind, message))


def parse(data: bytes) -> Parsed:
    """Read a PutMedia payload: one EBML header, one segment, its header and clusters.

    Never raises for bad input: reading stops at the first problem and returns what came
    before it. A payload that ends inside an element is ``truncated``; one that does not start
    with an EBML header, has a cluster before ``Tracks``, header elements after a cluster, a
    second segment, masters nested deeper than :data:`MAX_DEPTH` or bytes that are not EBML
    is ``invalid``.

    ebmlite decodes the EBML header, ``Info`` and ``Tracks`` (and reads every other element
    of the segment but clusters); this function walks the segment's children and the
    clusters itself, in one pass, and ends an unknown-size segment or cluster where ebmlite
    ends it: at the first element that is not valid inside it.
    """
    size = len(data)
    header: Optional[Header] = None
    clusters: List[Cluster] = []
    try:
        found = _element(data, 0)
        if found is None:
            return _stop(None, [], "invalid", "The payload is empty.")
        if found[0] != EBML_ID:
            return _stop(None, [], "invalid", "The payload does not start with an EBML header.")
        position = _end(data, *found, 1, False)
        if position > size:
            return _stop(None, [], "truncated", "The payload ends inside the EBML header.")
        _end(data, *found, 1, True)  # bounds the nesting ebmlite decodes
        ebml = data[:position]
        stream = io.BytesIO(data)
        doc = schema().load(stream, headers=True)
        stream.seek(0)
        if doc.parseElement(stream)[0].dump().get("DocType") not in _DOC_TYPES:
            return _stop(None, [], "invalid", "The EBML DocType is not matroska or webm.")
        found = _element(data, position)
        if found is None:
            return _stop(None, [], "truncated", "The payload ends before the segment.")
        element, position, length = found
        if element != SEGMENT_ID:
            return _stop(None, [], "invalid", "The EBML header is not followed by a segment.")
        # A segment of unknown size ends at its first element that is not a valid child.
        segment_end = None if length is None else position + length
        children = _masters()[SEGMENT_ID]
        info = b""
        tracks_raw = b""
        tracks: Optional[Tuple[Track, ...]] = None
        scale = DEFAULT_TIMECODE_SCALE
        while segment_end is None or position < segment_end:
            found = _element(data, position)
            if found is None:
                break
            element, payload, length = found
            if element == CLUSTER_ID:
                end = _end(data, *found, 1, False)
                if end > size:
                    return _stop(
                        header, clusters, "truncated", "The payload ends inside a cluster."
                    )
                if header is None:
                    if tracks is None:
                        return _stop(
                            None, [], "invalid", "A cluster came before the Tracks element."
                        )
                    header = Header(ebml, info, tracks_raw, tracks, scale)
                clusters.append(_cluster(data, position, payload, end, header))
                position = end
                continue
            end = _end(data, *found, 1, False)
            if segment_end is None and element not in children:
                break
            stream.seek(position)
            el = doc.parseElement(stream)[0]  # as ebmlite reads it (and fails on it)
            if end > size:
                return _stop(header, clusters, "truncated", "The payload ends inside an element.")
            if element in (INFO_ID, TRACKS_ID):
                _end(data, *found, 1, True)  # bounds the nesting ebmlite decodes
            if element in (INFO_ID, TRACKS_ID) and header is not None:
                return _stop(header, clusters, "invalid", "A header element came after a cluster.")
            if element == INFO_ID:
                info = data[position:end]
                scale = int(el.dump().get("TimecodeScale", DEFAULT_TIMECODE_SCALE))
            elif element == TRACKS_ID:
                tracks_raw = data[position:end]
                tracks = tuple(_track(t) for t in el if t.id == TRACK_ENTRY_ID)
            elif element == TAGS_ID and clusters:
                last = clusters[-1]
                clusters[-1] = last._replace(trailing=last.trailing + data[position:end])
            position = end
        if header is None and tracks is not None:
            header = Header(ebml, info, tracks_raw, tracks, scale)
        if segment_end is not None:
            position = segment_end
        if position < size:
            found = _element(data, position)
            if found is None:
                return _stop(header, clusters, "truncated", "The payload ends inside an element.")
            if found[0] == EBML_ID:
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
                    data[child.offset : child.payloadOffset + child.size]
                    for child in el
                    if child.id != TIMECODE_ID
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
