"""The interception seam: in-process answers for KVS, and the network guard for the rest."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Tuple

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ClientError
from botocore.httpsession import URLLib3Session

import kvsmock
from kvsmock import _dispatch, _intercept, mock_kinesisvideo

REGION = "us-east-1"

_LIST_BUCKETS_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>owner-id</ID><DisplayName>local</DisplayName></Owner>"
    b"<Buckets><Bucket><Name>loopback-bucket</Name>"
    b"<CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets>"
    b"</ListAllMyBucketsResult>"
)


@pytest.fixture(autouse=True)
def _send_restored() -> Iterator[None]:
    send = URLLib3Session.__dict__["send"]
    yield
    assert URLLib3Session.__dict__["send"] is send
    assert _intercept.active_mock() is None
    assert _intercept._original_sends == {}


def _s3(**kwargs: Any) -> Any:
    return boto3.client("s3", region_name=REGION, **kwargs)


def _count_attempts(client: Any, event: str) -> List[str]:
    attempts: List[str] = []

    def record(request: Any, **_: Any) -> None:
        attempts.append(request.url)

    client.meta.events.register(event, record)
    return attempts


class _FakeRaw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _fake_send(log: List[str]) -> Callable[[Any, Any], AWSResponse]:
    def send(session: Any, request: Any) -> AWSResponse:
        log.append(request.url)
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/xml"
        return AWSResponse(request.url, 200, headers, _FakeRaw(_LIST_BUCKETS_XML))

    return send


# -- the guard -------------------------------------------------------------------------------


def test_other_service_is_blocked_immediately_not_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: List[str] = []
    with mock_kinesisvideo(), monkeypatch.context() as mp:
        # Should the guard fail, the request still would not leave the process.
        mp.setitem(_intercept._original_sends, URLLib3Session, _fake_send(sent))
        s3 = _s3()
        attempts = _count_attempts(s3, "before-send.s3")
        started = time.perf_counter()
        with pytest.raises(kvsmock.NetworkAccessBlocked) as err:
            s3.list_buckets()
        elapsed = time.perf_counter() - started
    assert attempts == ["https://s3.amazonaws.com/"]  # one attempt: botocore did not retry
    assert elapsed < 1.0
    assert sent == []
    assert err.value.url == "https://s3.amazonaws.com/"
    assert "https://s3.amazonaws.com/" in str(err.value)
    assert "allow_network" in str(err.value)
    assert isinstance(err.value, kvsmock.KvsmockError)
    assert isinstance(err.value, ConnectionRefusedError)


def test_guard_is_off_when_no_mock_is_active() -> None:
    with mock_kinesisvideo():
        pass
    assert URLLib3Session.send.__name__ == "send"
    # With no mock active, the guard function itself lets everything through.
    calls: List[str] = []
    guarded = _intercept._guard_sync(URLLib3Session)
    try:
        _intercept._original_sends[URLLib3Session] = _fake_send(calls)
        response = guarded(object(), _Request("https://s3.amazonaws.com/"))
    finally:
        _intercept._original_sends.clear()
    assert response.status_code == 200
    assert calls == ["https://s3.amazonaws.com/"]


class _Request:
    def __init__(self, url: str) -> None:
        self.url = url


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[List[Tuple[str, str, str]]] = []

    def do_GET(self) -> None:
        type(self).requests.append((self.command, self.path, self.headers.get("Host", "")))
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(_LIST_BUCKETS_XML)))
        self.end_headers()
        self.wfile.write(_LIST_BUCKETS_XML)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_server() -> Iterator[Tuple[int, List[Tuple[str, str, str]]]]:
    class Handler(_Handler):
        requests: ClassVar[List[Tuple[str, str, str]]] = []

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1], Handler.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_endpoint_passes_the_guard(
    loopback_server: Tuple[int, List[Tuple[str, str, str]]], host: str
) -> None:
    port, requests = loopback_server
    with mock_kinesisvideo():
        s3 = _s3(endpoint_url=f"http://{host}:{port}")
        try:
            buckets = s3.list_buckets()["Buckets"]
        finally:
            s3.close()
    assert [b["Name"] for b in buckets] == ["loopback-bucket"]
    assert requests == [("GET", "/", f"{host}:{port}")]


def test_allow_network_lets_a_listed_host_through(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: List[str] = []
    with mock_kinesisvideo(allow_network=["example.invalid"]), monkeypatch.context() as mp:
        mp.setitem(_intercept._original_sends, URLLib3Session, _fake_send(sent))
        allowed = _s3(endpoint_url="https://example.invalid")
        assert [b["Name"] for b in allowed.list_buckets()["Buckets"]] == ["loopback-bucket"]
        assert sent == ["https://example.invalid/"]
        # A host not on the list is still refused.
        with pytest.raises(kvsmock.NetworkAccessBlocked):
            _s3(endpoint_url="https://other.invalid").list_buckets()
        with pytest.raises(kvsmock.NetworkAccessBlocked):
            _s3().list_buckets()
    assert sent == ["https://example.invalid/"]


def test_allow_network_patterns_and_true(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: List[str] = []
    with mock_kinesisvideo(allow_network=["*.example.invalid"]), monkeypatch.context() as mp:
        mp.setitem(_intercept._original_sends, URLLib3Session, _fake_send(sent))
        _s3(endpoint_url="https://a.b.example.invalid").list_buckets()
        with pytest.raises(kvsmock.NetworkAccessBlocked):
            _s3(endpoint_url="https://example.invalid").list_buckets()
    with mock_kinesisvideo(allow_network=True), monkeypatch.context() as mp:
        mp.setitem(_intercept._original_sends, URLLib3Session, _fake_send(sent))
        _s3().list_buckets()
    assert sent == ["https://a.b.example.invalid/", "https://s3.amazonaws.com/"]


def test_innermost_mock_decides_allow_network(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: List[str] = []
    with mock_kinesisvideo(allow_network=True), mock_kinesisvideo(), monkeypatch.context() as mp:
        mp.setitem(_intercept._original_sends, URLLib3Session, _fake_send(sent))
        with pytest.raises(kvsmock.NetworkAccessBlocked):
            _s3().list_buckets()
    assert sent == []


# -- KVS is answered in-process whatever the endpoint ------------------------------------------


@pytest.mark.parametrize(
    "endpoint_url",
    [
        None,
        "https://s-12345678.kinesisvideo.us-east-1.amazonaws.com",
        "https://b-feb73142.kinesisvideo.us-east-1.amazonaws.com",
        "http://localhost:1",
        "http://127.0.0.1:9/some/prefix",
        "https://kvs.example.invalid",
    ],
)
def test_kvs_answered_in_process_for_any_endpoint(endpoint_url: Any) -> None:
    with mock_kinesisvideo() as mock:
        client = boto3.client("kinesisvideo", region_name=REGION, endpoint_url=endpoint_url)
        attempts = _count_attempts(client, "before-send.kinesis-video")
        started = time.perf_counter()
        arn = client.create_stream(StreamName="anywhere")["StreamARN"]
        info = client.describe_stream(StreamName="anywhere")["StreamInfo"]
        elapsed = time.perf_counter() - started
    assert arn.startswith("arn:aws:kinesisvideo:us-east-1:123456789012:stream/anywhere/")
    assert info["StreamARN"] == arn
    assert [s.name for s in mock.state().streams] == ["anywhere"]
    assert len(attempts) == 2
    assert elapsed < 1.0


def test_region_comes_from_the_sigv4_scope_not_the_endpoint() -> None:
    with mock_kinesisvideo() as mock:
        client = boto3.client(
            "kinesisvideo",
            region_name="eu-west-1",
            endpoint_url="https://kinesisvideo.us-east-1.amazonaws.com",
        )
        arn = client.create_stream(StreamName="scoped")["StreamARN"]
        endpoint = client.get_data_endpoint(StreamARN=arn, APIName="GET_MEDIA")["DataEndpoint"]
    assert arn.startswith("arn:aws:kinesisvideo:eu-west-1:123456789012:stream/scoped/")
    assert endpoint.endswith(".kinesisvideo.eu-west-1.amazonaws.com")
    assert [s.name for s in mock.state(region="eu-west-1").streams] == ["scoped"]
    assert mock.state(region="us-east-1").streams == []


def test_identity_parses_the_authorization_header() -> None:
    mock = mock_kinesisvideo(accounts={"AKIAOTHER": "999999999999"})
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIAOTHER/20240102/ap-south-1/kinesisvideo/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
    assert _dispatch.identity({"Authorization": auth}, mock) == ("999999999999", "ap-south-1")
    assert _dispatch.identity({"Authorization": auth.encode()}, mock) == (
        "999999999999",
        "ap-south-1",
    )
    assert _dispatch.identity({}, mock) == ("123456789012", "us-east-1")


def test_data_plane_services_are_routed_by_event_name() -> None:
    """Every KVS service id reaches kvsmock's dispatcher, whatever the host."""
    seen: List[Tuple[str, str]] = []
    real = _dispatch.dispatch

    def spy(mock: Any, service_id: str, operation: str, *args: Any) -> Any:
        seen.append((service_id, operation))
        return real(mock, service_id, operation, *args)

    calls: Dict[str, Callable[[Any], Any]] = {
        "kinesis-video-media": lambda c: c.get_media(
            StreamName="s", StartSelector={"StartSelectorType": "NOW"}
        ),
        "kinesis-video-archived-media": lambda c: c.list_fragments(StreamName="s"),
        "kinesis-video-signaling": lambda c: c.get_ice_server_config(
            ChannelARN="arn:aws:kinesisvideo:us-east-1:123456789012:channel/c/1"
        ),
        "kinesis-video-webrtc-storage": lambda c: c.join_storage_session(
            channelArn="arn:aws:kinesisvideo:us-east-1:123456789012:channel/c/1"
        ),
    }
    original = _dispatch.dispatch
    with mock_kinesisvideo():
        _dispatch.dispatch = spy  # type: ignore[assignment]
        try:
            for service, call in calls.items():
                client = boto3.client(
                    service,
                    region_name=REGION,
                    endpoint_url="https://x-0000abcd.kinesisvideo.us-east-1.amazonaws.com",
                )
                with contextlib.suppress(ClientError, kvsmock.NotYetImplementedError):
                    call(client)
        finally:
            _dispatch.dispatch = original  # type: ignore[assignment]
    assert seen == [
        ("kinesis-video-media", "GetMedia"),
        ("kinesis-video-archived-media", "ListFragments"),
        ("kinesis-video-signaling", "GetIceServerConfig"),
        ("kinesis-video-webrtc-storage", "JoinStorageSession"),
    ]


def test_inactive_handler_is_inert() -> None:
    assert _intercept.active_mock() is None
    assert _intercept._before_send(object(), "before-send.kinesis-video.ListStreams") is None


# -- operations without a handler --------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "call"),
    [
        (
            "kinesis-video-signaling",
            "SendAlexaOfferToMaster",
            lambda c: c.send_alexa_offer_to_master(
                ChannelARN="arn:aws:kinesisvideo:us-east-1:123456789012:channel/c/1",
                SenderClientId="alexa",
                MessagePayload="b2ZmZXI=",
            ),
        ),
        (
            "kinesis-video-webrtc-storage",
            "JoinStorageSessionAsViewer",
            lambda c: c.join_storage_session_as_viewer(
                channelArn="arn:aws:kinesisvideo:us-east-1:123456789012:channel/c/1",
                clientId="viewer",
            ),
        ),
    ],
    ids=["signaling", "webrtc-storage"],
)
def test_unimplemented_operation_raises_not_yet_implemented(
    monkeypatch: pytest.MonkeyPatch, service: str, operation: str, call: Callable[[Any], Any]
) -> None:
    """Forced (every modeled operation has a handler): a data-plane operation without one
    fails at once with a Python error, never a retried 5xx."""
    monkeypatch.setattr(_dispatch, "_operations", {})
    real = kvsmock.services.handler_for

    def without(service_name: str, name: str) -> Any:
        return None if (service_name, name) == (service, operation) else real(service_name, name)

    monkeypatch.setattr(_dispatch, "handler_for", without)
    monkeypatch.setattr(kvsmock.services, "handler_for", without)
    with mock_kinesisvideo():
        client = boto3.client(
            service,
            region_name=REGION,
            endpoint_url="https://b-12345678.kinesisvideo.us-east-1.amazonaws.com",
        )
        service_id = client.meta.service_model.service_id.hyphenize()
        # The operation-specific event runs before kvsmock's service-wide handler.
        attempts = _count_attempts(client, f"before-send.{service_id}.{operation}")
        started = time.perf_counter()
        with pytest.raises(kvsmock.NotYetImplementedError) as err:
            call(client)
        elapsed = time.perf_counter() - started
    assert isinstance(err.value, NotImplementedError)
    assert (err.value.service, err.value.operation) == (service, operation)
    assert f"{service}.{operation}" in str(err.value)
    assert operation not in str(err.value).split("Implemented for", 1)[1]
    assert len(attempts) == 1  # a Python error, not a retried 5xx
    assert elapsed < 1.0


def test_missing_handler_names_operation_and_lists_implemented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forced: whatever is implemented by now, a missing handler gives a clear error."""
    monkeypatch.setattr(_dispatch, "_operations", {})
    real = _dispatch.handler_for

    def without_list_streams(service_name: str, operation: str) -> Any:
        if operation == "ListStreams":
            return None
        return real(service_name, operation)

    monkeypatch.setattr(_dispatch, "handler_for", without_list_streams)
    monkeypatch.setattr(kvsmock.services, "handler_for", without_list_streams)
    with mock_kinesisvideo():
        client = boto3.client("kinesisvideo", region_name=REGION)
        with pytest.raises(kvsmock.NotYetImplementedError) as err:
            client.list_streams()
        # Other operations still work.
        client.create_stream(StreamName="fine")
    message = str(err.value)
    assert message.startswith("kvsmock does not implement kinesisvideo.ListStreams yet. ")
    assert "Implemented for kinesisvideo: " in message
    listed = message.split("Implemented for kinesisvideo: ", 1)[1].rstrip(".").split(", ")
    assert "CreateStream" in listed
    assert "DescribeStream" in listed
    assert "ListStreams" not in listed
    assert listed == sorted(listed)
