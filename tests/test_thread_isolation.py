"""Isolation between threads (issue 17, item 3): the innermost mock a thread started answers
that thread; a thread with none of its own is answered by the process's innermost mock."""

from __future__ import annotations

import threading
from typing import Dict, List

import boto3

from kvsmock import mock_kinesisvideo

REGION = "us-east-1"


def names() -> List[str]:
    client = boto3.client("kinesisvideo", region_name=REGION)
    return sorted(s["StreamName"] for s in client.list_streams()["StreamInfoList"])


def test_two_threads_with_two_mocks_keep_their_states_apart() -> None:
    both_started = threading.Barrier(2, timeout=30)
    both_created = threading.Barrier(2, timeout=30)
    seen: Dict[str, List[str]] = {}
    stored: Dict[str, List[str]] = {}
    errors: List[BaseException] = []

    def test_body(name: str) -> None:
        try:
            with mock_kinesisvideo() as mock:
                both_started.wait()  # both mocks are active now, in either order
                boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName=name)
                both_created.wait()
                seen[name] = names()
                stored[name] = [s.name for s in mock.state().streams]
                both_created.wait()  # neither mock stops before the other has looked
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=test_body, args=(n,)) for n in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert seen == {"left": ["left"], "right": ["right"]}
    assert stored == {"left": ["left"], "right": ["right"]}


def test_a_worker_thread_sees_the_mock_of_the_test() -> None:
    found: List[List[str]] = []
    with mock_kinesisvideo() as outer:
        boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="outer")
        with mock_kinesisvideo():
            boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="inner")
            worker = threading.Thread(target=lambda: found.append(names()))
            worker.start()
            worker.join(30)
        assert found == [["inner"]]  # the process's innermost
        worker = threading.Thread(target=lambda: found.append(names()))
        worker.start()
        worker.join(30)
    assert found == [["inner"], ["outer"]]
    assert [s.name for s in outer.state().streams] == ["outer"]
