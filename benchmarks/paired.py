"""kvsmock against the before-send floor in one process, batch by batch (a finer instrument).

Usage::

    python benchmarks/paired.py [describe|endpoint|create|per-test] [--batch N] [--rounds N]

One client, one mock. Each round times a batch of calls answered by kvsmock and a batch
answered by a ``before-send`` handler returning a prebuilt ``AWSResponse`` whose body and
headers are kvsmock's own first reply (the floor of ``benchmarks/run.py``), in alternating
order. The figure is the median over rounds of (kvsmock - floor) per call, CPU time, and
the median of the per-round ratios: two batches a few milliseconds apart see the same
machine, so a difference of a few microseconds stands out of a shared machine's noise,
which ``run.py``'s separate processes cannot resolve. It measures a change, it is not the
benchmark of record: ``make bench`` is.

``per-test``: a new mock entered and exited around one ``create_stream`` (reused client)
against the floor switched on and off around the same call. ``list``: the whole listing of
10,000 streams in pages of 100 through the paginator (one listing per batch item; the floor
answers each page with kvsmock's own reply to it).
"""

from __future__ import annotations

import itertools
import statistics
import time
from typing import Any, Callable, Dict, List

import boto3
import canned
from botocore.awsrequest import AWSResponse

import kvsmock
from kvsmock import _intercept

EVENT = "before-send.kinesis-video"
LISTED = 10_000


def main() -> None:
    parser = canned.workload_parser(["describe", "endpoint", "create", "per-test", "list"])
    parser.add_argument("--batch", type=int, default=250, help="calls per batch")
    parser.add_argument("--rounds", type=int, default=40, help="batches per side")
    args = parser.parse_args()

    mock = kvsmock.mock_kinesisvideo()
    client = boto3.client("kinesisvideo", region_name="us-east-1")
    floor_on = [False]
    counter = [0]

    paginator = client.get_paginator("list_streams")

    def call() -> None:
        counter[0] += 1
        if args.workload == "list":
            pages = paginator.paginate(PaginationConfig={"PageSize": 100})
            if sum(len(page["StreamInfoList"]) for page in pages) != LISTED:
                raise AssertionError("the listing is incomplete")
        elif args.workload == "describe":
            client.describe_stream(StreamName="bench-00000")
        elif args.workload == "endpoint":
            client.get_data_endpoint(StreamName="bench-00000", APIName="PUT_MEDIA")
        else:
            # As in run.py: the same names in every batch, each batch into an emptied mock.
            name = (
                "test-stream" if args.workload == "per-test" else f"s-{counter[0] % args.batch:05d}"
            )
            client.create_stream(StreamName=name)

    # The floor answers with kvsmock's own reply to the same call, prebuilt once.
    captured: List[Any] = []

    def capture(request: Any, **kwargs: Any) -> Any:
        response = _intercept._before_send(request, **kwargs)
        if response is not None:
            captured.append(response)
        return response

    with mock:
        for i in range(LISTED if args.workload == "list" else 1):
            client.create_stream(StreamName=f"bench-{i:05d}")
        client.meta.events.register_first(EVENT, capture)
        call()
        client.meta.events.unregister(EVENT, capture)
    prebuilt = []
    for reply in captured:
        response = AWSResponse("https://kinesisvideo", 200, dict(reply.headers), None)
        response._content = reply.content
        prebuilt.append(response)
    replies = itertools.cycle(prebuilt)

    def floor(request: Any, **_: Any) -> Any:
        return next(replies) if floor_on[0] else None

    client.meta.events.register_first(EVENT, floor)

    def kvsmock_batch() -> None:
        if args.workload == "per-test":
            for _ in range(args.batch):
                with kvsmock.mock_kinesisvideo():
                    call()
            return
        with mock:
            if args.workload == "create":
                mock.reset()
            for _ in range(args.batch):
                call()

    def floor_batch() -> None:
        if args.workload == "per-test":
            for _ in range(args.batch):
                floor_on[0] = True
                call()
                floor_on[0] = False
            return
        floor_on[0] = True
        try:
            for _ in range(args.batch):
                call()
        finally:
            floor_on[0] = False

    sides: Dict[str, Callable[[], None]] = {"kvsmock": kvsmock_batch, "floor": floor_batch}
    times: Dict[str, List[float]] = {name: [] for name in sides}
    for name in sides:  # warm-up
        sides[name]()
    for r in range(args.rounds):
        for name in sorted(sides, reverse=bool(r % 2)):
            start = time.process_time()
            sides[name]()
            times[name].append((time.process_time() - start) / args.batch * 1e6)
    diffs = sorted(k - f for k, f in zip(times["kvsmock"], times["floor"]))
    ratios = [k / f for k, f in zip(times["kvsmock"], times["floor"])]
    q = len(diffs) // 4
    print(
        f"{args.workload}: kvsmock {statistics.median(times['kvsmock']):.1f} us, "
        f"floor {statistics.median(times['floor']):.1f} us, "
        f"difference {statistics.median(diffs):.1f} us (IQR {diffs[q]:.1f}..{diffs[-q - 1]:.1f}), "
        f"ratio {statistics.median(ratios):.3f}"
    )


if __name__ == "__main__":
    main()
