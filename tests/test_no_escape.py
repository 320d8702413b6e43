"""No escape: with every way out of the process blocked, a whole suite of operations runs.

``socket.socket.connect`` / ``connect_ex``, ``socket.create_connection`` and
``socket.getaddrinfo`` are patched to record and refuse anything that is not loopback. Every
implemented operation of the five models is then called through real boto3 clients (with
generated valid input, see tests/fuzz), plus a scripted media round trip. Any attempt to
leave the machine fails the test, even if the code under test swallowed the error.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from typing import Any, Iterator, List

import boto3
import pytest
from fuzz.harness import IDENTITIES, MEDIA, Harness, World, implemented_operations, resolve
from fuzz.shapes import valid_input
from hypothesis import given, settings
from hypothesis import strategies as st

from kvsmock import KinesisVideoMock


class Escape(ConnectionRefusedError):
    """A test tried to open a non-loopback connection."""


def _loopback(host: Any) -> bool:
    if host in ("localhost", "", None) or str(host).endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[str]]:
    """Block and record every non-loopback connection or name lookup."""
    attempts: List[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection

    def check(what: str, host: Any) -> None:
        if not _loopback(host):
            attempts.append(f"{what}({host!r})")
            raise Escape(f"blocked {what} to {host!r}")

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("connect", address[0])
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("connect_ex", address[0])
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        check("getaddrinfo", host)
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        check("create_connection", address[0])
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield attempts
    assert attempts == [], f"tried to leave the process: {attempts}"


def test_the_seal_holds(sealed: List[str]) -> None:
    """The patches catch a direct attempt (then the record is cleared for the teardown)."""
    with pytest.raises(Escape):
        socket.create_connection(("192.0.2.1", 443), timeout=0.01)
    with pytest.raises(Escape):
        socket.getaddrinfo("kinesisvideo.us-east-1.amazonaws.com", 443)
    assert len(sealed) == 2
    sealed.clear()


def test_scripted_suite_stays_inside(sealed: List[str]) -> None:
    with KinesisVideoMock():
        control = boto3.client("kinesisvideo", region_name="us-east-1")
        arn = control.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
        control.tag_stream(StreamARN=arn, Tags={"k": "v"})
        version = control.describe_stream(StreamARN=arn)["StreamInfo"]["Version"]
        control.update_stream(StreamARN=arn, CurrentVersion=version, MediaType="video/h264")
        assert [s["StreamName"] for s in control.list_streams()["StreamInfoList"]] == ["cam"]
        channel = control.create_signaling_channel(ChannelName="chan")["ChannelARN"]
        control.get_signaling_channel_endpoint(ChannelARN=channel)
        endpoint = control.get_data_endpoint(StreamARN=arn, APIName="GET_MEDIA")["DataEndpoint"]
        from kvsmock import _intercept

        mock = _intercept.active_mock()
        assert mock is not None
        mock.put_media(StreamName="cam", Payload=MEDIA)
        media = boto3.client("kinesis-video-media", region_name="us-east-1", endpoint_url=endpoint)
        body = media.get_media(StreamARN=arn, StartSelector={"StartSelectorType": "EARLIEST"})
        assert body["Payload"].read()
        archived = boto3.client(
            "kinesis-video-archived-media", region_name="us-east-1", endpoint_url=endpoint
        )
        selector = {
            "FragmentSelectorType": "SERVER_TIMESTAMP",
            "TimestampRange": {
                "StartTimestamp": dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc),
                "EndTimestamp": dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc),
            },
        }
        assert archived.list_fragments(StreamARN=arn, FragmentSelector=selector)["Fragments"]
        control.delete_signaling_channel(ChannelARN=channel)
        control.delete_stream(StreamARN=arn)


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with Harness() as h:
        yield h


OPERATIONS = implemented_operations()


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=[o for _, o in OPERATIONS])
@settings(max_examples=2, derandomize=True, database=None, deadline=None)
@given(data=st.data())
def test_every_operation_stays_inside(
    harness: Harness, service: str, operation: str, data: Any
) -> None:
    params = data.draw(valid_input(service, operation))
    access_key, region = data.draw(st.sampled_from(IDENTITIES))
    pool = harness.prepare(World(slow=False, media=service != "kinesisvideo"))
    with pytest.MonkeyPatch.context() as patch:
        attempts: List[str] = []

        def refuse(*args: Any, **kwargs: Any) -> Any:
            attempts.append(repr(args[:2]))
            raise Escape("blocked")

        real_connect = socket.socket.connect

        def connect(self: socket.socket, address: Any) -> Any:
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
                return refuse(address)
            return real_connect(self, address)

        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(socket, "create_connection", refuse)
        harness.call(service, operation, resolve(params, pool), access_key, region)
        assert attempts == []
