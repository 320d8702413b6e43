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
from typing import Any, Dict, List, Optional

from kvsmock.media import _mkv

#: EBML ID of a Matroska Cluster (4 bytes); its size follows.
_CLUSTER_ID_LENGTH = 4


def _declares_size(raw: bytes) -> bool:
    """Whether a cluster's size field is a size, not the all-ones "unknown" marker."""
    first = raw[_CLUSTER_ID_LENGTH]
    length = 9 - first.bit_length()  # EBML VINT: leading zeros + 1 bytes
    value = int.from_bytes(raw[_CLUSTER_ID_LENGTH : _CLUSTER_ID_LENGTH + length], "big")
    mask = (1 << (7 * length)) - 1
    return value & mask != mask


class FragmentCutter:
    """Collects a PutMedia body and cuts it after each complete cluster (not thread-safe:
    one per upload)."""

    def __init__(self) -> None:
        self._data = bytearray()
        self.received = 0

    def feed(self, chunk: bytes) -> Optional[bytes]:
        """Add bytes; returns a payload of the clusters now complete (header first), or None."""
        self._data += chunk
        self.received += len(chunk)
        return self._cut()

    def finish(self) -> Optional[bytes]:
        """The body ended: what is left (the last cluster, or the bytes ingestion rejects)."""
        data, self._data = bytes(self._data), bytearray()
        return data or None

    def _cut(self) -> Optional[bytes]:
        data = bytes(self._data)
        parsed = _mkv.parse(data)
        if parsed.problem is not None and parsed.problem.kind != "truncated":
            # Not Matroska (or not in order): ingestion reports it with an ERROR ack after
            # the clusters before it; nothing more is read.
            self._data = bytearray()
            return data
        clusters = parsed.clusters
        if parsed.header is None or not clusters:
            return None
        if parsed.problem is None and not _declares_size(clusters[-1].raw):
            clusters = clusters[:-1]  # may still grow
        if not clusters:
            return None
        end = 0
        for cluster in clusters:
            end = data.index(cluster.raw, end) + len(cluster.raw) + len(cluster.trailing)
        # What remains follows the producer's header again (an unknown-size segment), so the
        # next payload is a whole Matroska document too.
        header = _mkv.chunk(parsed.header, b"", ())
        self._data = bytearray(header)
        self._data += data[end:]
        return data[:end]


def ack_lines(acks: List[Dict[str, Any]]) -> bytes:
    """Acknowledgement events as the service streams them: one JSON object per line."""
    return b"".join(json.dumps(ack, separators=(",", ":")).encode() + b"\n" for ack in acks)
