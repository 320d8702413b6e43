"""The PutMedia body cutter of ``kvsmock serve`` (kvsmock.server._putmedia), fed as a
network would: whole fragments cut at cluster ends, each cluster's start seen once."""

from __future__ import annotations

from typing import List, Optional

import pytest
from server_support import SAMPLE, SAMPLE_TIMECODES

from kvsmock.media import _mkv
from kvsmock.server._putmedia import FragmentCutter

CLUSTER_ID = b"\x1f\x43\xb6\x75"


def _unknown_sizes(data: bytes) -> bytes:
    """The sample with each cluster's (3-byte) size made the "unknown" marker, as live
    producers write them."""
    out = bytearray(data)
    at = out.find(CLUSTER_ID)
    while at >= 0:
        assert 0x20 <= out[at + 4] < 0x40  # a 3-byte size
        out[at + 4 : at + 7] = b"\x3f\xff\xff"
        at = out.find(CLUSTER_ID, at + 1)
    return bytes(out)


@pytest.mark.parametrize("unknown", [False, True], ids=["sized", "unknown-size"])
@pytest.mark.parametrize("piece", [1, 37, 4096, 65536, 1 << 30])
def test_clusters_cut_whole_and_started_once_whatever_the_network_reads(
    piece: int, unknown: bool
) -> None:
    data = SAMPLE.read_bytes()
    if unknown:
        data = _unknown_sizes(data)
    cutter = FragmentCutter()
    payloads: List[bytes] = []
    started: List[int] = []
    for at in range(0, len(data), piece):
        if cutter.add(data[at : at + piece]):
            payload: Optional[bytes] = cutter.cut()
            if payload is not None:
                payloads.append(payload)
        timecode = cutter.started()
        if timecode is not None:
            started.append(timecode)
    rest = cutter.finish()
    if rest is not None:
        payloads.append(rest)
    timecodes = []
    for payload in payloads:
        parsed = _mkv.parse(payload)
        assert parsed.problem is None and parsed.header is not None
        timecodes += [c.timecode for c in parsed.clusters]
    assert timecodes == SAMPLE_TIMECODES
    # A cluster that arrived whole in one read needs no early BUFFERING; the others got one.
    assert started == sorted(set(started))
    assert set(started) <= set(SAMPLE_TIMECODES)
    if piece <= 4096:
        assert started == SAMPLE_TIMECODES
    assert cutter.received == len(data)
