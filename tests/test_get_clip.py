"""GetClip: a real MP4 of the range, read back with PyAV; the documented errors."""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any, Dict, Iterator, Tuple

import av
import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import H264, H264_AAC, MJPEG, REGION, SAMPLES, Sample, create_stream

from kvsmock import KinesisVideoMock, mock_kinesisvideo
from kvsmock.media import archive

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def selector(
    start: dt.datetime = START,
    end: dt.datetime = START + dt.timedelta(seconds=30),
    kind: str = "PRODUCER_TIMESTAMP",
) -> Dict[str, Any]:
    return {
        "FragmentSelectorType": kind,
        "TimestampRange": {"StartTimestamp": start, "EndTimestamp": end},
    }


def client() -> Any:
    control = boto3.client("kinesisvideo", region_name=REGION)
    endpoint = control.get_data_endpoint(StreamName="cam", APIName="GET_CLIP")["DataEndpoint"]
    return boto3.client("kinesis-video-archived-media", region_name=REGION, endpoint_url=endpoint)


@pytest.fixture
def mock() -> Iterator[KinesisVideoMock]:
    with freeze_time(START + dt.timedelta(seconds=10)), mock_kinesisvideo() as m:
        yield m


def seed(mock: KinesisVideoMock, sample: Sample = H264, retention: int = 24) -> None:
    create_stream(retention=retention)
    mock.put_media(StreamName="cam", Payload=sample.data, ProducerStartTimestamp=START)


def probe(data: bytes) -> Tuple[int, int, int, int, float]:
    """(video frames, audio frames, width, height, duration s) decoded by FFmpeg."""
    with av.open(io.BytesIO(data), format="mp4") as container:
        ctx = container.streams.video[0].codec_context
        size = (ctx.width, ctx.height)
        duration = (container.duration or 0) / 1_000_000
        video = audio = 0
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                video += 1
            else:
                audio += 1
    return video, audio, size[0], size[1], duration


@pytest.mark.parametrize("sample", SAMPLES[:3], ids=lambda s: s.name)
def test_clip_is_a_plain_mp4_of_every_frame(mock: KinesisVideoMock, sample: Sample) -> None:
    seed(mock, sample)
    reply = client().get_clip(StreamName="cam", ClipFragmentSelector=selector())
    assert reply["ContentType"] == "video/mp4"
    body = reply["Payload"].read()
    assert body[4:8] == b"ftyp" and b"moov" in body and b"moof" not in body
    video, audio, width, height, duration = probe(body)
    assert (video, audio, width, height) == (
        sample.video_frames,
        sample.audio_frames,
        sample.width,
        240,
    )
    assert duration == pytest.approx(
        sample.video_frames / (15 if sample is H264_AAC else 10), abs=0.2
    )


def test_clip_of_part_of_the_range(mock: KinesisVideoMock) -> None:
    seed(mock)
    # Only fragments that start at or after the start and at or before the end: the second.
    part = selector(START + dt.timedelta(seconds=1), START + dt.timedelta(seconds=2))
    body = client().get_clip(StreamName="cam", ClipFragmentSelector=part)["Payload"].read()
    assert probe(body)[:3] == (20, 0, 320)
    by_server = selector(
        START + dt.timedelta(seconds=9), START + dt.timedelta(seconds=10), "SERVER_TIMESTAMP"
    )
    body = client().get_clip(StreamName="cam", ClipFragmentSelector=by_server)["Payload"].read()
    assert probe(body)[0] == 60


def test_clip_of_back_to_back_uploads_with_audio(mock: KinesisVideoMock) -> None:
    """A producer that restarts where (or before) the last upload ended: the muxer takes
    each track's frames in decode order (found by a new user's trial: FFmpeg refused the
    AAC priming samples of the second upload, placed before its start, with error 22)."""
    create_stream()
    for offset in (0, 4):  # back to back
        at = START + dt.timedelta(seconds=offset)
        mock.put_media(StreamName="cam", Payload=H264_AAC.data, ProducerStartTimestamp=at)
    body = client().get_clip(StreamName="cam", ClipFragmentSelector=selector())["Payload"]
    video, audio, width, height, duration = probe(body.read())
    assert (video, width, height) == (2 * H264_AAC.video_frames, 320, 240)
    assert 2 * H264_AAC.audio_frames - 2 <= audio <= 2 * H264_AAC.audio_frames
    assert duration == pytest.approx(8, abs=0.2)


def test_clip_of_overlapping_uploads_plays_the_first_whole(mock: KinesisVideoMock) -> None:
    create_stream()
    for offset in (0, 5):  # fragments at 0, 2, 4 s, then 5, 7, 9 s: 5-6 s overlaps 4-6 s
        at = START + dt.timedelta(seconds=offset)
        mock.put_media(StreamName="cam", Payload=H264.data, ProducerStartTimestamp=at)
    body = client().get_clip(StreamName="cam", ClipFragmentSelector=selector())["Payload"]
    # 0-6 s whole (60 frames at 10 fps), then from the next key frame, at 7 s: 40 more.
    assert probe(body.read())[:2] == (100, 0)


def test_clip_limits() -> None:
    fragments = [type("F", (), {"size": 40 * 1024 * 1024})() for _ in range(5)]
    assert len(archive.clip_fragments(fragments)) == 2  # type: ignore[arg-type]
    small = [type("F", (), {"size": 10})() for _ in range(250)]
    assert len(archive.clip_fragments(small)) == 200  # type: ignore[arg-type]
    huge = [type("F", (), {"size": 200 * 1024 * 1024})()]
    assert len(archive.clip_fragments(huge)) == 1  # type: ignore[arg-type]


def error(**params: Any) -> Tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        client().get_clip(StreamName="cam", **params)
    e = info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]


def test_errors(mock: KinesisVideoMock) -> None:
    seed(mock)
    assert error(ClipFragmentSelector=selector(START, START)) == (
        "InvalidArgumentException",
        400,
        "The EndTimestamp must be later than the StartTimestamp.",
    )
    assert error(ClipFragmentSelector=selector(START, START + dt.timedelta(hours=25))) == (
        "InvalidArgumentException",
        400,
        "The EndTimestamp must be within 24 hours of the StartTimestamp.",
    )
    future = selector(START, START + dt.timedelta(minutes=1), "SERVER_TIMESTAMP")
    assert error(ClipFragmentSelector=future)[2] == (
        "The EndTimestamp must be in the past for the SERVER_TIMESTAMP selector type."
    )
    empty = selector(START - dt.timedelta(hours=2), START - dt.timedelta(hours=1))
    assert error(ClipFragmentSelector=empty) == (
        "ResourceNotFoundException",
        404,
        "No fragments found in the stream for the streaming request.",
    )
    with pytest.raises(ClientError) as info:
        client().get_clip(StreamName="nope", ClipFragmentSelector=selector())
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_no_retention_and_codec(mock: KinesisVideoMock) -> None:
    seed(mock, MJPEG)
    assert error(ClipFragmentSelector=selector())[:2] == (
        "UnsupportedStreamMediaTypeException",
        400,
    )
    boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="zero")
    with pytest.raises(ClientError) as info:
        client().get_clip(StreamName="zero", ClipFragmentSelector=selector())
    assert info.value.response["Error"] == {
        "Code": "NoDataRetentionException",
        "Message": "The data retention in hours of the stream zero is equal to zero.",
    }


@pytest.mark.parametrize("missing", ["av", "PIL.Image"])
def test_without_the_media_extra(
    mock: KinesisVideoMock, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    seed(mock)
    monkeypatch.setitem(sys.modules, missing, None)  # makes ``import <missing>`` fail
    with pytest.raises(archive.MediaExtraMissing, match=r"pip install kvsmock\[media\]"):
        client().get_clip(StreamName="cam", ClipFragmentSelector=selector())
    assert isinstance(archive.MediaExtraMissing("GetClip", "av"), ImportError)
    # Everything else still works.
    listed = client().list_fragments(StreamName="cam", FragmentSelector=selector())["Fragments"]
    assert len(listed) == H264.clusters
