"""Code under test may call kvsmock from many threads: one lock per store keeps it whole.

Each thread gets its own client. The clients are built in the main thread from one session
(sessions are not thread-safe, clients are; one session shares its loaded models, which keeps
the tests fast), and all of them talk to the one active mock.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List, Optional, Tuple

import boto3
import pytest
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock, _clock

THREADS = 8
PER_THREAD = 20
REGION = "us-east-1"
STALE_VERSION = "The stream version that you specified is not the latest version."


@pytest.fixture
def slow_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make minting a Version slow, so a check-then-act race would surely show.

    ``new_version`` runs inside the critical section (after the name or version check,
    before the new state is stored): without the store's lock, several threads would pass
    the check before any of them stored its result.
    """
    original = _clock.new_version

    def slow(rng: Any) -> str:
        time.sleep(0.002)
        return original(rng)

    monkeypatch.setattr(_clock, "new_version", slow)


def new_client() -> Any:
    return boto3.session.Session().client("kinesisvideo", region_name=REGION)


def run_in_threads(work: Callable[[int, Any, threading.Barrier], Any]) -> List[Any]:
    """Run ``work(index, client, barrier)`` in ``THREADS`` threads; return results in order.

    The threads start their calls together (a barrier), so the calls overlap.
    """
    barrier = threading.Barrier(THREADS)
    session = boto3.session.Session()
    clients = [session.client("kinesisvideo", region_name=REGION) for _ in range(THREADS)]
    assert len({id(c) for c in clients}) == THREADS

    def body(i: int) -> Any:
        barrier.wait(timeout=30)
        return work(i, clients[i], barrier)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(body, range(THREADS)))


def outcome(call: Callable[[], Any]) -> Tuple[str, Optional[str]]:
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return "ok", None


def all_stream_names(client: Any) -> List[str]:
    paginator = client.get_paginator("list_streams")
    return [
        s["StreamName"]
        for page in paginator.paginate(PaginationConfig={"PageSize": 7})
        for s in page["StreamInfoList"]
    ]


def test_concurrent_create_and_delete_lose_and_duplicate_nothing(
    kvsmock: KinesisVideoMock, slow_ids: None
) -> None:
    def work(i: int, client: Any, _: threading.Barrier) -> List[str]:
        arns = []
        for j in range(PER_THREAD):
            arns.append(client.create_stream(StreamName=f"t{i}-s{j:02d}")["StreamARN"])
            if j % 2:  # delete every odd stream right after making the next one
                client.delete_stream(StreamARN=arns[j - 1])
        return arns

    results = run_in_threads(work)
    all_arns = [arn for arns in results for arn in arns]
    assert len(all_arns) == THREADS * PER_THREAD
    assert len(set(all_arns)) == len(all_arns)  # every ARN distinct
    expected = sorted(f"t{i}-s{j:02d}" for i in range(THREADS) for j in range(PER_THREAD) if j % 2)
    client = new_client()
    listed = all_stream_names(client)
    assert listed == expected  # nothing lost, nothing duplicated, deleted ones gone
    assert [s.name for s in kvsmock.state().streams] == expected
    versions = [client.describe_stream(StreamName=n)["StreamInfo"]["Version"] for n in listed]
    assert len(set(versions)) == len(versions)


def test_concurrent_create_of_one_name_has_one_winner(
    kvsmock: KinesisVideoMock, slow_ids: None
) -> None:
    results = run_in_threads(
        lambda i, client, _: outcome(
            lambda: client.create_stream(StreamName="shared", DeviceName=f"dev{i}")
        )
    )
    codes = Counter(code for code, _ in results)
    assert codes == Counter({"ok": 1, "ResourceInUseException": THREADS - 1})
    assert {m for code, m in results if code != "ok"} == {"The stream shared already exists."}
    (stream,) = kvsmock.state().streams
    winner = next(i for i, (code, _) in enumerate(results) if code == "ok")
    assert stream.device_name == f"dev{winner}"


@pytest.mark.parametrize("operation", ["update_stream", "update_data_retention"])
def test_concurrent_updates_with_one_version_have_one_winner(
    kvsmock: KinesisVideoMock, slow_ids: None, operation: str
) -> None:
    setup = new_client()
    setup.create_stream(StreamName="cam")
    version = setup.describe_stream(StreamName="cam")["StreamInfo"]["Version"]

    def work(i: int, client: Any, _: threading.Barrier) -> Tuple[str, Optional[str]]:
        if operation == "update_stream":
            return outcome(
                lambda: client.update_stream(
                    StreamName="cam", CurrentVersion=version, DeviceName=f"dev{i}"
                )
            )
        return outcome(
            lambda: client.update_data_retention(
                StreamName="cam",
                CurrentVersion=version,
                Operation="INCREASE_DATA_RETENTION",
                DataRetentionChangeInHours=i + 1,
            )
        )

    results = run_in_threads(work)
    assert Counter(code for code, _ in results) == Counter(
        {"ok": 1, "VersionMismatchException": THREADS - 1}
    )
    assert {m for code, m in results if code != "ok"} == {STALE_VERSION}
    winner = next(i for i, (code, _) in enumerate(results) if code == "ok")
    info = setup.describe_stream(StreamName="cam")["StreamInfo"]
    assert info["Version"] != version
    if operation == "update_stream":
        assert info["DeviceName"] == f"dev{winner}"
    else:
        assert info["DataRetentionInHours"] == winner + 1  # applied exactly once


def test_concurrent_tagging_keeps_every_tag(kvsmock: KinesisVideoMock) -> None:
    setup = new_client()
    setup.create_stream(StreamName="cam")

    def work(i: int, client: Any, _: threading.Barrier) -> None:
        for j in range(5):
            client.tag_stream(StreamName="cam", Tags={f"t{i}-{j}": str(j)})

    run_in_threads(work)
    tags = setup.list_tags_for_stream(StreamName="cam")["Tags"]
    assert tags == {f"t{i}-{j}": str(j) for i in range(THREADS) for j in range(5)}
