"""Nothing leaves for a KVS host, and only real loopback passes the guard (issue 17,
items 4 and 5)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.httpsession import URLLib3Session

from kvsmock import KinesisVideoMock, NetworkAccessBlocked

REGION = "us-east-1"
CONTROL = f"https://kinesisvideo.{REGION}.amazonaws.com"


def test_a_name_under_localhost_is_not_loopback(kvsmock: KinesisVideoMock) -> None:
    request = AWSRequest("GET", "http://evil.localhost:9/").prepare()
    with pytest.raises(NetworkAccessBlocked):
        URLLib3Session().send(request)


@pytest.mark.parametrize(
    "url",
    [
        f"{CONTROL}/GetHLSStreamingSessionURL",  # wrong case, as a hand-written producer sent it
        f"{CONTROL}/describestream",
        f"{CONTROL}/",
        "https://s-0123abcd.kinesisvideo.us-east-1.amazonaws.com/GetHLSStreamingSessionURL",
        "https://b-0123abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/getHLSMasterPlaylist.m3u8",
    ],
)
def test_unserved_paths_on_kvs_hosts_are_unknown_operations(
    kvsmock: KinesisVideoMock, url: str
) -> None:
    reply = requests.post(url, data=b"{}", timeout=5)
    assert reply.status_code == 404
    assert reply.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_an_operation_path_on_the_control_host_is_answered(kvsmock: KinesisVideoMock) -> None:
    boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="cam")
    reply = requests.post(
        f"{CONTROL}/describeStream",
        data=json.dumps({"StreamName": "cam"}),
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert reply.status_code == 200
    info: Any = reply.json()["StreamInfo"]
    assert info["StreamName"] == "cam"
    missing = requests.post(f"{CONTROL}/describeStream", data=b'{"StreamName":"x"}', timeout=5)
    assert missing.status_code == 404
    assert missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
