"""The media plane over real connections: PutMedia acks streamed while the upload goes on,
GetMedia that stays open for new fragments, cut-off uploads, many connections at once."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import urlsplit

import aiohttp
import pytest
import requests
from media_support import chunk_tags, split_chunks
from server_support import (
    SAMPLE,
    SAMPLE_TIMECODES,
    Served,
    client,
    data_endpoint,
    put_media,
    put_media_headers,
    serve,
    wait_for,
)

CLUSTER_ID = b"\x1f\x43\xb6\x75"
IDLE_SECONDS = 1.0


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve("--get-media-idle-seconds", str(IDLE_SECONDS)) as s:
        yield s


@pytest.fixture
def url(server: Served) -> str:
    requests.post(server.url + "/_kvsmock/reset", timeout=10).raise_for_status()
    client("kinesisvideo", server.url).create_stream(StreamName="cam", DataRetentionInHours=24)
    return server.url


def sample_parts() -> Tuple[bytes, List[bytes]]:
    """The sample file as its header and its three clusters (cut at the Cluster IDs)."""
    data = SAMPLE.read_bytes()
    starts = []
    at = data.find(CLUSTER_ID)
    while at >= 0:
        starts.append(at)
        at = data.find(CLUSTER_ID, at + 1)
    assert len(starts) == 3
    ends = [*starts[1:], len(data)]
    return data[: starts[0]], [data[a:b] for a, b in zip(starts, ends)]


def _events(lines: List[Dict[str, Any]]) -> List[Tuple[str, int]]:
    return [(a["EventType"], a["FragmentTimecode"]) for a in lines]


def test_a_producer_sees_each_fragments_acks_before_it_sends_the_next(url: str) -> None:
    header, clusters = sample_parts()
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    acks: List[Dict[str, Any]] = []
    sent: List[int] = []

    async def produce() -> None:
        received = asyncio.Event()

        async def body() -> Any:
            for i, cluster in enumerate(clusters):
                received.clear()
                yield (header if i == 0 else b"") + cluster
                sent.append(i)
                if i < len(clusters) - 1:
                    # a producer that waits: the fragment's acks come before the next is sent
                    await asyncio.wait_for(received.wait(), 10)

        async with (
            aiohttp.ClientSession() as session,
            session.post(endpoint, data=body(), headers=put_media_headers("cam")) as response,
        ):
            assert response.status == 200
            async for line in response.content:
                ack = json.loads(line)
                ack["sent_before"] = len(sent)
                acks.append(ack)
                if ack["EventType"] == "PERSISTED":
                    received.set()

    asyncio.run(produce())
    assert _events(acks) == [
        (event, timecode)
        for timecode in SAMPLE_TIMECODES
        for event in ("BUFFERING", "RECEIVED", "PERSISTED")
    ]
    # The first two fragments were acknowledged while the upload was still going on.
    assert [a["sent_before"] for a in acks if a["EventType"] == "PERSISTED"][:2] == [1, 2]


def test_an_upload_cut_off_mid_cluster_keeps_the_acknowledged_fragments(url: str) -> None:
    """A producer whose connection drops mid-cluster (a raw socket, closed without the
    chunked body's end)."""
    header, clusters = sample_parts()
    endpoint = urlsplit(data_endpoint(url, "cam", "PUT_MEDIA"))
    head = "".join(f"{k}: {v}\r\n" for k, v in put_media_headers("cam").items())
    first = header + clusters[0] + clusters[1][: len(clusters[1]) // 2]
    with socket.create_connection((endpoint.hostname, endpoint.port)) as raw:
        raw.sendall(
            f"POST {endpoint.path}/putMedia HTTP/1.1\r\nHost: x\r\n{head}"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
            + f"{len(first):x}\r\n".encode()
            + first
            + b"\r\n"
        )
        received = b""
        while received.count(b"BUFFERING") < 2:  # the second cluster has started arriving
            data = raw.recv(65536)
            assert data, received
            received += data
    lines = received.replace(b"\r\n", b"\n").split(b"\n")
    acks = [json.loads(line) for line in lines if line.startswith(b"{")]
    assert _events(acks) == [
        ("BUFFERING", 0),
        ("RECEIVED", 0),
        ("PERSISTED", 0),
        ("BUFFERING", 2000),
    ]
    wait_for(lambda: _fragment_count(url) == 1)
    assert requests.get(url + "/_kvsmock/health", timeout=10).ok
    time.sleep(0.2)
    assert _fragment_count(url) == 1


def _fragment_count(url: str) -> int:
    state = requests.get(url + "/_kvsmock/state", timeout=10).json()
    count: int = state["Accounts"]["123456789012"]["us-east-1"]["Streams"][0]["Fragments"]
    return count


def test_an_upload_that_ends_mid_cluster_gets_an_error_ack(url: str) -> None:
    header, clusters = sample_parts()
    data = header + clusters[0] + clusters[1][:100]
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    reply = requests.post(endpoint, data=data, headers=put_media_headers("cam"), timeout=30)
    acks = [json.loads(line) for line in reply.text.splitlines()]
    # The second cluster's start came: its BUFFERING, then the truncation's ERROR.
    assert _events(acks) == [
        ("BUFFERING", 0),
        ("RECEIVED", 0),
        ("PERSISTED", 0),
        ("BUFFERING", 2000),
        ("ERROR", -1),
    ]


def _received_numbers(url: str, bodies: List[bytes]) -> List[str]:
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    numbers = []
    for data in bodies:
        reply = requests.post(endpoint, data=data, headers=put_media_headers("cam"), timeout=30)
        acks = [json.loads(line) for line in reply.text.splitlines()]
        numbers += [a["FragmentNumber"] for a in acks if a["EventType"] == "RECEIVED"]
    return numbers


def test_a_cut_off_fragment_gives_its_early_number_back(url: str) -> None:
    """Issue 17, determinism: the number an early BUFFERING carried for a cluster that never
    completed goes to the next fragment, so the same seed and the same stored fragments
    give the same numbers whether or not an upload was cut off in between."""
    header, clusters = sample_parts()
    whole = header + b"".join(clusters)
    cut = _received_numbers(url, [header + clusters[0] + clusters[1][:100], whole])
    requests.post(url + "/_kvsmock/reset", timeout=10).raise_for_status()
    client("kinesisvideo", url).create_stream(StreamName="cam", DataRetentionInHours=24)
    clean = _received_numbers(url, [header + clusters[0], whole])
    assert len(cut) == 4
    assert cut == clean


def test_put_media_header_errors_and_unknown_streams(url: str) -> None:
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    headers = put_media_headers("cam")
    headers["x-amzn-fragment-timecode-type"] = "LOCAL"
    bad = requests.post(endpoint, data=b"", headers=headers, timeout=10)
    assert bad.status_code == 400
    assert bad.json()["Message"] == (
        "1 validation error detected: Value 'LOCAL' at 'fragmentTimecodeType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ABSOLUTE, RELATIVE]"
    )
    missing = requests.post(endpoint, data=b"", headers=put_media_headers("nope"), timeout=10)
    assert missing.status_code == 404
    assert missing.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")


@pytest.mark.parametrize("start", ["1e12", "253402300800", "1_767_225_600"])
def test_a_producer_start_timestamp_out_of_range_is_a_400_before_any_ack(
    url: str, start: str
) -> None:
    """Was 200 with one ERROR 4008 STREAM_NOT_ACTIVE ack over the server (in-process through
    ``requests`` a 400 for the first two, and ``1_767_225_600`` taken as a number)."""
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    headers = {**put_media_headers("cam"), "x-amzn-producer-start-timestamp": start}
    header, clusters = sample_parts()
    bad = requests.post(endpoint, data=header + clusters[0], headers=headers, timeout=10)
    assert bad.status_code == 400
    assert bad.json()["Message"] == (
        f"1 validation error detected: Value '{start}' at 'producerStartTimestamp' failed to "
        "satisfy constraint: Member must be epoch seconds"
    )
    assert len(put_media(url, "cam", header + clusters[0])) == 3  # still serving


def _consume(endpoint: str, selector: Dict[str, Any], out: List[Tuple[float, bytes]]) -> None:
    media = client("kinesis-video-media", endpoint)
    payload = media.get_media(StreamName="cam", StartSelector=selector)["Payload"]
    for chunk in payload.iter_chunks(1 << 16):
        out.append((time.monotonic(), chunk))


def test_get_media_now_receives_a_fragment_put_after_it_connected(url: str) -> None:
    header, clusters = sample_parts()
    put_media(url, "cam", header + clusters[0])
    endpoint = data_endpoint(url, "cam", "GET_MEDIA")
    out: List[Tuple[float, bytes]] = []
    consumer = threading.Thread(target=_consume, args=(endpoint, {"StartSelectorType": "NOW"}, out))
    consumer.start()
    time.sleep(0.5)
    put_at = time.monotonic()
    acks = put_media(url, "cam", header + clusters[1])
    consumer.join(timeout=30)
    assert not consumer.is_alive()
    chunks = split_chunks(b"".join(c for _, c in out))
    numbers = [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks]
    # NOW starts with the latest fragment, then the one put while the response was open.
    assert len(numbers) == 2
    assert numbers[1] == json.loads(acks[0])["FragmentNumber"]
    assert max(t for t, _ in out) > put_at
    # ...and the response ended after the idle time, as a consumer loop expects.


def test_get_media_earliest_follows_a_stream_still_being_written(url: str) -> None:
    header, clusters = sample_parts()
    endpoint = data_endpoint(url, "cam", "GET_MEDIA")
    out: List[Tuple[float, bytes]] = []
    consumer = threading.Thread(
        target=_consume, args=(endpoint, {"StartSelectorType": "EARLIEST"}, out)
    )
    consumer.start()
    for cluster in clusters:
        time.sleep(0.2)
        put_media(url, "cam", header + cluster)
    consumer.join(timeout=30)
    chunks = split_chunks(b"".join(c for _, c in out))
    assert len(chunks) == 3
    assert [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks] == sorted(
        chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks
    )


def test_fifty_connections_do_not_stall_the_control_plane(url: str) -> None:
    """10 open GetMedia NOW streams, 2 slow uploads and 38 idle keep-alive connections;
    control-plane calls still answer at once."""
    header, clusters = sample_parts()
    put_media(url, "cam", header + clusters[0])
    get_endpoint = data_endpoint(url, "cam", "GET_MEDIA")
    put_endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    host, port = url.rsplit("/", 1)[1].split(":")

    async def load() -> List[float]:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
            idle = [await asyncio.open_connection(host, int(port)) for _ in range(38)]
            readers = [
                asyncio.create_task(_read_get_media(session, get_endpoint)) for _ in range(10)
            ]

            async def slow_upload() -> None:
                async def body() -> Any:
                    yield header
                    for cluster in clusters:
                        for i in range(0, len(cluster), 4096):
                            yield cluster[i : i + 4096]
                            await asyncio.sleep(0.01)

                async with session.post(
                    put_endpoint, data=body(), headers=put_media_headers("cam")
                ) as response:
                    await response.read()

            uploads = [asyncio.create_task(slow_upload()) for _ in range(2)]
            await asyncio.sleep(0.3)
            latencies = []
            kv = client("kinesisvideo", url)
            for _ in range(20):
                start = time.perf_counter()
                await asyncio.to_thread(kv.describe_stream, StreamName="cam")
                latencies.append(time.perf_counter() - start)
            await asyncio.gather(*uploads)
            got = await asyncio.gather(*readers)
            for _, writer in idle:
                writer.close()
            assert all(n >= 2 for n in got), got  # every NOW stream saw new fragments
            return latencies

    latencies = asyncio.run(load())
    assert max(latencies) < 1.0, latencies


async def _read_get_media(session: aiohttp.ClientSession, endpoint: str) -> int:
    body = json.dumps({"StreamName": "cam", "StartSelector": {"StartSelectorType": "NOW"}})
    headers = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/kinesisvideo/"
        "aws4_request, SignedHeaders=host, Signature=00",
        "Content-Type": "application/json",
    }
    async with session.post(endpoint + "/getMedia", data=body, headers=headers) as response:
        assert response.status == 200
        data = await response.read()
    return len(split_chunks(data))


def test_a_consumer_that_stops_reading_stalls_nothing_else(url: str) -> None:
    header, clusters = sample_parts()
    for _ in range(60):  # 6.7 MB: more than the kernel buffers a stalled reader can hold
        put_media(url, "cam", SAMPLE.read_bytes())
    endpoint = urlsplit(data_endpoint(url, "cam", "GET_MEDIA"))
    body = json.dumps({"StreamName": "cam", "StartSelector": {"StartSelectorType": "EARLIEST"}})
    with socket.create_connection((endpoint.hostname, endpoint.port)) as stalled:
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall(
            f"POST {endpoint.path}/getMedia HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode()
        )
        time.sleep(0.3)  # the server is now blocked writing to this connection, not reading
        kv = client("kinesisvideo", url)
        start = time.perf_counter()
        assert kv.describe_stream(StreamName="cam")["StreamInfo"]["Status"] == "ACTIVE"
        acks = put_media(url, "cam", header + clusters[0])
        assert json.loads(acks[-1])["EventType"] == "PERSISTED"
        assert time.perf_counter() - start < 5
    assert requests.get(url + "/_kvsmock/health", timeout=10).ok


def test_a_stream_deleted_during_an_upload_ends_it_with_stream_not_active(url: str) -> None:
    header, clusters = sample_parts()
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    kv = client("kinesisvideo", url)
    arn = kv.describe_stream(StreamName="cam")["StreamInfo"]["StreamARN"]
    acks: List[Dict[str, Any]] = []

    async def produce() -> None:
        persisted = asyncio.Event()

        async def body() -> Any:
            yield header + clusters[0]
            await asyncio.wait_for(persisted.wait(), 10)
            await asyncio.to_thread(kv.delete_stream, StreamARN=arn)
            yield clusters[1] + clusters[2]

        async with (
            aiohttp.ClientSession() as session,
            session.post(endpoint, data=body(), headers=put_media_headers("cam")) as response,
        ):
            async for line in response.content:
                acks.append(json.loads(line))
                if acks[-1]["EventType"] == "PERSISTED":
                    persisted.set()

    asyncio.run(produce())
    assert _events(acks)[:3] == [("BUFFERING", 0), ("RECEIVED", 0), ("PERSISTED", 0)]
    assert acks[3:] == [
        {
            "EventType": "ERROR",
            "FragmentTimecode": -1,
            "FragmentNumber": "",
            "ErrorId": 4008,
            "ErrorCode": "STREAM_NOT_ACTIVE",
        }
    ]


def test_serve_camera_feeds_a_stream_live() -> None:
    """``kvsmock serve --camera cam``: the stream exists at startup and its fragments appear
    as time passes (ListFragments, GetMedia NOW through the server); a reset brings it back."""
    with serve("--camera", "cam", "--camera-fragment-seconds", "0.2") as s:
        kvs = client("kinesisvideo", s.url)
        info = kvs.describe_stream(StreamName="cam")["StreamInfo"]
        assert info["Status"] == "ACTIVE"
        assert info["DataRetentionInHours"] == 1
        endpoint = data_endpoint(s.url, "cam", "LIST_FRAGMENTS")
        archived = client("kinesis-video-archived-media", endpoint)

        def count() -> int:
            now = time.time()
            selector = {
                "FragmentSelectorType": "SERVER_TIMESTAMP",
                "TimestampRange": {"StartTimestamp": now - 600, "EndTimestamp": now + 600},
            }
            found = archived.list_fragments(StreamName="cam", FragmentSelector=selector)
            return len(found["Fragments"])

        wait_for(lambda: count() >= 2)
        first = count()
        wait_for(lambda: count() >= first + 2)
        media = client("kinesis-video-media", data_endpoint(s.url, "cam", "GET_MEDIA"))
        reply = media.get_media(StreamName="cam", StartSelector={"StartSelectorType": "NOW"})
        assert reply["Payload"].read(4) == b"\x1a\x45\xdf\xa3"  # Matroska, live
        reply["Payload"].close()
        requests.post(s.url + "/_kvsmock/reset", timeout=10).raise_for_status()
        wait_for(lambda: count() >= 1)


async def _upload_in_steps(
    endpoint: str, pieces: List[bytes], until: List[Tuple[str, int]]
) -> List[Dict[str, Any]]:
    """PutMedia whose body is sent piece by piece; after each piece but the last, the acks
    up to ``until[i]`` (event, timecode) must arrive before the next piece is sent."""
    acks: List[Dict[str, Any]] = []
    seen = asyncio.Event()
    wanted: List[Tuple[str, int]] = []

    async def body() -> Any:
        for i, piece in enumerate(pieces):
            yield piece
            if i < len(pieces) - 1:
                wanted[:] = [until[i]]
                seen.clear()
                await asyncio.wait_for(seen.wait(), 10)

    async with (
        aiohttp.ClientSession() as session,
        session.post(endpoint, data=body(), headers=put_media_headers("cam")) as response,
    ):
        assert response.status == 200
        async for line in response.content:
            ack = json.loads(line)
            acks.append(ack)
            if wanted and (ack["EventType"], ack["FragmentTimecode"]) == wanted[0]:
                seen.set()
    return acks


def test_buffering_comes_when_a_cluster_starts_arriving(url: str) -> None:
    """The second cluster's first 100 bytes (its Timecode) bring its BUFFERING ack while
    the rest of it is held back; its RECEIVED carries the same fragment number."""
    header, clusters = sample_parts()
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    pieces = [header + clusters[0] + clusters[1][:100], clusters[1][100:] + clusters[2]]
    acks = asyncio.run(_upload_in_steps(endpoint, pieces, [("BUFFERING", 2000)]))
    assert _events(acks) == [
        (event, timecode)
        for timecode in SAMPLE_TIMECODES
        for event in ("BUFFERING", "RECEIVED", "PERSISTED")
    ]
    numbers = {(a["EventType"], a["FragmentTimecode"]): a["FragmentNumber"] for a in acks}
    assert numbers[("BUFFERING", 2000)] == numbers[("RECEIVED", 2000)]
    listed = client("kinesis-video-archived-media", data_endpoint(url, "cam", "LIST_FRAGMENTS"))
    stored = listed.list_fragments(
        StreamName="cam",
        FragmentSelector={
            "FragmentSelectorType": "PRODUCER_TIMESTAMP",
            "TimestampRange": {"StartTimestamp": 0, "EndTimestamp": 4_000_000_000},
        },
    )["Fragments"]
    assert sorted(f["FragmentNumber"] for f in stored) == sorted(
        numbers[("RECEIVED", t)] for t in SAMPLE_TIMECODES
    )


def test_a_timecode_lower_than_an_earlier_payloads_is_error_4004(url: str) -> None:
    """Fragments acknowledged one by one over one connection: a cluster whose timecode is
    below the last stored one ends the upload with 4004, as within one payload."""
    header, clusters = sample_parts()
    endpoint = data_endpoint(url, "cam", "PUT_MEDIA") + "/putMedia"
    pieces = [header + clusters[2], clusters[0]]  # 4000 ms, then 0 ms
    acks = asyncio.run(_upload_in_steps(endpoint, pieces, [("PERSISTED", 4000)]))
    assert _events(acks) == [
        ("BUFFERING", 4000),
        ("RECEIVED", 4000),
        ("PERSISTED", 4000),
        ("BUFFERING", 0),
        ("ERROR", 0),
    ]
    assert acks[-1]["ErrorId"] == 4004
    assert acks[-1]["ErrorCode"] == "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"
    assert _fragment_count(url) == 1


def test_a_live_get_media_of_a_camera_stream_ends_at_a_reset() -> None:
    """Was: after ``POST /_kvsmock/reset`` the response sent nothing more and never ended
    (the forgotten stream's camera kept "producing" in the old store, so it never went idle);
    the consumer hung until its read timeout."""
    from kvsmock.server import CameraOptions, ThreadedServer

    options = CameraOptions(fragment_seconds=0.5)
    with ThreadedServer(cameras=("cam",), camera=options, get_media_idle_seconds=1) as server:
        endpoint = data_endpoint(server.endpoint_url, "cam", "GET_MEDIA")
        media = client("kinesis-video-media", endpoint)  # read timeout 30 s
        payload = media.get_media(StreamName="cam", StartSelector={"StartSelectorType": "NOW"})
        body = payload["Payload"]
        assert body.read(100)  # live: the latest fragment comes at once
        started = time.monotonic()
        requests.post(f"{server.endpoint_url}/_kvsmock/reset", timeout=10).raise_for_status()
        body.read()  # ends: ReadTimeoutError before the fix
        assert time.monotonic() - started < 5
        listed = client("kinesisvideo", server.endpoint_url).list_streams()["StreamInfoList"]
        assert [s["StreamName"] for s in listed] == ["cam"]  # created and fed again
