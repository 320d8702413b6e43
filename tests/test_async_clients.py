"""aiobotocore and aioboto3 clients answered in-process by the same mock (issue 13).

These tests run in their own environments (``make test-async``: ``.venv-async`` with the newest
aiobotocore, ``.venv-aioboto3`` with the newest aioboto3, each pinned by its constraints file),
with ``--noconftest``: this file needs only pytest, the async library and kvsmock. In the main
environment, which has neither library, they are skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from pathlib import Path
from typing import Any, Awaitable, Callable, List, Tuple

import pytest

from kvsmock import KinesisVideoMock, NetworkAccessBlocked, mock_kinesisvideo

aiobotocore_session = pytest.importorskip("aiobotocore.session")

REGION = "us-east-1"
H264 = Path(__file__).parent / "data" / "h264_320x240_10fps_6s_gop2s.mkv"
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def run(body: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(body())


def client(service: str, **kwargs: Any) -> Any:
    session = aiobotocore_session.get_session()
    return session.create_client(service, region_name=REGION, **kwargs)


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> List[Tuple[str, Any]]:
    """Every attempt to resolve a host or connect a socket, refused and recorded."""
    attempts: List[Tuple[str, Any]] = []

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(("connect", address))
        raise AssertionError(f"a socket connected to {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(("getaddrinfo", host))
        raise AssertionError(f"a host was resolved: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


# -- control plane ---------------------------------------------------------------------------


def test_create_describe_list_and_modeled_error(no_sockets: List[Tuple[str, Any]]) -> None:
    @mock_kinesisvideo
    async def body() -> None:
        async with client("kinesisvideo") as kvs:
            arn = (await kvs.create_stream(StreamName="cam", DataRetentionInHours=24))["StreamARN"]
            assert arn.startswith("arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/")
            info = (await kvs.describe_stream(StreamName="cam"))["StreamInfo"]
            assert (info["StreamARN"], info["Status"], info["DataRetentionInHours"]) == (
                arn,
                "ACTIVE",
                24,
            )
            names = [s["StreamName"] for s in (await kvs.list_streams())["StreamInfoList"]]
            assert names == ["cam"]
            with pytest.raises(kvs.exceptions.ResourceNotFoundException) as err:
                await kvs.describe_stream(StreamName="missing")
            reply = err.value.response
            assert reply["Error"]["Code"] == "ResourceNotFoundException"
            assert reply["Error"]["Message"] == "The requested stream is not found or not active."
            assert reply["ResponseMetadata"]["HTTPStatusCode"] == 404

    run(body)
    assert no_sockets == []


def test_paginator_walks_every_page(no_sockets: List[Tuple[str, Any]]) -> None:
    async def body() -> List[str]:
        async with client("kinesisvideo") as kvs:
            for i in range(5):
                await kvs.create_stream(StreamName=f"cam-{i}")
            paginator = kvs.get_paginator("list_streams")
            pages = paginator.paginate(PaginationConfig={"PageSize": 2})
            return [s["StreamName"] async for page in pages for s in page["StreamInfoList"]]

    with mock_kinesisvideo():
        names = run(body)
    assert names == [f"cam-{i}" for i in range(5)]
    assert no_sockets == []


def test_sync_and_async_clients_share_the_mock() -> None:
    boto3 = pytest.importorskip("boto3")

    async def body() -> str:
        async with client("kinesisvideo") as kvs:
            return str((await kvs.describe_stream(StreamName="cam"))["StreamInfo"]["StreamARN"])

    with mock_kinesisvideo():
        sync = boto3.client("kinesisvideo", region_name=REGION)
        arn = sync.create_stream(StreamName="cam")["StreamARN"]
        assert run(body) == arn
        assert sync.describe_stream(StreamName="cam")["StreamInfo"]["StreamARN"] == arn


# -- streaming bodies ------------------------------------------------------------------------


async def _data_endpoint(kvs: Any, api: str) -> str:
    reply = await kvs.get_data_endpoint(StreamName="cam", APIName=api)
    return str(reply["DataEndpoint"])


def _ingest(mock: KinesisVideoMock) -> List[str]:
    acks = mock.put_media(StreamName="cam", Payload=H264.read_bytes())
    return [a["FragmentNumber"] for a in acks if a["EventType"] == "RECEIVED"]


def test_get_media_body_is_read_with_await(no_sockets: List[Tuple[str, Any]]) -> None:
    async def body(mock: KinesisVideoMock) -> Tuple[bytes, bytes]:
        async with client("kinesisvideo") as kvs:
            await kvs.create_stream(StreamName="cam", DataRetentionInHours=24)
            _ingest(mock)
            url = await _data_endpoint(kvs, "GET_MEDIA")
        async with client("kinesis-video-media", endpoint_url=url) as media:
            selector = {"StartSelectorType": "EARLIEST"}
            reply = await media.get_media(StreamName="cam", StartSelector=selector)
            assert reply["ContentType"] == "video/webm"
            whole = await reply["Payload"].read()
            again = await media.get_media(StreamName="cam", StartSelector=selector)
            chunks = [chunk async for chunk in again["Payload"]]
        return whole, b"".join(chunks)

    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time(START), mock_kinesisvideo() as mock:
        whole, iterated = run(lambda: body(mock))
    assert whole == iterated  # the same time: the same MILLIS_BEHIND_NOW tags
    assert whole.startswith(b"\x1a\x45\xdf\xa3")  # an EBML header: a Matroska chunk
    assert whole.count(b"AWS_KINESISVIDEO_FRAGMENT_NUMBER") == 3
    assert no_sockets == []


def test_get_media_for_fragment_list_and_get_clip_bodies() -> None:
    pytest.importorskip("av")

    async def body(mock: KinesisVideoMock, clock: Any) -> Tuple[List[str], bytes, bytes]:
        async with client("kinesisvideo") as kvs:
            await kvs.create_stream(StreamName="cam", DataRetentionInHours=24)
            numbers = _ingest(mock)
            clock.tick(dt.timedelta(minutes=2))  # GetClip's range must end in the past
            url = await _data_endpoint(kvs, "GET_MEDIA_FOR_FRAGMENT_LIST")
        async with client("kinesis-video-archived-media", endpoint_url=url) as archive:
            fragments = await archive.get_media_for_fragment_list(
                StreamName="cam", Fragments=numbers[:2]
            )
            assert fragments["ContentType"] == "video/webm"
            payload = await fragments["Payload"].read()
            clip = await archive.get_clip(
                StreamName="cam",
                ClipFragmentSelector={
                    "FragmentSelectorType": "SERVER_TIMESTAMP",
                    "TimestampRange": {
                        "StartTimestamp": START - dt.timedelta(minutes=1),
                        "EndTimestamp": START + dt.timedelta(minutes=1),
                    },
                },
            )
            assert clip["ContentType"] == "video/mp4"
            video = b"".join([chunk async for chunk in clip["Payload"]])
        return numbers, payload, video

    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time(START) as clock, mock_kinesisvideo() as mock:
        numbers, payload, video = run(lambda: body(mock, clock))
    assert payload.count(b"AWS_KINESISVIDEO_FRAGMENT_NUMBER") == 2
    assert numbers[0].encode() in payload and numbers[2].encode() not in payload
    assert video[4:8] == b"ftyp"  # an MP4 file


# -- the network guard -----------------------------------------------------------------------


def test_a_request_no_mock_answers_is_blocked_before_any_socket(
    no_sockets: List[Tuple[str, Any]],
) -> None:
    async def body() -> None:
        async with client("s3") as s3:
            await s3.list_buckets()

    with mock_kinesisvideo(), pytest.raises(NetworkAccessBlocked) as err:
        run(body)
    assert err.value.url == "https://s3.amazonaws.com/"
    assert no_sockets == []


def test_guard_is_lifted_after_the_last_stop() -> None:
    from aiobotocore.httpsession import AIOHTTPSession

    original = AIOHTTPSession.__dict__["send"]
    with mock_kinesisvideo():
        assert AIOHTTPSession.__dict__["send"] is not original
    assert AIOHTTPSession.__dict__["send"] is original


# -- aioboto3 ---------------------------------------------------------------------------------


def test_aioboto3_session_client(no_sockets: List[Tuple[str, Any]]) -> None:
    aioboto3 = pytest.importorskip("aioboto3")

    @mock_kinesisvideo
    async def body() -> None:
        session = aioboto3.Session()
        async with session.client("kinesisvideo", region_name=REGION) as kvs:
            arn = (await kvs.create_stream(StreamName="cam"))["StreamARN"]
            info = (await kvs.describe_stream(StreamARN=arn))["StreamInfo"]
            assert info["StreamName"] == "cam"
            with pytest.raises(kvs.exceptions.ResourceNotFoundException):
                await kvs.delete_stream(StreamARN=arn.replace("/cam/", "/other/"))

    run(body)
    assert no_sockets == []
