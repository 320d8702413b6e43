"""Remuxing from the frame index ingest made gives the bytes FFmpeg's demuxer path gives.

The reference is the same remux with every fragment opened by FFmpeg's Matroska demuxer
(what kvsmock did before the frame index): the outputs must be byte for byte the same, and
the probe must have found the stored blocks to be exactly FFmpeg's packets.
"""

from __future__ import annotations

from typing import Any, List

import pytest
from media_support import SAMPLES, Sample

from kvsmock.media import _av, _mkv

REMUXED = SAMPLES[:3]  # H.264, H.264 + AAC, H.265 (MJPEG is neither served nor clipped)


def pieces(sample: Sample) -> List[_av.Piece]:
    parsed = _mkv.parse(sample.data)
    assert parsed.header is not None
    return [
        _av.Piece(
            parsed.header,
            c.raw + c.trailing,
            _mkv.frame_index(c.timecode, c.blocks),
            1000 * i + 7,  # any shift: the same for both paths
        )
        for i, c in enumerate(parsed.clusters)
    ]


def outputs(sample: Sample) -> List[bytes]:
    found = pieces(sample)
    out: List[bytes] = [_av.plain_mp4(found)]
    for i, piece in enumerate(found):
        out.extend(_av.fragmented_mp4(piece, i + 1))
        out.append(_av.mpeg_ts(piece))
    return out


@pytest.mark.parametrize("sample", REMUXED, ids=lambda s: s.name)
def test_frame_index_remux_is_byte_identical_to_demuxing(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _av._probe(pieces(sample)[0]).exact  # the blocks are FFmpeg's packets
    indexed = outputs(sample)
    probe = _av._probe

    def demuxing(piece: _av.Piece) -> Any:
        return probe(piece)._replace(exact=False)

    monkeypatch.setattr(_av, "_probe", demuxing)
    assert outputs(sample) == indexed
    assert len(indexed) == 1 + 3 * sample.clusters and all(indexed)


def test_the_probe_runs_once_per_header(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: List[str] = []
    import av

    real_open = av.open

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(str(kwargs.get("format")))
        return real_open(*args, **kwargs)

    found = pieces(SAMPLES[1])
    _av._probes.clear()
    monkeypatch.setattr(av, "open", counting)
    _av.plain_mp4(found)
    for i, piece in enumerate(found):
        _av.fragmented_mp4(piece, i + 1)
    # One Matroska open (the probe) and one mp4 writer per output.
    assert sorted(opened) == ["matroska"] + ["mp4"] * (1 + len(found))


def test_frame_index_locates_every_frame() -> None:
    parsed = _mkv.parse(SAMPLES[1].data)
    cluster = parsed.clusters[1]
    index = _mkv.frame_index(cluster.timecode, cluster.blocks)
    assert len(index) == 8 + 16 * len(cluster.blocks)
    assert _mkv.index_timecode(index) == cluster.timecode == 874
    entries = list(_mkv.frames(index))
    assert [e[3] for e in entries[:3]] == [2, 1, 2]  # audio, video, audio
    offset, size, rel, _, flags, _ = entries[1]
    assert (rel, size, flags & _mkv.KEY) == (147, 4042, _mkv.KEY)  # the video key frame at 1021 ms
    # H.264 in Matroska: length-prefixed NAL units that fill the frame exactly.
    end, position = offset + size, offset
    while position < end:
        position += 4 + int.from_bytes(cluster.raw[position : position + 4], "big")
    assert position == end
