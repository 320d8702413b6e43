"""Profile kvsmock's share of one workload with cProfile.

Usage::

    python benchmarks/profile_kvsmock.py [describe|create|endpoint|list|start_stop]
        [--streams N] [--calls N] [--top N] [--sort tottime|cumulative]

Run it in the benchmark's environment (``benchmarks/run.py`` sets fake credentials; this
script sets its own). The profile covers the whole client call, so botocore's share shows
next to kvsmock's; ``kvsmock/`` rows are what the mock adds.
"""

from __future__ import annotations

import cProfile
import pstats
from typing import Any, Callable

import boto3
import canned

import kvsmock


def main() -> None:
    parser = canned.workload_parser(["describe", "create", "endpoint", "list", "start_stop"])
    parser.add_argument("--streams", type=int, default=1)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()

    mock = kvsmock.mock_kinesisvideo()
    mock.start()
    client = boto3.client("kinesisvideo", region_name="us-east-1")
    for i in range(args.streams):
        client.create_stream(StreamName=f"bench-{i:05d}")

    run: Callable[[], Any]
    if args.workload == "describe":

        def run() -> Any:
            for _ in range(args.calls):
                client.describe_stream(StreamName="bench-00000")

    elif args.workload == "endpoint":

        def run() -> Any:
            for _ in range(args.calls):
                client.get_data_endpoint(StreamName="bench-00000", APIName="PUT_MEDIA")

    elif args.workload == "create":
        created = iter(range(10**9))  # the warm-up and the profiled run need fresh names

        def run() -> Any:
            for _ in range(args.calls):
                client.create_stream(StreamName=f"new-{next(created):09d}")

    elif args.workload == "list":
        paginator = client.get_paginator("list_streams")

        def run() -> Any:
            for _ in range(args.calls):
                for _page in paginator.paginate(PaginationConfig={"PageSize": 100}):
                    pass

    else:
        mock.stop()

        def run() -> Any:
            other = kvsmock.mock_kinesisvideo()
            for _ in range(args.calls):
                other.start()
                other.stop()

    run_warm = run
    run_warm()  # warm-up: models, codecs, validators
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
