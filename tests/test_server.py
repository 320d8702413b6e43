"""``kvsmock serve`` over real HTTP: the command, the control plane through the one pipeline,
endpoints that lead back to the server, control paths, bad input, TLS, ThreadedServer."""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import subprocess
import sys
from typing import Any, Dict, Iterator

import pytest
import requests
from botocore.exceptions import ClientError
from server_support import (
    ACCOUNT,
    OTHER_ACCOUNT,
    OTHER_KEY,
    PRODUCER_START,
    REGION,
    SAMPLE,
    Served,
    client,
    data_endpoint,
    put_media,
    serve,
)

from kvsmock import mock_kinesisvideo
from kvsmock.server import MAX_BODY_BYTES, CameraOptions, ThreadedServer


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve("--account", f"{OTHER_KEY}={OTHER_ACCOUNT}", "--get-media-idle-seconds", "0.3") as s:
        yield s


@pytest.fixture
def url(server: Served) -> str:
    requests.post(server.url + "/_kvsmock/reset", timeout=10).raise_for_status()
    return server.url


PRODUCER_RANGE = {
    "FragmentSelectorType": "PRODUCER_TIMESTAMP",
    "TimestampRange": {"StartTimestamp": PRODUCER_START, "EndTimestamp": PRODUCER_START + 60},
}


def _ms(value: Any) -> int:
    return int(value.timestamp() * 1000)


# -- the command -------------------------------------------------------------------------------


def test_serve_prints_its_url_answers_health_and_stops_on_sigterm() -> None:
    with serve(command=[sys.executable, "-m", "kvsmock"]) as s:
        assert s.url.startswith("http://127.0.0.1:")
        health = requests.get(s.url + "/_kvsmock/health", timeout=10)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        s.process.send_signal(signal.SIGTERM)
        out, err = s.process.communicate(timeout=15)
    assert s.process.returncode == 0, err
    assert out == "kvsmock stopped\n"
    assert "Traceback" not in err


def test_serve_stops_on_sigint() -> None:
    with serve() as s:
        s.process.send_signal(signal.SIGINT)
        s.process.wait(timeout=15)
    assert s.process.returncode == 0


def test_serve_rejects_bad_options_and_a_taken_port() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "kvsmock", "serve", "--account", "AKIA=123"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert (
        "expected ACCESS_KEY_ID=ACCOUNT_ID with a 12-digit account id, not 'AKIA=123'" in bad.stderr
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = subprocess.run(
            [sys.executable, "-m", "kvsmock", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert busy.returncode == 1
    assert busy.stderr.startswith(f"kvsmock: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in busy.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--camera", "bad name"], "expected a stream name of 1-256 letters"),
        (["--camera", "cam", "--camera-size", "320"], "expected WIDTHxHEIGHT"),
        (["--camera", "cam", "--camera-fps", "0"], "expected a whole number > 0"),
        (
            ["--camera", "cam", "--camera-fragment-seconds", "11"],
            "kvsmock: bad camera option: fragment_seconds must be a number of seconds more than 0 "
            "and at most 10, not 11.0",
        ),
        (
            ["--camera", "cam", "--camera-size", "321x240"],
            "kvsmock: bad camera option: width must be an even int from 16 to 4096, not 321",
        ),
        (  # was served: the stream made in a store of a region no client can name
            ["--camera", "cam", "--camera-region", "nowhere-1"],
            "kvsmock: bad camera option: unknown AWS region 'nowhere-1'",
        ),
    ],
)
def test_serve_rejects_bad_camera_options(args: list[str], message: str) -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "kvsmock", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert message in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [  # found by a new user's trial: accepted (idle nan/-1), or a raw OverflowError (port)
        ({"port": -1}, ValueError, "port must be an int from 0 to 65535, not -1"),
        ({"port": "80"}, TypeError, "port must be an int from 0 to 65535, not '80'"),
        ({"workers": 0}, ValueError, "workers must be an int from 1 to 1024, not 0"),
        (
            {"get_media_idle_seconds": float("nan")},
            ValueError,
            "get_media_idle_seconds must be a finite number of seconds >= 0, not nan",
        ),
        (
            {"get_media_idle_seconds": -1},
            ValueError,
            "get_media_idle_seconds must be a finite number of seconds >= 0, not -1",
        ),
        ({"transition_seconds": "1"}, TypeError, "transition_seconds must be a number"),
    ],
)
def test_threaded_server_rejects_bad_numbers(
    options: Dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        ThreadedServer(**options)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        # each was served: streams 'c', 'a', 'm'; a stream named 'bad name!' or 5 that made
        # every ListStreams a 500 InternalFailure; an AttributeError; an unknown region
        ({"cameras": "cam"}, TypeError, "cameras must be a tuple of stream names"),
        ({"cameras": ("bad name!",)}, ValueError, "a camera's stream name must be 1-256"),
        ({"cameras": (5,)}, ValueError, "a camera's stream name must be 1-256"),
        ({"cameras": ("cam",), "camera": {"fps": 5}}, TypeError, "camera must be a kvsmock"),
        (
            {"cameras": ("cam",), "camera": CameraOptions(region="nowhere-1")},
            ValueError,
            "unknown AWS region 'nowhere-1'",
        ),
    ],
)
def test_threaded_server_rejects_bad_camera_options(
    options: Dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message), ThreadedServer(**options):
        pass


# -- the control plane through the pipeline ----------------------------------------------------


def test_stream_lifecycle_account_from_the_access_key_region_from_the_scope(url: str) -> None:
    kv = client("kinesisvideo", url, region_name="eu-west-1")
    arn = kv.create_stream(StreamName="cam", DataRetentionInHours=2)["StreamARN"]
    info = kv.describe_stream(StreamName="cam")["StreamInfo"]
    assert arn == f"arn:aws:kinesisvideo:eu-west-1:{ACCOUNT}:stream/cam/{_ms(info['CreationTime'])}"
    assert (info["Status"], info["DataRetentionInHours"]) == ("ACTIVE", 2)
    kv.update_stream(StreamName="cam", CurrentVersion=info["Version"], MediaType="video/h264")
    assert kv.describe_stream(StreamARN=arn)["StreamInfo"]["MediaType"] == "video/h264"
    other = client("kinesisvideo", url, key=OTHER_KEY, region_name="eu-west-1")
    other_arn = other.create_stream(StreamName="cam")["StreamARN"]
    assert other_arn.startswith(f"arn:aws:kinesisvideo:eu-west-1:{OTHER_ACCOUNT}:stream/cam/")
    assert [s["StreamARN"] for s in kv.list_streams()["StreamInfoList"]] == [arn]
    assert client("kinesisvideo", url).list_streams()["StreamInfoList"] == []  # us-east-1
    kv.delete_stream(StreamARN=arn)
    assert kv.list_streams()["StreamInfoList"] == []


def test_errors_are_the_pipelines_own(url: str) -> None:
    with pytest.raises(ClientError) as over_http:
        client("kinesisvideo", url).describe_stream(StreamName="nope")
    with mock_kinesisvideo(), pytest.raises(ClientError) as in_process:
        import boto3

        boto3.client("kinesisvideo", region_name=REGION).describe_stream(StreamName="nope")
    assert over_http.value.response["Error"] == in_process.value.response["Error"]
    assert over_http.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert over_http.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_data_endpoints_lead_back_to_the_server(url: str) -> None:
    kv = client("kinesisvideo", url)
    kv.create_stream(StreamName="cam", DataRetentionInHours=24)
    endpoint = data_endpoint(url, "cam", "GET_MEDIA")
    assert endpoint.startswith(url + "/s-")
    assert endpoint.endswith(".kinesisvideo.us-east-1.amazonaws.com")
    assert data_endpoint(url, "cam", "PUT_MEDIA") == endpoint
    archive_endpoint = data_endpoint(url, "cam", "LIST_FRAGMENTS")
    assert archive_endpoint.startswith(url + "/b-")
    acks = put_media(url, "cam", SAMPLE.read_bytes())
    assert [json.loads(a)["EventType"] for a in acks] == ["BUFFERING", "RECEIVED", "PERSISTED"] * 3
    fragments = client("kinesis-video-archived-media", archive_endpoint).list_fragments(
        StreamName="cam", FragmentSelector=PRODUCER_RANGE
    )["Fragments"]
    assert sorted(f["FragmentNumber"] for f in fragments) == sorted(
        json.loads(a)["FragmentNumber"] for a in acks[::3]
    )


def test_data_plane_calls_at_the_root_fail_as_on_aws(url: str) -> None:
    client("kinesisvideo", url).create_stream(StreamName="cam", DataRetentionInHours=24)
    with pytest.raises(ClientError) as media:
        client("kinesis-video-media", url).get_media(
            StreamName="cam", StartSelector={"StartSelectorType": "NOW"}
        )
    assert media.value.response["Error"] == {
        "Code": "AccessDeniedException",
        "Message": "Unable to determine service/operation name to be authorized",
    }
    with pytest.raises(ClientError) as archived:
        client("kinesis-video-archived-media", url).list_fragments(StreamName="cam")
    assert archived.value.response["Error"]["Code"] == "UnknownOperationException"


def test_signaling_endpoints_lead_back_to_the_server(url: str) -> None:
    kv = client("kinesisvideo", url)
    arn = kv.create_signaling_channel(ChannelName="door")["ChannelARN"]
    endpoints = kv.get_signaling_channel_endpoint(
        ChannelARN=arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS", "HTTPS"], "Role": "MASTER"},
    )["ResourceEndpointList"]
    by_protocol = {e["Protocol"]: e["ResourceEndpoint"] for e in endpoints}
    ws_base = "ws" + url[len("http") :]
    assert by_protocol["WSS"].startswith(ws_base + "/m-")
    assert by_protocol["HTTPS"].startswith(url + "/r-")
    ice = client("kinesis-video-signaling", by_protocol["HTTPS"]).get_ice_server_config(
        ChannelARN=arn
    )
    assert ice["IceServerList"][0]["Uris"][0].startswith("turn:")


# -- control paths -----------------------------------------------------------------------------


def test_state_view_and_reset(url: str) -> None:
    kv = client("kinesisvideo", url)
    arn = kv.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
    channel = kv.create_signaling_channel(ChannelName="door")["ChannelARN"]
    put_media(url, "cam", SAMPLE.read_bytes())
    state = requests.get(url + "/_kvsmock/state", timeout=10).json()
    assert state == {
        "Accounts": {
            ACCOUNT: {
                REGION: {
                    "Streams": [
                        {
                            "StreamName": "cam",
                            "StreamARN": arn,
                            "Status": "ACTIVE",
                            "DataRetentionInHours": 24,
                            "Fragments": 3,
                        }
                    ],
                    "SignalingChannels": [
                        {"ChannelName": "door", "ChannelARN": channel, "ChannelStatus": "ACTIVE"}
                    ],
                }
            }
        }
    }
    reset = requests.post(url + "/_kvsmock/reset", timeout=10)
    assert (reset.status_code, reset.json()) == (200, {"reset": True})
    assert requests.get(url + "/_kvsmock/state", timeout=10).json() == {"Accounts": {}}
    assert kv.list_streams()["StreamInfoList"] == []


# -- bad input ---------------------------------------------------------------------------------


def _signed(region: str = REGION) -> dict[str, str]:
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIAX/20260101/{region}/kinesisvideo/"
        "aws4_request, SignedHeaders=host, Signature=00",
        "Content-Type": "application/json",
    }


def test_malformed_json_is_invalid_argument(url: str) -> None:
    reply = requests.post(url + "/createStream", data=b"{not json", headers=_signed(), timeout=10)
    assert reply.status_code == 400
    assert reply.headers["x-amzn-ErrorType"].startswith("InvalidArgumentException")
    assert requests.get(url + "/_kvsmock/health", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/createstream"), ("POST", "/CreateStream"), ("GET", "/createStream"), ("POST", "/")],
)
def test_unknown_paths_are_unknown_operations(url: str, method: str, path: str) -> None:
    reply = requests.request(method, url + path, data=b"{}", headers=_signed(), timeout=10)
    assert reply.status_code == 404
    assert reply.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert reply.json() == {
        "Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
        "Version": "1.0",
    }


def test_oversized_body_is_413_and_the_server_keeps_serving(url: str) -> None:
    body = b"{" + b" " * MAX_BODY_BYTES + b"}"
    reply = requests.post(url + "/createStream", data=body, headers=_signed(), timeout=30)
    assert reply.status_code == 413
    # In the JSON shape of the services' errors, which botocore reads as a ClientError.
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["x-amzn-ErrorType"] == "RequestEntityTooLargeException"
    assert reply.headers["x-amzn-RequestId"]
    assert reply.json() == {
        "__type": "RequestEntityTooLargeException",
        "Message": f"Maximum request body size {MAX_BODY_BYTES} exceeded.",
    }
    with pytest.raises(ClientError) as caught:
        client("kinesisvideo", url).create_stream(StreamName="x" * 2 * MAX_BODY_BYTES)
    assert caught.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert client("kinesisvideo", url).list_streams()["StreamInfoList"] == []


def test_a_malformed_request_is_one_log_line_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with ThreadedServer() as server, caplog.at_level(logging.INFO):
        host, port = server.endpoint_url.rsplit("/", 1)[1].split(":")
        with socket.create_connection((host, int(port))) as raw:
            raw.sendall(b"GET /_kvsmock/health HTTP/1.1\r\nBad Header\r\n\r\n")
            assert raw.recv(100).split(b" ")[1] == b"400"
        assert requests.get(server.endpoint_url + "/_kvsmock/health", timeout=10).ok
    records = [r for r in caplog.records if r.name == "kvsmock.server.http"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None
    message = records[0].getMessage()
    assert "\n" not in message
    assert "HTTP 400" in message and "Bad Header" in message
    assert "Traceback" not in caplog.text


def test_an_aborted_request_leaves_the_server_serving(url: str) -> None:
    host, port = url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(b"POST /createStream HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        assert raw.recv(100).split(b" ")[1] == b"400"
    assert client("kinesisvideo", url).list_streams()["StreamInfoList"] == []


# -- TLS, ThreadedServer, the fixture -----------------------------------------------------------


def test_tls_with_the_printed_ca_file() -> None:
    with serve("--tls") as s:
        assert s.url.startswith("https://127.0.0.1:")
        assert s.ca_file is not None
        kv = client("kinesisvideo", s.url, verify=s.ca_file)
        kv.create_stream(StreamName="cam")
        endpoint = kv.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")["DataEndpoint"]
        assert endpoint.startswith(s.url + "/s-")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(s.url + "/_kvsmock/health", timeout=10)
        assert requests.get(s.url + "/_kvsmock/health", verify=s.ca_file, timeout=10).ok


def test_threaded_server_seeds_and_inspects_in_process() -> None:
    with ThreadedServer(seed=7) as server:
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        arn = client("kinesisvideo", server.endpoint_url).create_stream(StreamName="cam")[
            "StreamARN"
        ]
        assert [s.arn for s in server.mock.state().streams] == [arn]
        server.mock.state().create_stream("seeded")
        names = client("kinesisvideo", server.endpoint_url).list_streams()["StreamInfoList"]
        assert [s["StreamName"] for s in names] == ["cam", "seeded"]
    with pytest.raises(RuntimeError, match="not running"):
        server.endpoint_url  # noqa: B018


def test_the_kvsmock_server_fixture(kvsmock_server: ThreadedServer) -> None:
    kv = client("kinesisvideo", kvsmock_server.endpoint_url)
    kv.create_stream(StreamName="cam")
    assert [s.name for s in kvsmock_server.mock.state().streams] == ["cam"]


def test_public_url_is_the_base_of_every_endpoint() -> None:
    with ThreadedServer(public_url="http://kvsmock.internal:4567/") as server:
        kv = client("kinesisvideo", server.endpoint_url)
        kv.create_stream(StreamName="cam")
        endpoint = kv.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"]
        assert endpoint == (
            "http://kvsmock.internal:4567/s-"
            f"{server.mock.state().streams[0].endpoint_ids['s']}"
            ".kinesisvideo.us-east-1.amazonaws.com"
        )
