"""PutMedia through ``mock.put_media``: acknowledgements, fragments, errors."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Dict, List

import boto3
import ebmlite
import pytest
from freezegun import freeze_time
from media_support import H264, H264_AAC, MJPEG, SAMPLES, Sample, create_stream

from kvsmock import KinesisVideoMock, ServiceError, mock_kinesisvideo
from kvsmock.media import _mkv, fragment_log

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def events(acks: List[Dict[str, Any]]) -> List[str]:
    return [a["EventType"] for a in acks]


def numbers(acks: List[Dict[str, Any]], event: str = "RECEIVED") -> List[str]:
    return [a["FragmentNumber"] for a in acks if a["EventType"] == event]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_each_cluster_becomes_one_acknowledged_fragment(
    kvsmock: KinesisVideoMock, sample: Sample
) -> None:
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=sample.data)
    assert events(acks) == ["BUFFERING", "RECEIVED", "PERSISTED"] * sample.clusters
    got = numbers(acks)
    assert len(got) == sample.clusters
    assert all(re.fullmatch(r"9134385233\d{37}", n) for n in got)
    assert [int(n) for n in got] == sorted(int(n) for n in set(got))  # strictly increasing
    stream = kvsmock.state().find_stream("cam")
    log = fragment_log(kvsmock.state(), stream)
    assert [f.number for f in log.fragments] == got
    assert sum(f.size for f in log.fragments) < len(sample.data)


def test_timecodes_lengths_sizes_and_tracks() -> None:
    with freeze_time(START), mock_kinesisvideo() as mock:
        create_stream()
        acks = mock.put_media(
            StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START - dt.timedelta(1)
        )
        assert [a["FragmentTimecode"] for a in acks if a["EventType"] == "BUFFERING"] == [
            0,
            2000,
            4000,
        ]
        log = fragment_log(mock.state(), mock.state().find_stream("cam"))
        day_before = START - dt.timedelta(days=1)
        assert [f.producer_timestamp for f in log.fragments] == [
            day_before,
            day_before + dt.timedelta(seconds=2),
            day_before + dt.timedelta(seconds=4),
        ]
        assert [f.server_timestamp for f in log.fragments] == [START] * 3
        assert [f.length_ms for f in log.fragments] == [2000, 2000, 2000]
        assert [f.size for f in log.fragments] == [34080, 41078, 36720]
        (track,) = log.tracks
        assert (track.number, track.codec_id, track.track_type) == (1, "V_MPEG4/ISO/AVC", 1)
        assert track.codec_private is not None and len(track.codec_private) == 39


def test_absolute_timecodes_are_epoch_milliseconds(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    kvsmock.put_media(StreamName="cam", Payload=MJPEG.data, FragmentTimecodeType="ABSOLUTE")
    log = fragment_log(kvsmock.state(), kvsmock.state().find_stream("cam"))
    epoch = dt.datetime(1970, 1, 1, tzinfo=UTC)
    assert [f.producer_timestamp for f in log.fragments][:3] == [
        epoch,
        epoch + dt.timedelta(milliseconds=400),
        epoch + dt.timedelta(milliseconds=800),
    ]
    assert [f.length_ms for f in log.fragments] == [400] * 10


def test_payload_may_be_bytes_a_file_or_an_iterable(kvsmock: KinesisVideoMock) -> None:
    arn = create_stream()
    data = H264.data
    first = kvsmock.put_media(StreamARN=arn, Payload=io.BytesIO(data))
    chunks = (data[i : i + 1000] for i in range(0, len(data), 1000))
    second = kvsmock.put_media(StreamName="cam", Payload=chunks)
    assert len(numbers(first)) == len(numbers(second)) == 3
    assert int(numbers(second)[0]) > int(numbers(first)[-1])
    with pytest.raises(TypeError):
        kvsmock.put_media(StreamName="cam", Payload="not bytes")


def test_zero_retention_streams_are_not_persisted(kvsmock: KinesisVideoMock) -> None:
    create_stream(retention=0)
    acks = kvsmock.put_media(StreamName="cam", Payload=H264.data)
    assert events(acks) == ["BUFFERING", "RECEIVED"] * 3


def test_unknown_size_clusters_are_read(kvsmock: KinesisVideoMock) -> None:
    data = bytearray(H264.data)
    for match in re.finditer(b"\x1f\x43\xb6\x75", bytes(data)):
        at = match.end()
        assert data[at] & 0xE0 == 0x20  # a 3-byte size: make it the 3-byte "unknown"
        data[at : at + 3] = b"\x3f\xff\xff"
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=bytes(data))
    assert events(acks) == ["BUFFERING", "RECEIVED", "PERSISTED"] * 3


# -- errors ---------------------------------------------------------------------------------


def stored(mock: KinesisVideoMock) -> int:
    return len(fragment_log(mock.state(), mock.state().find_stream("cam")).fragments)


def test_truncated_payload_keeps_complete_fragments(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=H264_AAC.data[:-500])
    assert events(acks) == ["BUFFERING", "RECEIVED", "PERSISTED"] * 3 + ["ERROR"]
    assert acks[-1] == {
        "EventType": "ERROR",
        "FragmentTimecode": -1,
        "FragmentNumber": "",
        "ErrorId": 4000,
        "ErrorCode": "STREAM_READ_ERROR",
    }
    assert stored(kvsmock) == 3


@pytest.mark.parametrize(
    "payload",
    [b"definitely not matroska" * 50, bytes(range(256)) * 20, b"\x1a\x45\xdf"],
    ids=["text", "binary", "cut-header"],
)
def test_garbage_is_invalid_mkv_data(kvsmock: KinesisVideoMock, payload: bytes) -> None:
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=payload)
    assert len(acks) == 1 and acks[0]["EventType"] == "ERROR"
    assert acks[0]["ErrorId"] in (4006, 4000)
    assert acks[0]["FragmentNumber"] == ""
    assert stored(kvsmock) == 0


def test_garbage_errors_are_invalid_mkv_data(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    (ack,) = kvsmock.put_media(StreamName="cam", Payload=b"definitely not matroska")
    assert (ack["ErrorId"], ack["ErrorCode"]) == (4006, "INVALID_MKV_DATA")


def test_a_non_ascii_doc_type_is_invalid_mkv_data_where_warnings_are_errors(
    kvsmock: KinesisVideoMock,
) -> None:
    # Found by a new user's trial: ebmlite warns (UnicodeWarning) on a non-ASCII string
    # element, and this suite turns warnings into errors as many users' suites do; the
    # warning escaped put_media instead of becoming the ERROR ack.
    create_stream()
    header = b"\x1a\x45\xdf\xa3\x87\x42\x82\x84ma\xbaa"  # EBML { DocType "ma\xbaa" }
    (ack,) = kvsmock.put_media(StreamName="cam", Payload=header)
    assert (ack["EventType"], ack["ErrorId"], ack["ErrorCode"]) == (
        "ERROR",
        4006,
        "INVALID_MKV_DATA",
    )
    assert stored(kvsmock) == 0


def test_cluster_before_header_is_invalid(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    cluster = _mkv.parse(H264.data).clusters[0].raw
    (ack,) = kvsmock.put_media(StreamName="cam", Payload=cluster + H264.data)
    assert (ack["EventType"], ack["ErrorId"]) == ("ERROR", 4006)
    assert stored(kvsmock) == 0


def test_two_segments_store_the_first_then_error(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=H264.data + H264.data)
    assert events(acks) == ["BUFFERING", "RECEIVED", "PERSISTED"] * 3 + ["ERROR"]
    assert acks[-1]["ErrorId"] == 4006


def test_timecode_going_backwards_is_4004(kvsmock: KinesisVideoMock) -> None:
    parsed = _mkv.parse(H264.data)
    head = H264.data[: H264.data.index(parsed.clusters[0].raw)]
    one, two, three = (c.raw for c in parsed.clusters)
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=head + one + three + two)
    assert events(acks) == ["BUFFERING", "RECEIVED", "PERSISTED"] * 2 + ["BUFFERING", "ERROR"]
    error = acks[-1]
    assert error["ErrorId"] == 4004
    assert error["ErrorCode"] == "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"
    assert error["FragmentTimecode"] == 2000
    assert error["FragmentNumber"] == acks[-2]["FragmentNumber"]
    assert stored(kvsmock) == 2
    # A new PutMedia session may start from any timecode again.
    assert events(kvsmock.put_media(StreamName="cam", Payload=H264.data))[-1] == "PERSISTED"
    assert stored(kvsmock) == 5


def test_frame_of_unknown_track_is_4010(kvsmock: KinesisVideoMock) -> None:
    data = bytearray(H264.data)
    doc = ebmlite.loadSchema("matroska.xml").load(io.BytesIO(bytes(data)), headers=True)
    segment = next(el for el in doc if el.name == "Segment")
    clusters = [el for el in segment if el.name == "Cluster"]
    block = next(el for el in clusters[1] if el.name == "SimpleBlock")
    assert data[block.payloadOffset] == 0x81
    data[block.payloadOffset] = 0x82  # track 2, which the header does not declare
    create_stream()
    acks = kvsmock.put_media(StreamName="cam", Payload=bytes(data))
    assert acks[-1]["ErrorId"] == 4010 and acks[-1]["ErrorCode"] == "TRACK_NUMBER_MISMATCH"
    assert stored(kvsmock) == 1


def test_stream_that_is_not_active_gets_4008() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo(transition_seconds=10) as mock:
        arn = create_stream()  # CREATING for 10 s
        acks = mock.put_media(StreamName="cam", Payload=H264.data)
        assert events(acks) == ["BUFFERING", "ERROR"]
        assert (acks[1]["ErrorId"], acks[1]["ErrorCode"]) == (4008, "STREAM_NOT_ACTIVE")
        clock.tick(10)
        assert events(mock.put_media(StreamName="cam", Payload=H264.data))[-1] == "PERSISTED"
        boto3.client("kinesisvideo", region_name="us-east-1").delete_stream(StreamARN=arn)
        acks = mock.put_media(StreamARN=arn, Payload=H264.data)  # DELETING
        assert acks[-1]["ErrorId"] == 4008


def test_stream_deleted_while_the_payload_is_read(kvsmock: KinesisVideoMock) -> None:
    arn = create_stream()
    kvsmock.put_media(StreamName="cam", Payload=H264.data)

    def payload() -> Any:
        yield H264.data[:5000]
        boto3.client("kinesisvideo", region_name="us-east-1").delete_stream(StreamARN=arn)
        yield H264.data[5000:]

    acks = kvsmock.put_media(StreamName="cam", Payload=payload())
    assert events(acks) == ["BUFFERING", "ERROR"]
    assert acks[-1]["ErrorId"] == 4008


def test_unknown_stream_and_bad_arguments_raise(kvsmock: KinesisVideoMock) -> None:
    with pytest.raises(ServiceError) as e:
        kvsmock.put_media(StreamName="nope", Payload=H264.data)
    assert e.value.code == "ResourceNotFoundException"
    arn = create_stream()
    both = "You must specify either streamName or streamARN, but not both."
    for kwargs, message in (
        ({"StreamName": "cam", "StreamARN": arn}, both),
        ({}, both),
        (
            {"StreamName": "cam", "FragmentTimecodeType": "SOMETIMES"},
            "1 validation error detected: Value 'SOMETIMES' at 'fragmentTimecodeType' failed "
            "to satisfy constraint: Member must satisfy enum value set: [ABSOLUTE, RELATIVE]",
        ),
        (
            {"StreamName": "cam", "ProducerStartTimestamp": "yesterday"},
            "1 validation error detected: Value 'yesterday' at 'producerStartTimestamp' failed "
            "to satisfy constraint: Member must be epoch seconds",
        ),
    ):
        with pytest.raises(ServiceError) as e:
            kvsmock.put_media(Payload=H264.data, **kwargs)
        assert (e.value.code, e.value.message) == ("InvalidArgumentException", message)
    log = fragment_log(kvsmock.state(), kvsmock.state().find_stream("cam"))
    assert (log.fragments, log.tracks) == ([], ())  # refused calls store nothing


def test_fragment_numbers_are_reproducible_with_a_seed() -> None:
    runs = []
    for _ in range(2):
        with mock_kinesisvideo(seed=7) as mock:
            create_stream()
            runs.append(numbers(mock.put_media(StreamName="cam", Payload=MJPEG.data)))
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 10


def test_retention_removes_the_oldest_fragments_and_frees_them() -> None:
    import sys

    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream(retention=1)
        mock.put_media(StreamName="cam", Payload=MJPEG.data)  # 10 fragments at START
        log = fragment_log(mock.state(), mock.state().find_stream("cam"))
        first = log.fragments[0]
        clock.tick(1800)
        mock.put_media(StreamName="cam", Payload=MJPEG.data)  # 10 more, 30 min later
        clock.tick(1800)  # the first 10 are an hour old: gone on the next ingest
        mock.put_media(StreamName="cam", Payload=MJPEG.data[: len(MJPEG.data) // 2])
        stamps = [f.server_timestamp for f in log.fragments]
        half = dt.timedelta(minutes=30)
        assert stamps[:10] == [START + half] * 10 and stamps[10:] == [START + 2 * half] * 5
        assert log.expired_through > 0 and log.buffered == 0
        assert sys.getrefcount(first) == 2  # only ``first`` (and the call) holds it now
