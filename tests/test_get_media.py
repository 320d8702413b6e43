"""GetMedia (kinesis-video-media) on ingested sample files, read back independently."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import (
    H264,
    H264_AAC,
    MJPEG,
    SAMPLES,
    Sample,
    chunk_tags,
    create_stream,
    decode,
    media_client,
    segment_layout,
    split_chunks,
)

from kvsmock import KinesisVideoMock, mock_kinesisvideo

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def get(selector: Dict[str, Any], stream: str = "cam") -> List[bytes]:
    reply = media_client(stream).get_media(StreamName=stream, StartSelector=selector)
    assert reply["ContentType"] == "video/webm"
    body: bytes = reply["Payload"].read()
    return split_chunks(body) if body else []


def put(mock: KinesisVideoMock, sample: Sample, **kwargs: Any) -> List[str]:
    acks = mock.put_media(StreamName="cam", Payload=sample.data, **kwargs)
    return [a["FragmentNumber"] for a in acks if a["EventType"] == "RECEIVED"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_earliest_returns_every_fragment_decodable(
    kvsmock: KinesisVideoMock, sample: Sample
) -> None:
    create_stream()
    numbers = put(kvsmock, sample)
    chunks = get({"StartSelectorType": "EARLIEST"})
    assert len(chunks) == sample.clusters
    assert [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks] == numbers
    whole = decode(b"".join(chunks))
    assert whole == decode(sample.data)
    assert whole.codecs == sample.codecs
    assert (whole.video_frames, whole.audio_frames) == (sample.video_frames, sample.audio_frames)
    assert whole.width == sample.width
    # Each chunk is a playable Matroska file on its own, as consumers save them (x265's open
    # GOP makes one leading frame of the second HEVC fragment need the first fragment).
    lost = 1 if sample.codecs == ["hevc"] else 0
    assert sum(decode(c).video_frames for c in chunks) == sample.video_frames - lost


def test_chunk_layout_and_tags() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream()
        numbers = put(mock, H264, ProducerStartTimestamp=START - dt.timedelta(seconds=30))
        clock.tick(5)
        chunks = get({"StartSelectorType": "EARLIEST"})
    assert segment_layout(chunks[0]) == ["Info", "Tracks", "Tags", "Cluster", "Tags"]
    tags = [chunk_tags(c) for c in chunks]
    assert tags[1] == {
        "AWS_KINESISVIDEO_FRAGMENT_NUMBER": numbers[1],
        "AWS_KINESISVIDEO_SERVER_TIMESTAMP": f"{START.timestamp():.3f}",
        "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP": f"{START.timestamp() - 28:.3f}",
        "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW": "5000",
        "AWS_KINESISVIDEO_CONTINUATION_TOKEN": numbers[1],
    }


def test_every_start_selector() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream()
        first = put(mock, MJPEG, ProducerStartTimestamp=START)  # 10 fragments, 400 ms each
        clock.tick(60)
        second = put(mock, H264, ProducerStartTimestamp=START + dt.timedelta(minutes=10))
        everything = first + second

        def numbers(selector: Dict[str, Any]) -> List[str]:
            return [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in get(selector)]

        assert numbers({"StartSelectorType": "EARLIEST"}) == everything
        assert numbers({"StartSelectorType": "NOW"}) == everything[-1:]
        after = {"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": first[3]}
        assert numbers(after) == everything[4:]
        token = {"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": first[-1]}
        assert numbers(token) == second
        server = {"StartSelectorType": "SERVER_TIMESTAMP"}
        assert numbers({**server, "StartTimestamp": START + dt.timedelta(seconds=30)}) == second
        assert numbers({**server, "StartTimestamp": START - dt.timedelta(hours=1)}) == everything
        assert numbers({**server, "StartTimestamp": START + dt.timedelta(hours=1)}) == []
        producer = {"StartSelectorType": "PRODUCER_TIMESTAMP"}
        inside_fifth = START + dt.timedelta(milliseconds=1700)  # fragment 5 spans 1600-2000
        assert numbers({**producer, "StartTimestamp": inside_fifth}) == everything[4:]
        later = START + dt.timedelta(minutes=10, seconds=3)  # inside H264's second fragment
        assert numbers({**producer, "StartTimestamp": later}) == second[1:]


def test_continuation_across_two_calls(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    numbers = put(kvsmock, MJPEG)
    reply = media_client().get_media(
        StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
    )
    # A consumer that stops part-way: read the first three chunks, then drop the connection.
    body = b""
    stream = reply["Payload"]
    while len(split_chunks(body)) < 4:
        body += stream.read(512)
    stream.close()
    read = split_chunks(body)[:3]
    token = chunk_tags(read[-1])["AWS_KINESISVIDEO_CONTINUATION_TOKEN"]
    rest = get({"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": token})
    got = [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in read + rest]
    assert got == numbers
    assert decode(b"".join(read + rest)).video_frames == MJPEG.video_frames


def test_body_ends_after_the_last_fragment(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    assert get({"StartSelectorType": "EARLIEST"}) == []
    numbers = put(kvsmock, H264)
    last = {"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": numbers[-1]}
    assert get(last) == []


def test_unknown_start_fragment_is_an_in_band_error(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    put(kvsmock, H264)
    (chunk,) = get({"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": "12345"})
    assert chunk_tags(chunk) == {
        "AWS_KINESISVIDEO_ERROR_CODE": "Requested fragment is not found",
        "AWS_KINESISVIDEO_ERROR_ID": "4000",
    }


@pytest.mark.parametrize(
    "selector",
    [
        {"StartSelectorType": "FRAGMENT_NUMBER"},
        {"StartSelectorType": "SERVER_TIMESTAMP"},
        {"StartSelectorType": "PRODUCER_TIMESTAMP"},
        {"StartSelectorType": "CONTINUATION_TOKEN"},
        {"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": "not-a-token"},
    ],
)
def test_selector_without_its_member_is_invalid(
    kvsmock: KinesisVideoMock, selector: Dict[str, Any]
) -> None:
    create_stream()
    with pytest.raises(ClientError) as e:
        media_client().get_media(StreamName="cam", StartSelector=selector)
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_unknown_stream_is_not_found(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    with pytest.raises(ClientError) as e:
        media_client().get_media(StreamName="other", StartSelector={"StartSelectorType": "NOW"})
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_control_plane_host_is_refused_unless_relaxed() -> None:
    selector = {"StartSelectorType": "EARLIEST"}
    with mock_kinesisvideo():
        create_stream()
        plain = boto3.client("kinesis-video-media", region_name="us-east-1")
        with pytest.raises(ClientError) as e:
            plain.get_media(StreamName="cam", StartSelector=selector)
        assert e.value.response["Error"] == {
            "Code": "AccessDeniedException",
            "Message": "Unable to determine service/operation name to be authorized",
        }
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with mock_kinesisvideo(require_data_endpoint=False) as mock:
        create_stream()
        put(mock, H264)
        plain = boto3.client("kinesis-video-media", region_name="us-east-1")
        body = plain.get_media(StreamName="cam", StartSelector=selector)["Payload"].read()
        assert len(split_chunks(body)) == 3


def test_retention_expiry_under_freezegun() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream(retention=1)
        put(mock, H264)
        clock.tick(30 * 60)
        later = put(mock, MJPEG)
        clock.tick(31 * 60)  # the first put is now 61 minutes old
        chunks = get({"StartSelectorType": "EARLIEST"})
        assert [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks] == later
        clock.tick(30 * 60)
        assert get({"StartSelectorType": "EARLIEST"}) == []


def test_zero_retention_keeps_a_five_minute_buffer() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream(retention=0)
        numbers = put(mock, H264_AAC)
        clock.tick(4 * 60)
        chunks = get({"StartSelectorType": "EARLIEST"})
        assert [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks] == numbers
        clock.tick(61)
        assert get({"StartSelectorType": "EARLIEST"}) == []


def test_consumer_library_loop_works_unchanged(kvsmock: KinesisVideoMock) -> None:
    """The loop of AWS's KVS consumer library for Python: iterate the StreamingBody, re-parse
    the buffer with ebmlite, and hand over a fragment whenever a second EBML header shows up."""
    import io

    import ebmlite

    create_stream()
    numbers = put(kvsmock, H264_AAC)
    schema = ebmlite.loadSchema("matroska.xml")
    reply = media_client().get_media(
        StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
    )
    buffer = bytearray()
    fragments: List[bytes] = []
    for chunk in reply["Payload"]:
        buffer.extend(chunk)
        dom = schema.load(io.BytesIO(buffer), headers=True)
        headers = [el for el in dom if el.id == 0x1A45DFA3]
        if len(headers) > 1:
            fragments.append(bytes(buffer[headers[0].offset : headers[1].offset]))
            buffer = buffer[headers[1].offset :]
    fragments.append(bytes(buffer))  # the body ends: the last fragment is complete too
    tags = [chunk_tags(f) for f in fragments]
    assert [t["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for t in tags] == numbers
    assert all(float(t["AWS_KINESISVIDEO_MILLIS_BEHIND_NOW"]) >= 0 for t in tags)
    assert float(tags[0]["AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"]) > 0


@pytest.mark.parametrize("piece", [1, 7, 1024, 40_000, 10**7])
def test_reads_of_any_size_give_the_same_bytes(piece: int) -> None:
    with freeze_time(START), mock_kinesisvideo() as mock:
        read_in_pieces(mock, piece)


def read_in_pieces(mock: KinesisVideoMock, piece: int) -> None:
    create_stream()
    put(mock, H264_AAC)
    earliest = {"StartSelectorType": "EARLIEST"}
    whole = media_client().get_media(StreamName="cam", StartSelector=earliest)["Payload"].read()
    body = media_client().get_media(StreamName="cam", StartSelector=earliest)["Payload"]
    parts = []
    while True:
        part = body.read(piece)
        if not part:
            break
        assert len(part) <= piece
        parts.append(part)
    assert b"".join(parts) == whole and len(whole) == 96137
    # Every read but the last is full, across the chunk (fragment) boundaries too.
    assert all(len(p) == piece for p in parts[:-1])
