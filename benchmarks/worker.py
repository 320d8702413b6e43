"""One backend, one suite, in this (fresh) process; prints one JSON object on stdout.

Usage: ``python benchmarks/worker.py BACKEND SUITE SCALE_JSON``, run by ``benchmarks/run.py``.

Suites:

* ``calls``: per-call workloads on a long-lived mock, then per-test workloads and start/stop.
* ``big``: describe_stream with 1 stream, then listing of 1,000 streams, then describe_stream
  and listing with 10,000 streams (the pairs that show how cost grows with the store).
* ``rss``: peak RSS after creating 10,000 streams through the API.

Each workload runs once as warm-up, then ``repeats`` timed batches; a batch's time divided by
its number of calls (or tests, or listings) is one sample, in microseconds.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from typing import Any, Callable, Dict, List, Optional

from backends import BACKENDS, Backend, new_client
from canned import stream_name

Sample = Dict[str, Any]


def timed(
    prepare: Callable[[int], Callable[[], None]], count: int, repeats: int, warmup: int = 1
) -> Sample:
    """Run ``prepare(i)()`` ``warmup + repeats`` times; samples are microseconds per unit.

    The figure is CPU time of this process (``time.process_time``): on a shared machine it
    leaves out the time the process waited for a core. Wall time is kept alongside. A full
    garbage collection runs before each batch, untimed, so that no batch inherits another's
    pending collections (collections during a batch are timed: they are part of the cost).
    """
    samples: List[float] = []
    wall: List[float] = []
    for i in range(warmup + repeats):
        batch = prepare(i)
        gc.collect()  # every batch starts from the same collector state (outside the timing)
        w0, t0 = time.perf_counter(), time.process_time()
        batch()
        elapsed, w_elapsed = time.process_time() - t0, time.perf_counter() - w0
        if i >= warmup:
            samples.append(elapsed / count * 1e6)
            wall.append(w_elapsed / count * 1e6)
    samples.sort()
    return {
        "unit": "us",
        "count": count,
        "samples": samples,
        "median": _median(samples),
        "wall_median": _median(wall),
    }


def _median(values: List[float]) -> float:
    n = len(values)
    s = sorted(values)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _skip(reason: str) -> Sample:
    return {"unit": "us", "skipped": reason, "median": None, "samples": []}


def create_streams(backend: Backend, client: Any, start: int, stop: int) -> None:
    """Create streams ``start..stop-1`` through the API (setup, not timed)."""
    backend.expect(client, "create_stream", stop - start)
    for i in range(start, stop):
        client.create_stream(StreamName=stream_name(i))


# -- suites ----------------------------------------------------------------------------------


def suite_calls(backend: Backend, scale: Dict[str, int]) -> Dict[str, Sample]:
    out: Dict[str, Sample] = {}
    repeats = scale["repeats"]
    backend.start()
    client = new_client()

    n = scale["create"]

    def prep_create(i: int) -> Callable[[], None]:
        backend.fresh()
        backend.expect(client, "create_stream", n)
        names = [stream_name(j) for j in range(n)]

        def batch() -> None:
            for name in names:
                client.create_stream(StreamName=name)

        return batch

    out["create_stream"] = timed(prep_create, n, repeats)

    backend.fresh()
    create_streams(backend, client, 0, 1)
    name = stream_name(0)

    n = scale["describe"]

    def prep_describe(i: int) -> Callable[[], None]:
        backend.expect(client, "describe_stream", n)

        def batch() -> None:
            for _ in range(n):
                client.describe_stream(StreamName=name)

        return batch

    out["describe_stream"] = timed(prep_describe, n, repeats)

    n = scale["endpoint"]

    def prep_endpoint(i: int) -> Callable[[], None]:
        backend.expect(client, "get_data_endpoint", n)

        def batch() -> None:
            for _ in range(n):
                client.get_data_endpoint(StreamName=name, APIName="PUT_MEDIA")

        return batch

    out["get_data_endpoint"] = timed(prep_endpoint, n, repeats)

    n = scale["tags"]

    def prep_tags(i: int) -> Callable[[], None]:
        backend.expect(client, "tag_stream+list_tags_for_stream", n)

        def batch() -> None:
            for _ in range(n):
                client.tag_stream(StreamName=name, Tags={"k": "v"})
                client.list_tags_for_stream(StreamName=name)

        return batch

    try:
        out["tag_and_list_tags"] = timed(prep_tags, n, repeats)
    except Exception as e:  # moto implements neither TagStream nor ListTagsForStream
        out["tag_and_list_tags"] = _skip(f"{type(e).__name__}: {str(e)[:120]}")

    backend.stop()

    # -- per test: enter the mock, one call, exit ------------------------------------------
    reused = new_client()

    def one_test(get_client: Callable[[], Any]) -> None:
        with backend.scope() as scope:
            c = get_client()
            backend.prime(scope, c)
            c.create_stream(StreamName="test-stream")

    n = scale["tests"]

    def prep_reused(i: int) -> Callable[[], None]:
        def batch() -> None:
            for _ in range(n):
                one_test(lambda: reused)

        return batch

    out["per_test_reused_client"] = timed(prep_reused, n, repeats)

    n = scale["tests_new_client"]

    def prep_new(i: int) -> Callable[[], None]:
        def batch() -> None:
            for _ in range(n):
                one_test(new_client)

        return batch

    out["per_test_boto3_client"] = timed(prep_new, n, repeats)

    # -- start + stop alone ------------------------------------------------------------------
    n = scale["start_stop"]
    for key, make in (
        ("start_stop", backend.start_stop),
        ("construct_start_stop", backend.construct_start_stop),
    ):
        run = make()

        def prep_ss(i: int, run: Callable[[], None] = run) -> Callable[[], None]:
            def batch() -> None:
                for _ in range(n):
                    run()

            return batch

        out[key] = timed(prep_ss, n, repeats)
    return out


def suite_big(backend: Backend, scale: Dict[str, int]) -> Dict[str, Sample]:
    out: Dict[str, Sample] = {}
    repeats = scale["repeats"]
    backend.start()
    client = new_client()
    name = stream_name(0)
    paginator = client.get_paginator("list_streams")

    def describe(key: str) -> None:
        n = scale["describe_big"]

        def prep(i: int) -> Callable[[], None]:
            backend.expect(client, "describe_stream", n)

            def batch() -> None:
                for _ in range(n):
                    client.describe_stream(StreamName=name)

            return batch

        out[key] = timed(prep, n, repeats)

    def listing(key: str, total: int) -> None:
        def prep(i: int) -> Callable[[], None]:
            backend.expect(client, "list_streams", 1, n_streams=total)

            def batch() -> None:
                seen = 0
                for page in paginator.paginate(PaginationConfig={"PageSize": 100}):
                    seen += len(page["StreamInfoList"])
                if seen != total:
                    raise AssertionError(f"listed {seen} streams, expected {total}")

            return batch

        out[key] = timed(prep, 1, repeats)

    small, large = scale["list_small"], scale["list_large"]
    create_streams(backend, client, 0, 1)
    describe("describe_stream_1")
    create_streams(backend, client, 1, small)
    listing("list_streams_small", small)
    create_streams(backend, client, small, large)
    describe("describe_stream_large")
    listing("list_streams_large", large)
    backend.stop()
    return out


def suite_rss(backend: Backend, scale: Dict[str, int]) -> Dict[str, Sample]:
    backend.start()
    client = new_client()
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = scale["rss_streams"]
    for i in range(n):
        backend.expect(client, "create_stream", 1)
        client.create_stream(StreamName=stream_name(i))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Keep the store alive until measured: stopping a moto mock would drop it.
    backend.stop()
    return {
        "peak_rss": {"unit": "KiB", "median": peak, "samples": [peak], "count": n},
        "rss_before_streams": {"unit": "KiB", "median": before, "samples": [before]},
    }


SUITES = {"calls": suite_calls, "big": suite_big, "rss": suite_rss}


def main(argv: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    backend_name, suite, scale_json = args
    scale = json.loads(scale_json)
    backend = BACKENDS[backend_name]()
    results = SUITES[suite](backend, scale)
    json.dump({"backend": backend_name, "suite": suite, "results": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
