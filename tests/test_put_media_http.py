"""PutMedia over HTTP with ``requests``: answered in-process on a stream's data endpoint.

Nothing here reaches the network: requests kvsmock does not answer go to a loopback server
or to a patched ``HTTPAdapter.send``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from unittest import mock as umock

import boto3
import pytest
import requests
import responses
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from media_support import DATA, H264, H264_AAC, SAMPLES, Sample, archive_client, create_stream
from requests.adapters import HTTPAdapter

from kvsmock import KinesisVideoMock, mock_kinesisvideo
from kvsmock.media import _mkv, fragment_log

REGION = "us-east-1"
UTC = dt.timezone.utc
#: 2026-01-01T00:00:00.250Z as the producer SDKs send it: epoch seconds with a fraction.
START_HEADER = "1767225600.250"
START = dt.datetime(2026, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
TRIPLE = ["BUFFERING", "RECEIVED", "PERSISTED"]


def endpoint(stream: str = "cam", region: str = REGION) -> str:
    control = boto3.client("kinesisvideo", region_name=region)
    url: str = control.get_data_endpoint(StreamName=stream, APIName="PUT_MEDIA")["DataEndpoint"]
    return url


def put(
    url: str,
    body: Any,
    *,
    stream: Optional[str] = "cam",
    timecode_type: Optional[str] = "RELATIVE",
    start: Optional[str] = START_HEADER,
    path: str = "/putMedia",
    **extra: str,
) -> requests.Response:
    headers = {
        "x-amzn-stream-name": stream,
        "x-amzn-fragment-timecode-type": timecode_type,
        "x-amzn-producer-start-timestamp": start,
        **extra,
    }
    sent = {k: v for k, v in headers.items() if v is not None}
    return requests.post(url + path, data=body, headers=sent, timeout=5)


def acks_of(response: requests.Response) -> List[Dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.text.endswith("\n")
    return [json.loads(line) for line in response.text.splitlines()]


def events(acks: List[Dict[str, Any]]) -> List[str]:
    return [a["EventType"] for a in acks]


def listed(stream: str = "cam") -> List[Dict[str, Any]]:
    """ListFragments over every producer timestamp, in fragment-number order."""
    pages = (
        archive_client(stream)
        .get_paginator("list_fragments")
        .paginate(
            StreamName=stream,
            FragmentSelector={
                "FragmentSelectorType": "PRODUCER_TIMESTAMP",
                "TimestampRange": {
                    "StartTimestamp": EPOCH,
                    "EndTimestamp": dt.datetime(2100, 1, 1, tzinfo=UTC),
                },
            },
        )
    )
    fragments = [f for page in pages for f in page["Fragments"]]
    return sorted(fragments, key=lambda f: int(f["FragmentNumber"]))


def error_of(response: requests.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == code
    assert re.fullmatch(r"[0-9a-f-]{36}", response.headers["x-amzn-RequestId"])
    body = response.json()
    assert body["__type"] == code
    message: str = body["Message"]
    return message


class FakeAdapter:
    """Stands in for the real ``HTTPAdapter.send``: records the URLs and answers 599."""

    def __init__(self) -> None:
        self.urls: List[str] = []

    def send(self) -> Any:
        """A plain function, so that it binds as a method like the real ``send``."""

        def send(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
            self.urls.append(request.url)
            reply = requests.Response()
            reply.status_code = 599
            reply.url = request.url
            reply.request = request
            reply.raw = io.BytesIO(b"fake adapter")
            return reply

        return send


@pytest.fixture
def fake_adapter() -> Iterator[FakeAdapter]:
    """``HTTPAdapter.send`` replaced (before any mock starts) by a recorder: no network."""
    fake = FakeAdapter()
    with umock.patch.object(HTTPAdapter, "send", fake.send()):
        yield fake


# -- acknowledgements ------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_each_sample_is_acknowledged_and_listed(kvsmock: KinesisVideoMock, sample: Sample) -> None:
    create_stream()
    acks = acks_of(put(endpoint(), sample.data))
    assert events(acks) == TRIPLE * sample.clusters
    fragments = listed()
    assert len(fragments) == sample.clusters
    numbers = [a["FragmentNumber"] for a in acks if a["EventType"] == "RECEIVED"]
    assert numbers == [f["FragmentNumber"] for f in fragments]
    for i, fragment in enumerate(fragments):
        triple = acks[3 * i : 3 * i + 3]
        assert {a["FragmentNumber"] for a in triple} == {fragment["FragmentNumber"]}
        assert {a["FragmentTimecode"] for a in triple} == {
            (fragment["ProducerTimestamp"] - START) // dt.timedelta(milliseconds=1)
        }
    assert all(set(a) == {"EventType", "FragmentTimecode", "FragmentNumber"} for a in acks)


def test_exact_acknowledgements_relative(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    acks = acks_of(put(endpoint(), H264.data))
    assert [a["FragmentTimecode"] for a in acks] == [0] * 3 + [2000] * 3 + [4000] * 3
    numbers = [a["FragmentNumber"] for a in acks[::3]]
    assert all(re.fullmatch(r"9134385233\d{37}", n) for n in numbers)
    assert [int(n) for n in numbers] == sorted({int(n) for n in numbers})
    fragments = listed()
    assert [f["ProducerTimestamp"] for f in fragments] == [
        START,
        START + dt.timedelta(seconds=2),
        START + dt.timedelta(seconds=4),
    ]
    assert [f["FragmentLengthInMilliseconds"] for f in fragments] == [2000, 2000, 2000]


def test_absolute_timecodes_are_epoch_milliseconds(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    acks = acks_of(put(endpoint(), H264.data, timecode_type="ABSOLUTE"))
    assert events(acks) == TRIPLE * 3
    assert [f["ProducerTimestamp"] for f in listed()] == [
        EPOCH,
        EPOCH + dt.timedelta(seconds=2),
        EPOCH + dt.timedelta(seconds=4),
    ]


def test_integer_start_timestamp_and_stream_arn(kvsmock: KinesisVideoMock) -> None:
    arn = create_stream()
    response = put(
        endpoint(), H264.data, stream=None, start="1767225600", **{"x-amzn-stream-arn": arn}
    )
    assert events(acks_of(response)) == TRIPLE * 3
    assert listed()[0]["ProducerTimestamp"] == dt.datetime(2026, 1, 1, tzinfo=UTC)


def test_zero_retention_stream_is_received_not_persisted(kvsmock: KinesisVideoMock) -> None:
    create_stream(retention=0)
    acks = acks_of(put(endpoint(), H264.data))
    assert events(acks) == ["BUFFERING", "RECEIVED"] * 3


def test_fragments_match_the_python_api(kvsmock: KinesisVideoMock) -> None:
    create_stream("http")
    create_stream("api")
    over_http = acks_of(put(endpoint("http"), H264_AAC.data, stream="http"))
    direct = kvsmock.put_media(
        StreamName="api", Payload=H264_AAC.data, ProducerStartTimestamp=START
    )
    assert [(a["EventType"], a["FragmentTimecode"]) for a in over_http] == [
        (a["EventType"], a["FragmentTimecode"]) for a in direct
    ]
    store = kvsmock.state()
    http_log = fragment_log(store, store.find_stream("http"))
    api_log = fragment_log(store, store.find_stream("api"))
    assert [f.cluster for f in http_log.fragments] == [f.cluster for f in api_log.fragments]
    assert [t.codec_id for t in http_log.tracks] == ["V_MPEG4/ISO/AVC", "A_AAC"]


# -- bodies --------------------------------------------------------------------------------


def test_chunked_generator_body(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    data = H264_AAC.data

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(data), 997):
            yield data[i : i + 997]

    response = put(endpoint(), chunks())
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    acks = acks_of(response)
    assert events(acks) == TRIPLE * 4
    assert [a["FragmentTimecode"] for a in acks[::3]] == [21, 874, 1877, 2880]
    assert [f["ProducerTimestamp"] for f in listed()] == [
        START + dt.timedelta(milliseconds=ms) for ms in (21, 874, 1877, 2880)
    ]


def test_file_body(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    with (DATA / H264.name).open("rb") as f:
        acks = acks_of(put(endpoint(), f))
    assert events(acks) == TRIPLE * 3


def test_list_of_chunks_with_a_session_and_a_streamed_response(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    parts = [H264.data[:10], H264.data[10:5000], H264.data[5000:]]
    headers = {
        "x-amzn-stream-name": "cam",
        "x-amzn-fragment-timecode-type": "RELATIVE",
        "x-amzn-producer-start-timestamp": START_HEADER,
    }
    with (
        requests.Session() as session,
        session.post(
            endpoint() + "/putMedia", data=iter(parts), headers=headers, stream=True, timeout=5
        ) as response,
    ):
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert events(lines) == TRIPLE * 3
    assert lines[-1]["FragmentTimecode"] == 4000


def test_truncated_body_acknowledges_then_errors(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    acks = acks_of(put(endpoint(), H264_AAC.data[:-500]))
    assert events(acks) == TRIPLE * 3 + ["ERROR"]
    assert acks[-1] == {
        "EventType": "ERROR",
        "FragmentTimecode": -1,
        "FragmentNumber": "",
        "ErrorId": 4000,
        "ErrorCode": "STREAM_READ_ERROR",
    }
    assert len(listed()) == 3


def test_garbage_and_cluster_before_header_are_invalid_mkv(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    cluster = _mkv.parse(H264.data).clusters[0].raw
    for body in (b"definitely not matroska", cluster + H264.data):
        (ack,) = acks_of(put(endpoint(), body))
        assert (ack["EventType"], ack["ErrorId"], ack["ErrorCode"]) == (
            "ERROR",
            4006,
            "INVALID_MKV_DATA",
        )
    assert listed() == []


def test_out_of_order_cluster_is_4004(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    parsed = _mkv.parse(H264.data)
    clusters = [c.raw + c.trailing for c in parsed.clusters]
    head = H264.data[: H264.data.index(clusters[0])]
    acks = acks_of(put(endpoint(), head + clusters[1] + clusters[0]))
    assert events(acks) == [*TRIPLE, "BUFFERING", "ERROR"]
    assert (acks[-1]["FragmentTimecode"], acks[-1]["ErrorId"]) == (0, 4004)
    assert acks[-1]["ErrorCode"] == "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"


# -- errors before any acknowledgement ---------------------------------------------------------


def test_unknown_stream_is_404(kvsmock: KinesisVideoMock) -> None:
    create_stream()
    message = error_of(put(endpoint(), H264.data, stream="nope"), 404, "ResourceNotFoundException")
    assert message == "The requested stream is not found or not active."


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"timecode_type": None, "start": None},
            "2 validation errors detected: Value null at 'fragmentTimecodeType' failed to "
            "satisfy constraint: Member must not be null; Value null at "
            "'producerStartTimestamp' failed to satisfy constraint: Member must not be null",
        ),
        (
            {"timecode_type": "relative"},
            "1 validation error detected: Value 'relative' at 'fragmentTimecodeType' failed to "
            "satisfy constraint: Member must satisfy enum value set: [ABSOLUTE, RELATIVE]",
        ),
        (
            {"start": "yesterday"},
            "1 validation error detected: Value 'yesterday' at 'producerStartTimestamp' failed "
            "to satisfy constraint: Member must be epoch seconds",
        ),
        (
            {"stream": "bad name!"},
            "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ),
        (
            {"stream": None},
            "You must specify either streamName or streamARN, but not both.",
        ),
        (
            {"x-amzn-stream-arn": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/1"},
            "You must specify either streamName or streamARN, but not both.",
        ),
    ],
    ids=["no-headers", "timecode-type", "start", "name-pattern", "no-stream", "name-and-arn"],
)
def test_bad_headers_are_400(
    kvsmock: KinesisVideoMock, headers: Dict[str, Any], message: str
) -> None:
    create_stream()
    response = put(endpoint(), H264.data, **headers)
    assert error_of(response, 400, "InvalidArgumentException") == message
    assert listed() == []


@pytest.mark.parametrize(("method", "path"), [("POST", "/getMedia"), ("GET", "/putMedia")])
def test_other_operations_on_the_endpoint_are_unknown(
    kvsmock: KinesisVideoMock, method: str, path: str
) -> None:
    create_stream()
    response = requests.request(method, endpoint() + path, timeout=5)
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert response.json() == {
        "Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
        "Version": "1.0",
    }


# -- which requests are answered -------------------------------------------------------------


def test_account_from_sigv4_and_region_from_host(fake_adapter: FakeAdapter) -> None:
    with mock_kinesisvideo(accounts={"AKIAOTHERACCOUNT0001": "210987654321"}) as mock:
        control = boto3.client(
            "kinesisvideo",
            region_name="eu-west-1",
            aws_access_key_id="AKIAOTHERACCOUNT0001",
            aws_secret_access_key="secret",
        )
        control.create_stream(StreamName="cam", DataRetentionInHours=1)
        url = control.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"]
        assert ".kinesisvideo.eu-west-1.amazonaws.com" in url
        headers = {
            "x-amzn-stream-name": "cam",
            "x-amzn-fragment-timecode-type": "RELATIVE",
            "x-amzn-producer-start-timestamp": START_HEADER,
        }
        signed = AWSRequest("POST", url + "/putMedia", data=H264.data, headers=headers)
        credentials = Credentials("AKIAOTHERACCOUNT0001", "secret")
        SigV4Auth(credentials, "kinesisvideo", "eu-west-1").add_auth(signed)
        response = requests.post(
            url + "/putMedia", data=H264.data, headers=dict(signed.headers), timeout=5
        )
        assert events(acks_of(response)) == TRIPLE * 3
        store = mock.state("210987654321", region="eu-west-1")
        assert len(fragment_log(store, store.find_stream("cam")).fragments) == 3
        # Unsigned, the request belongs to the default account, which has no such stream:
        # the host is no data endpoint of it. A KVS host is never sent to: 404.
        assert put(url, H264.data).status_code == 404
        assert fake_adapter.urls == []


def test_non_kvs_urls_reach_a_loopback_server(kvsmock: KinesisVideoMock, loopback: str) -> None:
    create_stream()
    assert requests.get(loopback + "/ping", timeout=5).text == "hello from loopback /ping"
    assert events(acks_of(put(endpoint(), H264.data))) == TRIPLE * 3
    assert requests.get(loopback + "/again", timeout=5).text == "hello from loopback /again"


def test_unknown_and_deleted_endpoints_are_not_sent(fake_adapter: FakeAdapter) -> None:
    with mock_kinesisvideo():
        arn = create_stream()
        url = endpoint()
        other = "https://s-0123abcd.kinesisvideo.us-east-1.amazonaws.com"
        # Hosts of KVS that are no stream's endpoint (or not over https) are answered 404
        # UnknownOperationException, never sent (issue 17, item 5).
        assert put(other, H264.data).status_code == 404
        assert put(other, H264.data).json()["__type"] == "ResourceNotFoundException"
        assert put(url.replace("https://", "http://"), H264.data).status_code == 404
        assert put(url, H264.data).status_code == 200
        boto3.client("kinesisvideo", region_name=REGION).delete_stream(StreamARN=arn)
        gone = put(url, H264.data)  # a deleted stream's endpoint: PutMedia's own 404
        assert (gone.status_code, gone.json()["__type"]) == (404, "ResourceNotFoundException")
        assert fake_adapter.urls == []


def test_nothing_is_answered_after_the_mock_stops(fake_adapter: FakeAdapter) -> None:
    before = HTTPAdapter.__dict__["send"]
    with mock_kinesisvideo():
        create_stream()
        url = endpoint()
        assert HTTPAdapter.__dict__["send"] is not before
        assert put(url, H264.data).status_code == 200
    assert HTTPAdapter.__dict__["send"] is before
    assert put(url, H264.data).status_code == 599
    assert fake_adapter.urls == [url + "/putMedia"]


def test_nested_mocks_the_innermost_answers(fake_adapter: FakeAdapter) -> None:
    with mock_kinesisvideo() as outer:
        create_stream()
        outer_url = endpoint()
        with mock_kinesisvideo(seed=7):
            assert put(outer_url, H264.data).status_code == 404  # not the inner mock's stream
            create_stream()
            assert put(endpoint(), H264.data).status_code == 200
        assert put(outer_url, H264.data).status_code == 200
    store = outer.state()
    assert len(fragment_log(store, store.find_stream("cam")).fragments) == 3


# -- composition with a user's responses mock ---------------------------------------------------


def test_user_responses_mock_started_first(fake_adapter: FakeAdapter) -> None:
    with responses.RequestsMock() as user:
        user.add(responses.GET, "https://api.example.com/items", json={"items": [1, 2]})
        with mock_kinesisvideo():
            create_stream()
            url = endpoint()
            assert requests.get("https://api.example.com/items", timeout=5).json() == {
                "items": [1, 2]
            }
            assert events(acks_of(put(url, H264.data))) == TRIPLE * 3
            with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
                requests.get("https://unregistered.example.com/", timeout=5)
        # kvsmock stopped: the user's mock answers (and refuses) everything again.
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            put(url, H264.data)
        assert requests.get("https://api.example.com/items", timeout=5).status_code == 200
    assert fake_adapter.urls == []


def test_user_responses_mock_started_inside(fake_adapter: FakeAdapter) -> None:
    with mock_kinesisvideo():
        create_stream()
        url = endpoint()
        with responses.RequestsMock() as user:
            user.add(responses.GET, "https://api.example.com/items", body="mine")
            assert requests.get("https://api.example.com/items", timeout=5).text == "mine"
            # The innermost patch answers first; this one knows nothing of KVS.
            with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
                put(url, H264.data)
        assert events(acks_of(put(url, H264.data))) == TRIPLE * 3
    assert fake_adapter.urls == []


def test_user_mock_inside_can_chain_to_kvsmock(fake_adapter: FakeAdapter) -> None:
    with mock_kinesisvideo():
        create_stream()
        url = endpoint()
        with responses.RequestsMock(real_adapter_send=HTTPAdapter.send) as user:
            user.add_passthru(re.compile(r"https://s-[0-9a-f]{8}\.kinesisvideo\."))
            user.add(responses.GET, "https://api.example.com/items", body="mine")
            assert events(acks_of(put(url, H264.data))) == TRIPLE * 3
            assert requests.get("https://api.example.com/items", timeout=5).text == "mine"


@responses.activate
def test_responses_activate_decorator_outside() -> None:
    responses.add(responses.GET, "https://api.example.com/ok", body="decorated")
    with mock_kinesisvideo():
        create_stream()
        assert events(acks_of(put(endpoint(), H264.data))) == TRIPLE * 3
        assert requests.get("https://api.example.com/ok", timeout=5).text == "decorated"


# -- lifecycle -----------------------------------------------------------------------------

_LAZY = textwrap.dedent(
    """
    import sys
    import kvsmock
    from kvsmock import _http

    mock = kvsmock.mock_kinesisvideo()
    mock.start()
    assert "requests" not in sys.modules and "responses" not in sys.modules
    from requests.adapters import HTTPAdapter
    assert HTTPAdapter.send is _http._send
    assert not any(type(f).__name__ == "_AdaptersWatcher" for f in sys.meta_path)
    assert type(sys.modules["requests.adapters"].__loader__).__name__ == "SourceFileLoader"
    mock.stop()
    assert HTTPAdapter.send is not _http._send
    assert "responses" not in sys.modules
    mock.start()
    mock.stop()
    print("ok")
    """
)


def test_requests_imported_after_start_is_patched_then_restored() -> None:
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", _LAZY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert (proc.returncode, proc.stdout.strip()) == (0, "ok"), proc.stderr
