"""CORS on every endpoint of ``kvsmock serve`` a browser page uses: preflights of the API
calls the AWS SDK for JavaScript v3 signs, and the headers of answers, playlists and
segments; PutMedia answers no preflight, as on AWS."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests
from server_support import PRODUCER_START, SAMPLE, client, data_endpoint, put_media

from kvsmock.server import ThreadedServer

ORIGIN = "http://127.0.0.1:9"
#: The headers the AWS SDK for JavaScript v3 sends on a signed JSON call.
SDK_HEADERS = (
    "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,"
    "x-amz-date,x-amz-user-agent"
)


@pytest.fixture(scope="module")
def served() -> Iterator[ThreadedServer]:
    with ThreadedServer() as server:
        kv = client("kinesisvideo", server.endpoint_url)
        kv.create_stream(StreamName="cam", DataRetentionInHours=24)
        put_media(server.endpoint_url, "cam", SAMPLE.read_bytes())
        yield server


def preflight(url: str, method: str = "POST") -> requests.Response:
    return requests.options(
        url,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": SDK_HEADERS,
        },
        timeout=10,
    )


def test_preflight_of_api_calls_on_control_and_data_endpoints(served: ThreadedServer) -> None:
    base = served.endpoint_url
    archived = data_endpoint(base, "cam", "GET_HLS_STREAMING_SESSION_URL")
    for url in (
        base + "/createStream",
        base + "/describeStream",
        archived + "/getHLSStreamingSessionURL",
        archived + "/listFragments",
        data_endpoint(base, "cam", "GET_MEDIA") + "/getMedia",
    ):
        reply = preflight(url)
        assert reply.status_code == 200, url
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        assert reply.headers["Access-Control-Allow-Headers"] == SDK_HEADERS
        assert "POST" in reply.headers["Access-Control-Allow-Methods"].split(", ")
        assert reply.headers["Access-Control-Max-Age"] == "172800"


def test_answers_expose_the_request_id_to_scripts(served: ThreadedServer) -> None:
    ok = requests.post(
        served.endpoint_url + "/listStreams", json={}, headers={"Origin": ORIGIN}, timeout=10
    )
    assert ok.status_code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-amzn-RequestId" in ok.headers["Access-Control-Expose-Headers"]
    error = requests.post(
        served.endpoint_url + "/describeStream",
        json={"StreamName": "missing"},
        headers={"Origin": ORIGIN},
        timeout=10,
    )
    assert error.status_code == 404
    assert error.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-amzn-ErrorType" in error.headers["Access-Control-Expose-Headers"]
    # Without an Origin (not a browser) nothing changes.
    plain = requests.post(served.endpoint_url + "/listStreams", json={}, timeout=10)
    assert "Access-Control-Allow-Origin" not in plain.headers


def test_playlists_and_segments_carry_cors_headers(served: ThreadedServer) -> None:
    endpoint = data_endpoint(served.endpoint_url, "cam", "GET_HLS_STREAMING_SESSION_URL")
    media = client("kinesis-video-archived-media", endpoint)
    url = media.get_hls_streaming_session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        HLSFragmentSelector={
            "FragmentSelectorType": "PRODUCER_TIMESTAMP",
            "TimestampRange": {
                "StartTimestamp": PRODUCER_START,
                "EndTimestamp": PRODUCER_START + 60,
            },
        },
    )["HLSStreamingSessionURL"]
    headers = {"Origin": ORIGIN}
    master = requests.get(url, headers=headers, timeout=10)
    assert master.status_code == 200
    assert master.headers["Access-Control-Allow-Origin"] == "*"
    media_playlist = (
        url.rsplit("/", 1)[0]
        + "/"
        + next(line for line in master.text.splitlines() if line and not line.startswith("#"))
    )
    playlist = requests.get(media_playlist, headers=headers, timeout=10)
    assert playlist.headers["Access-Control-Allow-Origin"] == "*"
    segment_path = next(
        line for line in playlist.text.splitlines() if line and not line.startswith("#")
    )
    segment = requests.get(
        media_playlist.rsplit("/", 1)[0] + "/" + segment_path, headers=headers, timeout=10
    )
    assert segment.status_code == 200
    assert segment.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight(media_playlist, "GET").status_code == 200


def test_put_media_answers_no_preflight_as_on_aws(served: ThreadedServer) -> None:
    endpoint = data_endpoint(served.endpoint_url, "cam", "PUT_MEDIA")
    reply = preflight(endpoint + "/putMedia")
    assert reply.status_code == 403
    assert "Access-Control-Allow-Origin" not in reply.headers
