"""Injected faults over ``kvsmock serve``'s control API: the fields of ``mock.faults.add``
as JSON (issue 17), answered by the same pipeline as in-process."""

from __future__ import annotations

import json
from typing import Iterator

import pytest
import requests
from botocore.exceptions import ClientError
from media_support import H264
from server_support import client, data_endpoint, put_media, put_media_headers

from kvsmock.server import ThreadedServer


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(seed=0) as served:
        yield served


def test_a_fault_added_over_http_throttles_get_data_endpoint_twice(server: ThreadedServer) -> None:
    kv = client("kinesisvideo", server.endpoint_url)
    arn = kv.create_stream(StreamName="cam")["StreamARN"]
    added = requests.post(
        f"{server.endpoint_url}/_kvsmock/faults",
        json={
            "operation": "GetDataEndpoint",
            "error": "ClientLimitExceededException",
            "times": 2,
        },
        timeout=10,
    )
    assert added.status_code == 201
    assert added.json()["Fault"]["id"] == 1
    assert added.json()["Fault"]["times"] == 2
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            kv.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")
        error = caught.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error["Error"]["Code"] == "ClientLimitExceededException"
        assert error["Error"]["Message"] == (
            "Limit exceeded on number of requests for GetDataEndpoint API for resource 'cam'"
        )
    assert kv.get_data_endpoint(StreamARN=arn, APIName="GET_MEDIA")["DataEndpoint"]
    listed = requests.get(f"{server.endpoint_url}/_kvsmock/faults", timeout=10).json()
    assert listed["Faults"] == []  # exhausted after its two calls
    assert [c["operation"] for c in listed["Calls"]] == ["GetDataEndpoint", "GetDataEndpoint"]


def test_faults_are_removed_one_or_all(server: ThreadedServer) -> None:
    url = f"{server.endpoint_url}/_kvsmock/faults"
    for _ in range(2):
        requests.post(
            url,
            json={"operation": "ListStreams", "error": "ClientLimitExceededException"},
            timeout=10,
        ).raise_for_status()
    assert requests.delete(f"{url}/1", timeout=10).json()["Removed"]["id"] == 1
    assert [f["id"] for f in requests.get(url, timeout=10).json()["Faults"]] == [2]
    assert requests.delete(f"{url}/1", timeout=10).status_code == 404
    assert requests.delete(url, timeout=10).json() == {"Faults": []}
    kv = client("kinesisvideo", server.endpoint_url)
    assert kv.list_streams()["StreamInfoList"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"operation": "GetDataEndpoint", "error": "NoSuchThing"},
            "GetDataEndpoint does not model 'NoSuchThing'",
        ),
        ({"operation": "NoSuchOperation", "error": "x"}, "unknown operation 'NoSuchOperation'"),
        ({"operation": "ListStreams", "colour": "red"}, "unexpected keyword argument 'colour'"),
        ([1, 2], "the body must be a JSON object"),
        ("{not json", "Expecting property name"),
        ("[" * 100_000, "not valid JSON"),  # was a RecursionError: 500 and a traceback
        (  # was accepted, then every matching call failed with AttributeError (500)
            {"operation": "GetDataEndpoint", "error": "ClientLimitExceededException", "stream": 5},
            "stream must be a str or None, not 5",
        ),
        (
            {"operation": "GetDataEndpoint", "error": "x", "channel": ["cam"]},
            "channel must be a str or None",
        ),
        (
            {"operation": "GetDataEndpoint", "error": "ClientLimitExceededException", "message": 5},
            "message must be a str or None, not 5",
        ),
        ({"operation": "GetDataEndpoint", "error": ["x"]}, "error must be a str or None"),
        ({"operation": "PutMedia", "ack_error": 4000.0}, "ack_error must be an int error id"),
    ],
)
def test_bad_fault_fields_get_400_and_the_server_keeps_serving(
    server: ThreadedServer, body: object, message: str
) -> None:
    url = f"{server.endpoint_url}/_kvsmock/faults"
    if isinstance(body, str):
        answer = requests.post(url, data=body, timeout=10)
    else:
        answer = requests.post(url, json=body, timeout=10)
    assert answer.status_code == 400
    assert message in answer.json()["message"]
    assert requests.get(url, timeout=10).json()["Faults"] == []
    assert client("kinesisvideo", server.endpoint_url).list_streams()["StreamInfoList"] == []


def test_put_media_faults_over_http(server: ThreadedServer) -> None:
    kv = client("kinesisvideo", server.endpoint_url)
    kv.create_stream(StreamName="cam", DataRetentionInHours=1)
    url = f"{server.endpoint_url}/_kvsmock/faults"
    fields = {"operation": "PutMedia", "error": "ClientLimitExceededException", "times": 1}
    assert requests.post(url, json=fields, timeout=10).status_code == 201
    endpoint = data_endpoint(server.endpoint_url, "cam", "PUT_MEDIA")
    refused = requests.post(
        endpoint + "/putMedia", data=H264.data, headers=put_media_headers("cam"), timeout=60
    )
    assert refused.status_code == 400
    assert refused.json()["__type"] == "ClientLimitExceededException"
    assert refused.json()["Message"] == (
        "Limit exceeded on number of requests for PutMedia API for resource 'cam'"
    )
    fields = {"operation": "PutMedia", "ack_error": 4000, "times": 1}
    assert requests.post(url, json=fields, timeout=10).status_code == 201
    lines = put_media(server.endpoint_url, "cam", H264.data)
    last = json.loads(lines[-1])
    assert (last["EventType"], last["ErrorId"]) == ("ERROR", 4000)
    calls = requests.get(url, timeout=10).json()["Calls"]
    assert [(c["error"], c["ack_error"]) for c in calls] == [
        ("ClientLimitExceededException", None),
        (None, 4000),
    ]
    assert (
        sum('"PERSISTED"' in line for line in put_media(server.endpoint_url, "cam", H264.data)) == 3
    )


def test_a_get_media_body_nested_too_deep_is_a_400(server: ThreadedServer) -> None:
    """Was a RecursionError in the live-GetMedia path: 500 InternalFailure and a traceback."""
    kv = client("kinesisvideo", server.endpoint_url)
    kv.create_stream(StreamName="cam")
    url = data_endpoint(server.endpoint_url, "cam", "GET_MEDIA")
    for body in (b"[" * 100_000, b'{"StreamName": "cam", "StartSelector": ' + b"[" * 100_000):
        answer = requests.post(f"{url}/getMedia", data=body, timeout=10)
        assert answer.status_code == 400
        assert answer.headers["x-amzn-ErrorType"].startswith("InvalidArgumentException")
    assert kv.list_streams()["StreamInfoList"][0]["StreamName"] == "cam"
