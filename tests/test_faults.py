"""Injected faults (issue 17, item 1): ``mock.faults``."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any, Iterator
from urllib.parse import urljoin

import boto3
import pytest
import requests
import urllib3
from botocore.exceptions import ClientError, ResponseStreamingError
from freezegun import freeze_time
from media_support import H264, REGION, create_stream, data_client

from kvsmock import KinesisVideoMock, ServiceError, mock_kinesisvideo

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
THROTTLED = "Limit exceeded on number of requests for GetDataEndpoint API for resource 'cam'"


@pytest.fixture
def mock() -> Iterator[KinesisVideoMock]:
    with freeze_time(START), mock_kinesisvideo() as m:
        create_stream()
        yield m


def control() -> Any:
    return boto3.client("kinesisvideo", region_name=REGION)


def endpoint(stream: str = "cam") -> str:
    url: str = control().get_data_endpoint(StreamName=stream, APIName="GET_MEDIA")["DataEndpoint"]
    return url


def test_get_data_endpoint_throttles_twice_then_answers(mock: KinesisVideoMock) -> None:
    fault = mock.faults.add("GetDataEndpoint", error="ClientLimitExceededException", times=2)
    for _ in range(2):
        with pytest.raises(ClientError) as raised:
            endpoint()
        response = raised.value.response
        assert response["Error"]["Code"] == "ClientLimitExceededException"
        assert response["Error"]["Message"] == THROTTLED
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert endpoint().startswith("https://")
    assert fault.fired == 2
    assert list(mock.faults) == []  # spent
    assert [(c["operation"], c["error"], c["stream"]) for c in mock.faults.calls] == [
        ("GetDataEndpoint", "ClientLimitExceededException", "cam"),
    ] * 2


def test_a_failed_call_changes_nothing(mock: KinesisVideoMock) -> None:
    mock.faults.add("CreateStream", error="ClientLimitExceededException", times=1)
    with pytest.raises(ClientError):
        control().create_stream(StreamName="other")
    assert [s["StreamName"] for s in control().list_streams()["StreamInfoList"]] == ["cam"]


def test_errors_must_be_modeled_for_the_operation(mock: KinesisVideoMock) -> None:
    with pytest.raises(ValueError, match="GetDataEndpoint does not model 'AccessDenied"):
        mock.faults.add("GetDataEndpoint", error="AccessDeniedException")
    with pytest.raises(ValueError, match="unknown operation 'GetDataEndpoints'"):
        mock.faults.add("GetDataEndpoints", error="ClientLimitExceededException")
    with pytest.raises(ValueError, match="unknown PutMedia error id 1234"):
        mock.faults.add("PutMedia", ack_error=1234)
    with pytest.raises(ValueError, match="times"):
        mock.faults.add("ListStreams", error="ClientLimitExceededException", times=0)
    # found by a new user's trial: an int past float's range was an OverflowError
    with pytest.raises(ValueError, match="probability must be from 0 to 1"):
        mock.faults.add("ListStreams", error="ClientLimitExceededException", probability=10**400)
    with pytest.raises(ValueError, match="delay_seconds must be from 0 to 3600"):
        mock.faults.add("ListStreams", delay_seconds=10**400)
    with pytest.raises(ValueError, match="delay_seconds must be from 0 to 3600"):
        mock.faults.add("ListStreams", delay_seconds=True)
    assert list(mock.faults) == []


def test_match_by_stream_name_or_arn_and_remove(mock: KinesisVideoMock) -> None:
    arn = create_stream("other")
    fault = mock.faults.add("DescribeStream", error="ResourceNotFoundException", stream=arn)
    assert control().describe_stream(StreamName="cam")["StreamInfo"]["StreamName"] == "cam"
    with pytest.raises(ClientError) as raised:
        control().describe_stream(StreamName="other")  # the ARN's name matches the name
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    fault.remove()
    assert control().describe_stream(StreamName="other")["StreamInfo"]["StreamARN"] == arn


def test_any_operation_hits_only_those_that_model_the_error(mock: KinesisVideoMock) -> None:
    mock.faults.add("*", error="VersionMismatchException")
    assert control().list_streams()["StreamInfoList"]  # ListStreams declares no such error
    version = control().describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    with pytest.raises(ClientError) as raised:
        control().update_stream(StreamName="cam", CurrentVersion=version, MediaType="video/h264")
    assert raised.value.response["Error"]["Code"] == "VersionMismatchException"
    mock.faults.clear()
    control().update_stream(StreamName="cam", CurrentVersion=version, MediaType="video/h264")
    assert mock.faults.calls == []


def test_probability_is_drawn_from_the_seed() -> None:
    def run() -> list[bool]:
        with freeze_time(START), mock_kinesisvideo(seed=5) as m:
            m.faults.add("ListStreams", error="ClientLimitExceededException", probability=0.5)
            outcomes = []
            for _ in range(40):
                try:
                    control().list_streams()
                    outcomes.append(True)
                except ClientError:
                    outcomes.append(False)
            return outcomes

    first = run()
    assert first == run()
    assert 5 < first.count(False) < 35


def test_get_media_body_drops_after_n_bytes(mock: KinesisVideoMock) -> None:
    mock.put_media(StreamName="cam", Payload=H264.data)
    mock.faults.add("GetMedia", disconnect_after_bytes=1000, times=1)
    media = data_client("kinesis-video-media")
    body = media.get_media(StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"})[
        "Payload"
    ]
    assert len(body.read(1000)) == 1000
    with pytest.raises(ResponseStreamingError):
        body.read(1)
    # The next reader gets the whole stream.
    again = media.get_media(StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"})
    assert len(again["Payload"].read()) > len(H264.data)


def stored() -> int:
    fragments = data_client("kinesis-video-archived-media", api="LIST_FRAGMENTS").list_fragments(
        StreamName="cam",
        FragmentSelector={
            "FragmentSelectorType": "SERVER_TIMESTAMP",
            "TimestampRange": {
                "StartTimestamp": START - dt.timedelta(hours=1),
                "EndTimestamp": START,
            },
        },
    )["Fragments"]
    return len(fragments)


def test_put_media_ack_error_stores_nothing_for_the_fragment(mock: KinesisVideoMock) -> None:
    mock.faults.add("PutMedia", ack_error=4000, stream="cam", times=1)
    acks = mock.put_media(StreamName="cam", Payload=H264.data)
    assert [a["EventType"] for a in acks] == ["BUFFERING", "ERROR"]
    assert (acks[-1]["ErrorId"], acks[-1]["ErrorCode"]) == (4000, "STREAM_READ_ERROR")
    assert stored() == 0
    acks = mock.put_media(StreamName="cam", Payload=H264.data)
    assert [a["EventType"] for a in acks].count("PERSISTED") == 3
    assert stored() == 3
    assert mock.faults.calls[0]["ack_error"] == 4000


def test_delay_seconds_waits_before_answering() -> None:
    with mock_kinesisvideo() as m:  # real time: sleeping is real time
        m.faults.add("ListStreams", delay_seconds=0.2, times=1)
        began = time.perf_counter()
        control().list_streams()
        assert time.perf_counter() - began >= 0.2
        began = time.perf_counter()
        control().list_streams()
        assert time.perf_counter() - began < 0.2


def test_faults_are_plain_fields(mock: KinesisVideoMock) -> None:
    fields = {"operation": "GetDataEndpoint", "error": "ClientLimitExceededException", "times": 1}
    fault = mock.faults.add(**fields)
    shown = fault.as_dict()
    assert {k: shown[k] for k in fields} == fields
    assert shown["fired"] == 0 and shown["probability"] == 1.0


def _session_url(mock: KinesisVideoMock, protocol: str) -> str:
    """An ON_DEMAND HLS or DASH session URL of the H.264 sample, put at ``START``."""
    mock.put_media(StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START)
    archived = data_client(
        "kinesis-video-archived-media", api=f"GET_{protocol}_STREAMING_SESSION_URL"
    )
    session_url = getattr(archived, f"get_{protocol.lower()}_streaming_session_url")
    url: str = session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        **{
            f"{protocol}FragmentSelector": {
                "FragmentSelectorType": "PRODUCER_TIMESTAMP",
                "TimestampRange": {
                    "StartTimestamp": START - dt.timedelta(seconds=1),
                    "EndTimestamp": START + dt.timedelta(seconds=30),
                },
            }
        },
    )[f"{protocol}StreamingSessionURL"]
    return url


def test_hls_segment_body_drops_after_n_bytes(mock: KinesisVideoMock) -> None:
    url = _session_url(mock, "HLS")
    segment = url.replace("getHLSMasterPlaylist.m3u8", "getMP4MediaFragment.mp4")
    segment += "&SequenceNumber=0"
    whole = requests.get(segment, timeout=5)
    assert whole.status_code == 200 and len(whole.content) > 500
    mock.faults.add("GetHLSStreamingSessionURL", disconnect_after_bytes=500, times=1)
    cut = requests.get(segment, timeout=5, stream=True)
    assert cut.status_code == 200
    received = b""
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for piece in cut.iter_content(100):
            received += piece
    assert received == whole.content[:500]
    assert requests.get(segment, timeout=5).content == whole.content


# -- PutMedia: errors before any acknowledgement, delays, ERROR acks -------------------------


def _put_over_http(stream: str = "cam") -> requests.Response:
    url = control().get_data_endpoint(StreamName=stream, APIName="PUT_MEDIA")["DataEndpoint"]
    headers = {
        "x-amzn-stream-name": stream,
        "x-amzn-fragment-timecode-type": "RELATIVE",
        "x-amzn-producer-start-timestamp": f"{START.timestamp():.3f}",
    }
    return requests.post(url + "/putMedia", data=H264.data, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("ClientLimitExceededException", 400),
        ("ConnectionLimitExceededException", 400),
        ("NotAuthorizedException", 401),
        ("ResourceNotFoundException", 404),
    ],
)
def test_put_media_error_before_any_ack(mock: KinesisVideoMock, error: str, status: int) -> None:
    mock.faults.add("PutMedia", error=error, stream="cam", times=2)
    with pytest.raises(ServiceError) as caught:
        mock.put_media(StreamName="cam", Payload=H264.data)
    assert caught.value.code == error
    reply = _put_over_http()
    assert reply.status_code == status
    assert reply.headers["x-amzn-ErrorType"].startswith(error)
    assert reply.json()["__type"] == error
    assert stored() == 0  # a failed PutMedia stores nothing
    assert [c["error"] for c in mock.faults.calls] == [error, error]
    assert [a["EventType"] for a in mock.put_media(StreamName="cam", Payload=H264.data)].count(
        "PERSISTED"
    ) == 3


def test_put_media_throttle_message_names_the_stream(mock: KinesisVideoMock) -> None:
    mock.faults.add("PutMedia", error="ClientLimitExceededException", times=1)
    with pytest.raises(ServiceError) as caught:
        mock.put_media(StreamName="cam", Payload=H264.data)
    assert caught.value.message == (
        "Limit exceeded on number of requests for PutMedia API for resource 'cam'"
    )


def test_put_media_fault_fields_are_checked(mock: KinesisVideoMock) -> None:
    with pytest.raises(ValueError, match="PutMedia does not document 'AccessDeniedException'"):
        mock.faults.add("PutMedia", error="AccessDeniedException")
    with pytest.raises(ValueError, match="not disconnect_after_bytes"):
        mock.faults.add("PutMedia", disconnect_after_bytes=10)
    with pytest.raises(ValueError, match="as a fault of their own"):
        mock.faults.add("PutMedia", ack_error=4000, error="ClientLimitExceededException")
    with pytest.raises(ValueError, match="PutMedia is an operation of kinesis-video-media"):
        mock.faults.add("PutMedia", error="ClientLimitExceededException", service="kinesisvideo")


@pytest.mark.parametrize(
    "fields",
    [
        {"stream": ["cam"]},
        {"stream": 5},
        {"channel": {"name": "cam"}},
        {"message": 5},
        {"error": ["ClientLimitExceededException"]},
    ],
)
def test_fault_fields_of_the_wrong_type_are_a_type_error(
    mock: KinesisVideoMock, fields: Any
) -> None:
    """Were accepted (or an unhashable-type TypeError); a wrong ``stream`` / ``channel`` then
    made every matching call raise AttributeError out of the pipeline."""
    base = {"error": "ClientLimitExceededException"}
    with pytest.raises(TypeError, match="must be a str or None"):
        mock.faults.add("GetDataEndpoint", **{**base, **fields})
    assert list(mock.faults) == []
    assert endpoint().startswith("https://")
    with pytest.raises(TypeError, match="ack_error must be an int"):
        mock.faults.add("PutMedia", ack_error=4000.0)  # type: ignore[arg-type]


def test_put_media_delay_seconds_waits_in_process_and_over_http() -> None:
    with mock_kinesisvideo() as m:  # real time: sleeping is real time
        create_stream()
        m.faults.add("PutMedia", delay_seconds=0.2, times=2)
        for put in (lambda: m.put_media(StreamName="cam", Payload=H264.data), _put_over_http):
            began = time.perf_counter()
            put()
            assert time.perf_counter() - began >= 0.2
        began = time.perf_counter()
        m.put_media(StreamName="cam", Payload=H264.data)
        assert time.perf_counter() - began < 0.2


def _dash_segment(mock: KinesisVideoMock) -> str:
    url = _session_url(mock, "DASH")
    manifest = requests.get(url, timeout=5).text
    media = re.search(r'media="([^"]+)"', manifest)
    assert media is not None, manifest
    template = media.group(1).replace("&amp;", "&")
    return urljoin(url, template.replace("$Number$", "0").replace("$Number%09d$", "0"))


def test_dash_segment_body_drops_after_n_bytes(mock: KinesisVideoMock) -> None:
    segment = _dash_segment(mock)
    whole = requests.get(segment, timeout=5)
    assert whole.status_code == 200 and len(whole.content) > 300, whole.text[:200]
    mock.faults.add("GetDASHStreamingSessionURL", disconnect_after_bytes=300, times=3)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(segment, timeout=5)  # .content read whole: the drop surfaces at once
    # Read raw, as a player reading the socket does: urllib3's ProtocolError, after exactly
    # the bytes that arrived.
    raw = requests.get(segment, timeout=5, stream=True).raw
    assert raw.read(200) + raw.read(200) == whole.content[:300]
    with pytest.raises(urllib3.exceptions.ProtocolError):
        raw.read(200)
    with pytest.raises(urllib3.exceptions.ProtocolError):
        requests.get(segment, timeout=5, stream=True).raw.read()
    assert requests.get(segment, timeout=5).content == whole.content
