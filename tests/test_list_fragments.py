"""ListFragments (kinesis-video-archived-media)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import H264, MJPEG, archive_client, create_stream

from kvsmock import KinesisVideoMock, mock_kinesisvideo

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)


def selector(kind: str, start: dt.datetime, end: dt.datetime) -> Dict[str, Any]:
    return {
        "FragmentSelectorType": kind,
        "TimestampRange": {"StartTimestamp": start, "EndTimestamp": end},
    }


def put(mock: KinesisVideoMock, payload: bytes, **kwargs: Any) -> List[str]:
    acks = mock.put_media(StreamName="cam", Payload=payload, **kwargs)
    return [a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED"]


def listed(**kwargs: Any) -> List[Dict[str, Any]]:
    reply = archive_client().list_fragments(StreamName="cam", **kwargs)
    fragments: List[Dict[str, Any]] = reply["Fragments"]
    return fragments


def test_fragments_by_server_timestamp() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        create_stream()
        first = put(mock, H264.data, ProducerStartTimestamp=START - HOUR)
        clock.tick(120)
        second = put(mock, MJPEG.data)
        got = listed(FragmentSelector=selector("SERVER_TIMESTAMP", START - HOUR, START + HOUR))
        assert [f["FragmentNumber"] for f in got] == first + second
        assert got[0] == {
            "FragmentNumber": first[0],
            "FragmentSizeInBytes": 34080,
            "ProducerTimestamp": START - HOUR,
            "ServerTimestamp": START,
            "FragmentLengthInMilliseconds": 2000,
        }
        inclusive = selector("SERVER_TIMESTAMP", START, START)
        assert [f["FragmentNumber"] for f in listed(FragmentSelector=inclusive)] == first
        later = selector("SERVER_TIMESTAMP", START + dt.timedelta(seconds=1), START + HOUR)
        assert [f["FragmentNumber"] for f in listed(FragmentSelector=later)] == second


def test_fragments_by_producer_timestamp() -> None:
    with freeze_time(START), mock_kinesisvideo() as mock:
        create_stream()
        numbers = put(mock, MJPEG.data, ProducerStartTimestamp=START)  # 0, 0.4, ... 3.6 s
        window = selector(
            "PRODUCER_TIMESTAMP", START + dt.timedelta(seconds=1), START + dt.timedelta(seconds=2)
        )
        got = listed(FragmentSelector=window)
        assert [f["FragmentNumber"] for f in got] == numbers[3:6]  # 1.2, 1.6 and 2.0 s
        assert [f["ProducerTimestamp"] for f in got] == [
            START + dt.timedelta(milliseconds=ms) for ms in (1200, 1600, 2000)
        ]


def test_nothing_in_range_is_an_empty_list(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    past = dt.datetime(2001, 1, 1, tzinfo=UTC)
    assert listed(FragmentSelector=selector("SERVER_TIMESTAMP", past, past + HOUR)) == []
    put(kvsmock, H264.data)
    assert listed(FragmentSelector=selector("SERVER_TIMESTAMP", past, past + HOUR)) == []


def test_pages_and_paginator() -> None:
    with freeze_time(START), mock_kinesisvideo() as mock:
        create_stream()
        numbers = put(mock, MJPEG.data) + put(mock, H264.data)
        client = archive_client()
        everything = selector("SERVER_TIMESTAMP", START - HOUR, START + HOUR)
        page = client.list_fragments(StreamName="cam", FragmentSelector=everything, MaxResults=4)
        assert [f["FragmentNumber"] for f in page["Fragments"]] == numbers[:4]
        token = page["NextToken"]
        page = client.list_fragments(StreamName="cam", NextToken=token, MaxResults=4)
        assert [f["FragmentNumber"] for f in page["Fragments"]] == numbers[4:8]
        put(mock, H264.data)  # arrives between pages: the selector's range still includes it
        pages = client.get_paginator("list_fragments").paginate(
            StreamName="cam", FragmentSelector=everything, PaginationConfig={"PageSize": 5}
        )
        sizes = [len(p["Fragments"]) for p in pages]
        assert sizes == [5, 5, 5, 1]
        assert "NextToken" not in client.list_fragments(
            StreamName="cam", FragmentSelector=everything, MaxResults=1000
        )


def test_a_token_is_refused_by_another_stream() -> None:
    with freeze_time(START), mock_kinesisvideo() as mock:
        create_stream("cam")
        create_stream("other")
        put(mock, MJPEG.data)
        mock.put_media(StreamName="other", Payload=MJPEG.data)
        everything = selector("SERVER_TIMESTAMP", START - HOUR, START + HOUR)
        token = archive_client().list_fragments(
            StreamName="cam", FragmentSelector=everything, MaxResults=1
        )["NextToken"]
        with pytest.raises(ClientError) as raised:
            archive_client("other").list_fragments(StreamName="other", NextToken=token)
        assert raised.value.response["Error"] == {
            "Code": "InvalidArgumentException",
            "Message": "The NextToken is not valid.",
        }


def test_bad_requests_are_invalid_arguments(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    client = archive_client()
    backwards = selector("SERVER_TIMESTAMP", START, START - HOUR)
    for kwargs in ({}, {"FragmentSelector": backwards}, {"NextToken": "bm90LWEtdG9rZW4="}):
        with pytest.raises(ClientError) as e:
            client.list_fragments(StreamName="cam", **kwargs)
        assert e.value.response["Error"]["Code"] == "InvalidArgumentException"
    with pytest.raises(ClientError) as e:
        client.list_fragments(
            StreamName="cam",
            FragmentSelector=selector("SERVER_TIMESTAMP", START, START),
            MaxResults=1001,
        )
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_retention_expires_and_a_decrease_deletes_at_once() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo() as mock:
        control = boto3.client("kinesisvideo", region_name="us-east-1")
        create_stream(retention=48)
        old = put(mock, H264.data)
        clock.tick(3 * 3600)
        new = put(mock, MJPEG.data)
        everything = selector("SERVER_TIMESTAMP", START - HOUR, START + 100 * HOUR)
        assert len(listed(FragmentSelector=everything)) == len(old + new)
        version = control.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
        control.update_data_retention(
            StreamName="cam",
            CurrentVersion=version,
            Operation="DECREASE_DATA_RETENTION",
            DataRetentionChangeInHours=46,
        )
        assert [f["FragmentNumber"] for f in listed(FragmentSelector=everything)] == new
        version = control.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
        control.update_data_retention(
            StreamName="cam",
            CurrentVersion=version,
            Operation="INCREASE_DATA_RETENTION",
            DataRetentionChangeInHours=46,
        )
        assert [f["FragmentNumber"] for f in listed(FragmentSelector=everything)] == new
        clock.tick(48 * 3600)
        assert listed(FragmentSelector=everything) == []


def test_zero_retention_fragments_are_not_archived(kvsmock: KinesisVideoMock) -> None:
    create_stream(retention=0)
    kvsmock.put_media(StreamName="cam", Payload=H264.data)
    now = dt.datetime.now(UTC)
    assert listed(FragmentSelector=selector("SERVER_TIMESTAMP", now - HOUR, now + HOUR)) == []


def test_deleted_stream_loses_its_fragments(kvsmock: KinesisVideoMock) -> None:
    arn = create_stream()
    put(kvsmock, H264.data)
    client = archive_client()
    boto3.client("kinesisvideo", region_name="us-east-1").delete_stream(StreamARN=arn)
    create_stream()
    now = dt.datetime.now(UTC)
    got = client.list_fragments(
        StreamName="cam", FragmentSelector=selector("SERVER_TIMESTAMP", now - HOUR, now + HOUR)
    )
    assert got["Fragments"] == []


def test_control_plane_host_gives_unknown_operation(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    plain = boto3.client("kinesis-video-archived-media", region_name="us-east-1")
    with pytest.raises(ClientError) as e:
        plain.list_fragments(
            StreamName="cam", FragmentSelector=selector("SERVER_TIMESTAMP", START, START)
        )
    assert e.value.response["Error"]["Code"] == "UnknownOperationException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_clock_moved_back_still_lists_by_range() -> None:
    # Server timestamps out of order (the clock went back) make the index scan instead.
    with freeze_time(START + dt.timedelta(hours=1)) as clock, mock_kinesisvideo() as mock:
        create_stream()
        mock.put_media(StreamName="cam", Payload=MJPEG.data, ProducerStartTimestamp=START)
        clock.move_to(START)
        mock.put_media(StreamName="cam", Payload=MJPEG.data, ProducerStartTimestamp=START)
        clock.move_to(START + dt.timedelta(hours=2))
        selector = {
            "FragmentSelectorType": "SERVER_TIMESTAMP",
            "TimestampRange": {
                "StartTimestamp": START,
                "EndTimestamp": START + dt.timedelta(minutes=1),
            },
        }
        found = archive_client().list_fragments(StreamName="cam", FragmentSelector=selector)
        assert [f["ServerTimestamp"] for f in found["Fragments"]] == [START] * 10
        selector["TimestampRange"] = {
            "StartTimestamp": START + dt.timedelta(hours=1),
            "EndTimestamp": START + dt.timedelta(hours=1),
        }
        found = archive_client().list_fragments(StreamName="cam", FragmentSelector=selector)
        assert len(found["Fragments"]) == 10
