"""The camera in a box: ``kvsmock.media.test_pattern`` and ``mock.camera``.

Everything is read back through the API (ListFragments, GetMedia, HLS) and decoded by
PyAV, independently of kvsmock.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any, Dict, List
from urllib.parse import urljoin

import av
import m3u8
import pytest
import requests
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import archive_client, create_stream, data_client, media_client, split_chunks

from kvsmock import KinesisVideoMock, ServiceError, media, mock_kinesisvideo
from kvsmock.media import _mkv

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)


def decode(data: bytes) -> Dict[str, Any]:
    with av.open(io.BytesIO(data), format="matroska") as container:
        found: Dict[str, Any] = {"codecs": [s.codec_context.name for s in container.streams]}
        found["video"] = found["audio"] = 0
        for frame in container.decode(*container.streams):
            found["video" if isinstance(frame, av.VideoFrame) else "audio"] += 1
            if isinstance(frame, av.VideoFrame):
                found["size"] = (frame.width, frame.height)
    return found


def all_fragments(start: dt.datetime, end: dt.datetime) -> List[Dict[str, Any]]:
    client = archive_client()
    selector = {
        "FragmentSelectorType": "SERVER_TIMESTAMP",
        "TimestampRange": {"StartTimestamp": start, "EndTimestamp": end},
    }
    found: List[Dict[str, Any]] = []
    reply = client.list_fragments(StreamName="cam", FragmentSelector=selector)
    found += reply["Fragments"]
    while "NextToken" in reply:
        reply = client.list_fragments(StreamName="cam", NextToken=reply["NextToken"])
        found += reply["Fragments"]
    return found


# -- test_pattern ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "audio", "codec_ids", "codecs"),
    [
        ("h264", False, ["V_MPEG4/ISO/AVC"], ["h264"]),
        ("h265", False, ["V_MPEGH/ISO/HEVC"], ["hevc"]),
        ("h264", True, ["V_MPEG4/ISO/AVC", "A_AAC"], ["h264", "aac"]),
    ],
)
def test_test_pattern_is_one_cluster_per_gop(
    codec: str, audio: bool, codec_ids: List[str], codecs: List[str]
) -> None:
    data = media.test_pattern(6, fps=10, width=160, height=120, codec=codec, audio=audio)
    parsed = _mkv.parse(data)
    assert parsed.problem is None and parsed.header is not None
    assert [t.codec_id for t in parsed.header.tracks] == codec_ids
    assert all(t.codec_private for t in parsed.header.tracks)
    # One cluster per 2 s GOP, each opening with the GOP's only video key frame.
    assert len(parsed.clusters) == 3
    video = [[b.keyframe for b in c.blocks if b.track == 1] for c in parsed.clusters]
    assert [(k[0], sum(k)) for k in video] == [(True, 1)] * 3
    assert sum(len(k) for k in video) == 60
    found = decode(data)
    assert (found["codecs"], found["video"], found["size"]) == (codecs, 60, (160, 120))
    if audio:  # 6 s of 48 kHz AAC: 1024 samples a frame (+1 for the encoder's priming)
        assert found["audio"] in (282, 283)


NAN, INF = float("nan"), float("inf")
SECONDS = r"seconds must be a number of seconds more than 0 and at most 600, not "
FPS = r"fps must be an int from 1 to 120, not "
WIDTH = r"width must be an even int from 16 to 4096, not "
HEIGHT = r"height must be an even int from 16 to 4096, not "
CODEC = r"codec must be 'h264' or 'h265', not "
AUDIO = r"audio must be True or False, not "
GOP = r"gop_seconds must be a number of seconds more than 0 and at most 600, not "


@pytest.mark.parametrize(
    ("seconds", "options", "error", "message"),
    [
        # found by a new user's trial: none of these was checked (inf / nan / a huge duration
        # ran for minutes or failed deep in FFmpeg)
        (INF, {}, ValueError, SECONDS + "inf"),
        (NAN, {}, ValueError, SECONDS + "nan"),
        (0, {}, ValueError, SECONDS + "0"),
        (-1.5, {}, ValueError, SECONDS + "-1.5"),
        (601, {}, ValueError, SECONDS + "601"),
        (10**400, {}, ValueError, SECONDS + "1000"),  # past float's range
        ("10", {}, TypeError, SECONDS + r"'10' \(str\)"),
        (None, {}, TypeError, SECONDS + r"None \(NoneType\)"),
        (True, {}, TypeError, SECONDS + r"True \(bool\)"),
        (1, {"fps": INF}, TypeError, FPS + r"inf \(float\)"),
        (1, {"fps": NAN}, TypeError, FPS + r"nan \(float\)"),
        (1, {"fps": 29.97}, TypeError, FPS + r"29.97 \(float\)"),
        (1, {"fps": 10.0}, TypeError, FPS + r"10.0 \(float\)"),
        (1, {"fps": "10"}, TypeError, FPS + r"'10' \(str\)"),
        (1, {"fps": 0}, ValueError, FPS + "0"),
        (1, {"fps": -10}, ValueError, FPS + "-10"),
        (1, {"fps": 121}, ValueError, FPS + "121"),
        (1, {"width": 161}, ValueError, WIDTH + "161"),
        (1, {"width": 0}, ValueError, WIDTH + "0"),
        (1, {"width": -320}, ValueError, WIDTH + "-320"),
        (1, {"width": 8}, ValueError, WIDTH + "8"),
        (1, {"width": 4098}, ValueError, WIDTH + "4098"),
        (1, {"width": 320.0}, TypeError, WIDTH + r"320.0 \(float\)"),
        (1, {"height": 241}, ValueError, HEIGHT + "241"),
        (1, {"height": "240"}, TypeError, HEIGHT + r"'240' \(str\)"),
        (1, {"codec": "vp9"}, ValueError, CODEC + "'vp9'"),
        (1, {"codec": "H264"}, ValueError, CODEC + "'H264'"),
        (1, {"codec": None}, TypeError, CODEC + r"None \(NoneType\)"),
        (1, {"gop_seconds": 0}, ValueError, GOP + "0"),
        (1, {"gop_seconds": NAN}, ValueError, GOP + "nan"),
        (1, {"gop_seconds": INF}, ValueError, GOP + "inf"),
        (1, {"gop_seconds": "2"}, TypeError, GOP + r"'2' \(str\)"),
        (1, {"audio": 1}, TypeError, AUDIO + r"1 \(int\)"),
        (1, {"audio": "yes"}, TypeError, AUDIO + r"'yes' \(str\)"),
        (
            600,
            {"fps": 120, "width": 1920, "height": 1080},
            ValueError,
            r"seconds \* fps \* width \* height must be at most 16,588,800,000 \(10 minutes "
            r"of 1280x720 at 30 fps\), not 149,299,200,000",
        ),
    ],
)
def test_test_pattern_refuses_bad_arguments(
    seconds: Any, options: Dict[str, Any], error: type, message: str
) -> None:
    began = time.perf_counter()
    with pytest.raises(error, match=f"^{message}"):
        media.test_pattern(seconds, **options)
    assert time.perf_counter() - began < 0.5  # refused before encoding anything


def test_test_pattern_bounds_are_encoded() -> None:
    # The extremes the checks let through encode (libx265 refuses sides under 16).
    for codec in ("h264", "h265"):
        small = media.test_pattern(0.1, fps=120, width=16, height=16, codec=codec)
        assert decode(small)["size"] == (16, 16)
    assert decode(media.test_pattern(1, fps=1, width=4096, height=32))["size"] == (4096, 32)


def test_test_pattern_is_what_put_media_takes(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=media.test_pattern(4))
    assert [a["EventType"] for a in acks] == ["BUFFERING", "RECEIVED", "PERSISTED"] * 2
    assert [a["FragmentTimecode"] for a in acks][::3] == [0, 2000]


# -- mock.camera -------------------------------------------------------------------------------


def test_an_hour_on_a_frozen_clock_is_1800_fragments_of_decodable_h264() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream()
        camera = mock.camera(StreamName="cam", fps=5, width=160, height=120)
        assert all_fragments(START - HOUR, START + HOUR) == []  # nothing complete yet
        clock.tick(HOUR)
        began = time.process_time()
        listed = all_fragments(START, START + HOUR)
        assert time.process_time() - began < 5  # making an hour of fragments is cheap
        assert len(listed) == 1800
        assert [f["ProducerTimestamp"] for f in listed] == [
            START + i * dt.timedelta(seconds=2) for i in range(1800)
        ]
        assert all(f["ServerTimestamp"] == f["ProducerTimestamp"] for f in listed)
        assert {f["FragmentLengthInMilliseconds"] for f in listed} == {2000}
        numbers = [f["FragmentNumber"] for f in listed]
        assert numbers == sorted(numbers, key=int) and len(set(numbers)) == 1800
        # GetMedia from the 1,798th fragment on: the last three, decodable H.264.
        body = (
            media_client()
            .get_media(
                StreamName="cam",
                StartSelector={
                    "StartSelectorType": "FRAGMENT_NUMBER",
                    "AfterFragmentNumber": numbers[-4],
                },
            )["Payload"]
            .read()
        )
        chunks = split_chunks(body)
        assert len(chunks) == 3
        found = decode(b"".join(chunks))
        assert (found["codecs"], found["video"], found["size"]) == (["h264"], 30, (160, 120))
        # NOW is the newest fragment.
        now = (
            media_client()
            .get_media(StreamName="cam", StartSelector={"StartSelectorType": "NOW"})["Payload"]
            .read()
        )
        assert len(split_chunks(now)) == 1
        camera.stop()
        clock.tick(HOUR)
        assert len(all_fragments(START, START + 3 * HOUR)) == 1800  # stopped: no more


def test_retention_windows_and_live_hls_without_a_file() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream(retention=1)
        mock.camera(StreamName="cam", fragment_seconds=4, width=160, height=120, audio=True)
        clock.tick(dt.timedelta(days=365))  # a year: only the last hour is made and kept
        now = START + dt.timedelta(days=365)
        listed = all_fragments(now - 2 * HOUR, now)
        assert len(listed) == 899  # 4 s fragments ending in the last hour (the oldest expired)
        assert listed[-1]["ProducerTimestamp"] == now - dt.timedelta(seconds=4)
        client = data_client("kinesis-video-archived-media", "cam", "GET_HLS_STREAMING_SESSION_URL")
        url = client.get_hls_streaming_session_url(StreamName="cam")["HLSStreamingSessionURL"]
        master = m3u8.loads(requests.get(url, timeout=5).text, uri=url)
        assert [m.type for m in master.media] == ["AUDIO"]
        media_url = urljoin(url, master.playlists[0].uri)
        playlist = m3u8.loads(requests.get(media_url, timeout=5).text, uri=media_url)
        # LIVE: the newest 5 (4 s of video, audio ends 10 ms later)
        assert [s.duration for s in playlist.segments] == [4.01] * 5
        clock.tick(dt.timedelta(seconds=8))  # the live playlist moves on by two fragments
        moved = m3u8.loads(requests.get(media_url, timeout=5).text, uri=media_url)
        assert moved.media_sequence == playlist.media_sequence + 2


def test_camera_refuses_unknown_streams_and_long_fragments(kvsmock: KinesisVideoMock) -> None:
    with pytest.raises(ServiceError) as e:
        kvsmock.camera(StreamName="nope")
    assert e.value.code == "ResourceNotFoundException"
    create_stream()
    with pytest.raises(ValueError, match="fragment_seconds"):
        kvsmock.camera(StreamName="cam", fragment_seconds=11)
    # found by a new user's trial: a fragment shorter than a frame (here 0 ms) broke every
    # later read of the stream with a ZeroDivisionError
    with pytest.raises(ValueError, match="at least one frame at 10 fps"):
        kvsmock.camera(StreamName="cam", fragment_seconds=0.0004)
    assert kvsmock.state().find_stream("cam", None).name == "cam"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"fragment_seconds": NAN},
            ValueError,
            "fragment_seconds must be a number of seconds more than 0 and at most 10, not nan",
        ),
        ({"fragment_seconds": "2"}, TypeError, r"fragment_seconds .* not '2' \(str\)"),
        ({"fps": 29.97}, TypeError, FPS + r"29.97 \(float\)"),
        ({"fps": 0}, ValueError, FPS + "0"),
        ({"width": 161}, ValueError, WIDTH + "161"),
        ({"height": None}, TypeError, HEIGHT + r"None \(NoneType\)"),
        ({"codec": "vp9"}, ValueError, CODEC + "'vp9'"),
        ({"audio": "yes"}, TypeError, AUDIO + r"'yes' \(str\)"),
    ],
)
def test_camera_refuses_bad_arguments(
    kvsmock: KinesisVideoMock, options: Dict[str, Any], error: type, message: str
) -> None:
    create_stream()
    with pytest.raises(error, match=f"^{message}"):
        kvsmock.camera(StreamName="cam", **options)


@pytest.mark.parametrize(
    ("stream", "value"),
    [
        ({"StreamName": "bad name!"}, "'bad name!' at 'streamName'"),
        ({"StreamName": 5}, "'5' at 'streamName'"),
        ({"StreamName": "a" * 257}, "at 'streamName'"),
        ({"StreamARN": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/a b/1"}, "streamARN"),
    ],
)
def test_camera_refuses_malformed_streams_as_put_media_does(
    kvsmock: KinesisVideoMock, stream: Dict[str, Any], value: str
) -> None:
    """Were ResourceNotFoundException (put_media: InvalidArgumentException)."""
    for call in (
        lambda: kvsmock.camera(**stream),
        lambda: kvsmock.put_media(Payload=b"", **stream),
    ):
        with pytest.raises(ServiceError, match="1 validation error detected: Value ") as e:
            call()
        assert e.value.code == "InvalidArgumentException"
        assert value in str(e.value)


def test_a_deleted_stream_drops_its_camera() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        arn = create_stream()
        mock.camera(StreamARN=arn, width=160, height=120)
        data_client("kinesisvideo", "cam").delete_stream(StreamARN=arn)
        create_stream()
        clock.tick(60)
        assert all_fragments(START, START + HOUR) == []
        with pytest.raises(ClientError):
            media_client().get_media(StreamARN=arn, StartSelector={"StartSelectorType": "NOW"})
