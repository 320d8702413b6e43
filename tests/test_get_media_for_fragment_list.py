"""GetMediaForFragmentList (kinesis-video-archived-media)."""

from __future__ import annotations

import datetime as dt
from typing import List

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import (
    H264_AAC,
    MJPEG,
    SAMPLES,
    Sample,
    archive_client,
    chunk_tags,
    create_stream,
    decode,
    segment_layout,
    split_chunks,
)

from kvsmock import KinesisVideoMock, mock_kinesisvideo

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def put(mock: KinesisVideoMock, sample: Sample) -> List[str]:
    acks = mock.put_media(StreamName="cam", Payload=sample.data, ProducerStartTimestamp=START)
    return [a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED"]


def fetch(numbers: List[str]) -> List[bytes]:
    reply = archive_client().get_media_for_fragment_list(StreamName="cam", Fragments=numbers)
    assert reply["ContentType"] == "video/webm"
    return split_chunks(reply["Payload"].read())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_all_fragments_read_back(kvsmock: KinesisVideoMock, sample: Sample) -> None:
    create_stream()
    numbers = put(kvsmock, sample)
    chunks = fetch(numbers)
    assert [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks] == numbers
    decoded = decode(b"".join(chunks))
    assert decoded.codecs == sample.codecs
    assert (decoded.video_frames, decoded.audio_frames) == (
        sample.video_frames,
        sample.audio_frames,
    )


def test_tags_and_requested_order() -> None:
    with freeze_time(START), mock_kinesisvideo() as mock:
        create_stream()
        numbers = put(mock, H264_AAC)
        chunks = fetch([numbers[2], numbers[0]])
    assert segment_layout(chunks[0]) == ["Info", "Tracks", "Tags", "Cluster"]
    assert chunk_tags(chunks[0]) == {
        "AWS_KINESISVIDEO_FRAGMENT_NUMBER": numbers[2],
        "AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP": f"{START.timestamp():.3f}",
        "AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP": f"{START.timestamp() + 1.877:.3f}",
    }
    assert chunk_tags(chunks[1])["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] == numbers[0]
    assert decode(chunks[1]).video_frames == 15  # the first second at 15 fps


def test_expired_numbers_are_not_found() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream(retention=1)
        numbers = put(mock, MJPEG)
        client = archive_client()
        clock.tick(3601)
        with pytest.raises(ClientError) as e:
            client.get_media_for_fragment_list(StreamName="cam", Fragments=numbers[:1])
        assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert numbers[0] in e.value.response["Error"]["Message"]


def test_numbers_of_another_stream_are_invalid() -> None:
    # aws-sdk-js #3217, parser-library #50: 400 "Fragment numbers are invalid : [...]".
    with freeze_time(START), mock_kinesisvideo() as mock:
        create_stream("other")
        others = [
            a["FragmentNumber"]
            for a in mock.put_media(StreamName="other", Payload=MJPEG.data)
            if a["EventType"] == "PERSISTED"
        ]
        create_stream()
        numbers = put(mock, MJPEG)
        client = archive_client()
        for wrong in (others[0], "42"):
            with pytest.raises(ClientError) as e:
                client.get_media_for_fragment_list(StreamName="cam", Fragments=[numbers[0], wrong])
            assert e.value.response["Error"] == {
                "Code": "InvalidArgumentException",
                "Message": f"Fragment numbers are invalid : [{wrong}]",
            }
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_size_limits(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    client = archive_client()
    with pytest.raises(ClientError) as e:
        client.get_media_for_fragment_list(StreamName="cam", Fragments=["1"] * 1001)
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_control_plane_host_gives_unknown_operation(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    numbers = put(kvsmock, MJPEG)
    plain = boto3.client("kinesis-video-archived-media", region_name="us-east-1")
    with pytest.raises(ClientError) as e:
        plain.get_media_for_fragment_list(StreamName="cam", Fragments=numbers)
    assert e.value.response["Error"]["Code"] == "UnknownOperationException"
