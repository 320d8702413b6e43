"""PutMedia over a real connection: whole fragments cut from the body as it arrives.

The upload is one Matroska segment whose clusters arrive over seconds or hours. Each time
more bytes arrive, :class:`FragmentCutter` hands back the bytes of the clusters that are now
complete, behind the producer's header, and the server ingests them through
:func:`kvsmock.media.put_media` (the one PutMedia code path) and streams their
acknowledgements back at once, while the upload goes on. Reading Matroska is
:mod:`kvsmock.media._mkv`'s job; this module only decides where a payload may be cut.

A cluster is complete when an element follows it, or when it declares its size and all of it
has arrived. An unknown-size ("live") cluster therefore completes when the next one starts,
as on the service, which cannot know either.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from kvsmock.media import _mkv

#: EBML ID of a Matroska Cluster; its size (an EBML variable-size integer) follows.
_CLUSTER_ID = b"\x1f\x43\xb6\x75"
#: How many of a cluster's first bytes locate it in the buffer.
_PROBE = 64
#: Elements that may come before a cluster's Timecode: CRC-32 and Void (EBML IDs).
_SKIPPED = (0xBF, 0xEC)
_TIMECODE_ID = 0xE7
#: After this many bytes of a cluster without a Timecode first, it is read as it is.
_START_BYTES = 4096


def _vint(data: bytearray, at: int) -> Optional[Tuple[int, int]]:
    """``(length, value)`` of the EBML variable-size integer at ``at``, if it has arrived
    (the all-ones "unknown" value is returned as -1)."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 9 - data[at].bit_length()
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at : at + length], "big") & ((1 << (7 * length)) - 1)
    return length, (-1 if value == (1 << (7 * length)) - 1 else value)


def _cluster_timecode(data: bytearray, start: int) -> Optional[int]:
    """The Timecode (TimecodeScale units) of the cluster at ``start`` once it has arrived;
    None before, or when the cluster does not start with one (after CRC-32 / Void)."""
    size = _vint(data, start + len(_CLUSTER_ID))
    if data[start : start + len(_CLUSTER_ID)] != _CLUSTER_ID or size is None:
        return None
    at = start + len(_CLUSTER_ID) + size[0]
    while at < len(data):
        element = data[at]
        child = _vint(data, at + 1)  # the IDs read here are one byte long
        if child is None or child[1] < 0:
            return None
        payload = at + 1 + child[0]
        if element in _SKIPPED:
            at = payload + child[1]
            continue
        if element != _TIMECODE_ID or child[1] > 8 or payload + child[1] > len(data):
            return None
        return int.from_bytes(data[payload : payload + child[1]], "big")
    return None


def _declared_end(data: bytes, start: int) -> Optional[int]:
    """Where the cluster starting at ``start`` ends, if its size field is a size (not the
    all-ones "unknown" marker) and has arrived; else ``None``."""
    at = start + len(_CLUSTER_ID)
    if at >= len(data) or data[at] == 0:
        return None
    length = 9 - data[at].bit_length()  # EBML VINT: leading zeros + 1 bytes
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at : at + length], "big") & ((1 << (7 * length)) - 1)
    if value == (1 << (7 * length)) - 1:
        return None
    return at + length + value


class FragmentCutter:
    """Collects a PutMedia body and cuts it after each complete cluster (not thread-safe:
    one per upload).

    The body is read (by :func:`kvsmock.media._mkv.parse`) only when a cluster may have
    completed: a new Cluster ID arrived, or the bytes reached the end the current cluster
    declares. So a long upload costs one read per cluster, not one per network read.
    """

    def __init__(self) -> None:
        self._data = bytearray()
        self.received = 0
        #: Where, in ``_data``, the last Cluster ID seen starts (-1: none yet).
        self._cluster_at = -1
        #: Where the cluster at ``_cluster_at`` ends, when it declares its size.
        self._cluster_end: Optional[int] = None
        #: The producer's header as :func:`kvsmock.media._mkv.chunk` writes it (an
        #: unknown-size segment), once read: ``_data`` starts with it after the first cut.
        self._header: Optional[bytes] = None
        #: ``_data[p]`` is byte ``p + _offset`` of the body.
        self._offset = 0
        #: Where in the body the last cluster whose start :meth:`started` reported begins.
        self._announced = -1
        #: The producer's TimecodeScale (ns), once its header was read.
        self._scale: Optional[int] = None
        #: Reads that follow ``_data`` uncopied (the body of a sized cluster), and their size.
        self._parts: List[bytes] = []
        self._parts_size = 0
        #: A cluster started at ``_cluster_at``; the one before it is complete once this
        #: one's start has arrived (then :meth:`add` says so).
        self._pending = False

    def feed(self, chunk: bytes) -> Optional[bytes]:
        """Add bytes; returns a payload of the clusters now complete (header first), or None."""
        return self.cut() if self.add(chunk) else None

    def add(self, chunk: bytes) -> bool:
        """Add bytes (cheap); True when a cluster may have completed: call :meth:`cut`."""
        if self._parts or self._sized_body_arriving():
            # The body of a cluster that declared its size: kept as received, copied once
            # when the cluster is cut.
            self._parts.append(chunk)
            self._parts_size += len(chunk)
            self.received += len(chunk)
            assert self._cluster_end is not None
            return len(self._data) + self._parts_size >= self._cluster_end
        scan_from = max(0, len(self._data) - len(_CLUSTER_ID) + 1)
        self._data += chunk
        self.received += len(chunk)
        if self._cluster_end is not None and not self._pending:
            return len(self._data) >= self._cluster_end  # in a sized cluster: no ID to look for
        found = self._data.find(_CLUSTER_ID, scan_from)  # find is faster than rfind
        if found >= 0:  # a cluster started: the one before it is complete
            self._cluster_at, self._cluster_end = self._data.rfind(_CLUSTER_ID, found), None
            self._pending = True
        if self._cluster_at >= 0 and self._cluster_end is None:
            self._cluster_end = self._end_of(self._cluster_at)  # its size may have arrived
        if self._pending:
            # Read once the new cluster's start (up to its Timecode) is in: a cluster cut
            # off after its ID reads as invalid Matroska, not as one still arriving.
            started = _cluster_timecode(self._data, self._cluster_at) is not None
            if not started and len(self._data) - self._cluster_at < _START_BYTES:
                return False
            self._pending = False
            return True
        return self._cluster_end is not None and len(self._data) >= self._cluster_end

    def _sized_body_arriving(self) -> bool:
        """The buffer holds the header and the start (to its Timecode) of one cluster that
        declares its size, and nothing else: what follows can wait in ``_parts``."""
        return (
            self._header is not None
            and self._cluster_end is not None
            and not self._pending
            and self._cluster_at == len(self._header)
            and len(self._data) < self._cluster_end
            and _cluster_timecode(self._data, self._cluster_at) is not None
        )

    def started(self) -> Optional[int]:
        """The FragmentTimecode (ms) of the cluster now arriving, once its Timecode element
        is in and the first time only (its BUFFERING ack); else None."""
        at = self._cluster_at
        if at < 0 or at + self._offset == self._announced:
            return None
        timecode = _cluster_timecode(self._data, at)
        if timecode is None:
            return None
        if self._scale is None:  # the first cluster: its header is all that came before
            header = _mkv.parse(bytes(self._data[:at])).header
            if header is None:
                return None
            self._scale = header.timecode_scale
        self._announced = at + self._offset
        return timecode * self._scale // 1_000_000

    def _end_of(self, start: int) -> Optional[int]:
        declared = _declared_end(bytes(self._data[start : start + 12]), 0)
        return None if declared is None else start + declared

    def finish(self) -> Optional[bytes]:
        """The body ended: what is left (the last cluster, or the bytes ingestion rejects)."""
        data = b"".join([bytes(self._data), *self._parts])
        self._data, self._parts, self._parts_size = bytearray(), [], 0
        return data or None

    def cut(self) -> Optional[bytes]:
        """The payload of the clusters complete so far (header first), or None."""
        if self._parts:
            return self._cut_parts()
        if self._header is not None:
            found = self._cut_sized()
            if found is not None:
                return found
        data = bytes(self._data)
        parsed = _mkv.parse(data)
        if parsed.problem is not None and parsed.problem.kind != "truncated":
            # Not Matroska (or not in order): ingestion reports it with an ERROR ack after
            # the clusters before it; nothing more is read.
            self._data = bytearray()
            self._offset = self.received
            self._cluster_at, self._cluster_end = -1, None
            return data
        clusters = parsed.clusters
        if parsed.header is None or not clusters:
            return None
        if parsed.problem is None and _declared_end(clusters[-1].raw, 0) is None:
            clusters = clusters[:-1]  # an unknown-size cluster may still grow
        if not clusters:
            return None
        end = 0
        for cluster in clusters:  # found by their first bytes: a short search
            at = data.index(cluster.raw[:_PROBE], end)
            while (
                data[at + len(cluster.raw) - _PROBE : at + len(cluster.raw)]
                != cluster.raw[-_PROBE:]
            ):
                at = data.index(cluster.raw[:_PROBE], at + 1)
            end = at + len(cluster.raw) + len(cluster.trailing)
        # What remains follows the producer's header again (an unknown-size segment), so the
        # next payload is a whole Matroska document too.
        self._header = _mkv.chunk(parsed.header, b"", ())
        self._scale = parsed.header.timecode_scale
        self._restart(data[end:])
        return data[:end]

    def _restart(self, remainder: bytes) -> None:
        """``_data`` becomes the header and what followed the last cluster cut."""
        assert self._header is not None
        self._data = bytearray(self._header)
        self._data += remainder
        self._offset = self.received - len(remainder) - len(self._header)
        self._cluster_at = self._data.rfind(_CLUSTER_ID, len(self._header))
        self._cluster_end = self._end_of(self._cluster_at) if self._cluster_at >= 0 else None

    def _cut_sized(self) -> Optional[bytes]:
        """The fast cut, without reading the clusters: when the bytes after the header are
        clusters that declare their sizes, the complete ones end where their sizes say (what
        they hold is read once, on ingestion). None when that does not apply."""
        assert self._header is not None
        data = self._data
        start = position = len(self._header)
        while data[position : position + len(_CLUSTER_ID)] == _CLUSTER_ID:
            end = self._end_of(position)
            if end is None or end > len(data):
                break
            position = end
        if position == start:
            return None
        with memoryview(data) as view, view[:position] as complete:
            payload = bytes(complete)  # the one copy of the clusters
        # What follows them stays behind the header: a memmove of that rest only (bytearray
        # deletes in place), not copies of the whole buffer.
        del data[start:position]
        self._offset += position - start
        self._find_cluster()
        return payload

    def _cut_parts(self) -> Optional[bytes]:
        """:meth:`cut` when the body of a sized cluster waits in ``_parts``: the payload is
        the buffer, the parts up to the cluster's end and any complete sized clusters after
        it, joined in one copy; the rest becomes the buffer behind the header."""
        assert self._header is not None and self._cluster_end is not None
        data = self._data
        take = self._cluster_end - len(data)
        if take > self._parts_size:
            return None
        pieces: List[Any] = []
        rest: List[bytes] = []
        for part in self._parts:
            if take >= len(part):
                pieces.append(part)
                take -= len(part)
            elif take > 0:
                pieces.append(memoryview(part)[:take])
                rest.append(part[take:])
                take = 0
            else:
                rest.append(part)
        tail = b"".join(rest)
        extra = 0  # complete sized clusters that arrived behind it
        while tail[extra : extra + len(_CLUSTER_ID)] == _CLUSTER_ID:
            declared = _declared_end(tail[extra : extra + 12], 0)
            if declared is None or extra + declared > len(tail):
                break
            extra += declared
        with memoryview(data) as view:
            payload = b"".join([view, *pieces, tail[:extra]])
        start = len(self._header)
        del data[start:]
        data += tail[extra:]
        self._parts, self._parts_size = [], 0
        self._offset = self.received - (len(tail) - extra) - start
        self._find_cluster()
        return payload

    def _find_cluster(self) -> None:
        """After a cut: the cluster the buffer's rest starts (or a later ID in it)."""
        assert self._header is not None
        start = len(self._header)
        data = self._data
        if data[start : start + len(_CLUSTER_ID)] == _CLUSTER_ID:
            self._cluster_at = start
        else:
            self._cluster_at = data.rfind(_CLUSTER_ID, start)
        self._cluster_end = self._end_of(self._cluster_at) if self._cluster_at >= 0 else None


def ack_lines(acks: List[Dict[str, Any]]) -> bytes:
    """Acknowledgement events as the service streams them: one JSON object per line."""
    return b"".join(json.dumps(ack, separators=(",", ":")).encode() + b"\n" for ack in acks)
