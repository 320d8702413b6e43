"""Run the kvsmock benchmark: four backends, each in fresh processes, one table, one JSON file.

Usage::

    python benchmarks/run.py            # full run (make bench), a few minutes
    python benchmarks/run.py --quick    # small counts, proves it works (make bench-quick)

Backends: ``stubber`` (botocore's Stubber: the client floor), ``before-send`` (a prebuilt
``AWSResponse`` from a ``before-send`` handler: the floor of any mock answering at botocore's
HTTP layer), ``moto`` (``mock_aws``) and ``kvsmock``. Every suite runs in a fresh process per
backend; rounds interleave the backends so that a slow spell of a shared machine hits all of
them. A figure is the median over rounds of each round's median; a ratio is computed pair by
pair, kvsmock's round-r figure over the floor's round-r figure, and its median over rounds is
reported. Ratios are the figures to compare; absolute times depend on the machine.

The quick mode asserts that every backend ran every workload (and that listings return every
stream); it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BACKENDS = ("stubber", "before-send", "moto", "kvsmock")
FLOOR = "before-send"

SCALES: Dict[str, Dict[str, int]] = {
    "full": {
        "rounds": 3,
        "repeats": 5,
        "create": 1000,
        "describe": 2000,
        "endpoint": 2000,
        "tags": 1000,
        "tests": 200,
        "tests_new_client": 40,
        "start_stop": 1000,
        "describe_big": 1000,
        "list_small": 1000,
        "list_large": 10000,
        "rss_streams": 10000,
        "cold": 20,  # bimodal samples on shared VMs: 10 pairs gave 0.94-1.16 run to run
        "import": 10,
    },
    "quick": {
        "rounds": 1,
        "repeats": 3,
        "create": 50,
        "describe": 100,
        "endpoint": 100,
        "tags": 50,
        "tests": 20,
        "tests_new_client": 3,
        "start_stop": 100,
        "describe_big": 50,
        "list_small": 200,
        "list_large": 1000,
        "rss_streams": 500,
        "cold": 2,
        "import": 2,
    },
}

#: Cold start: a fresh interpreter imports boto3 and the mock, starts it, makes a client and
#: makes one call.
COLD: Dict[str, str] = {
    "stubber": (
        "import boto3\n"
        "from botocore.stub import Stubber\n"
        "c = boto3.client('kinesisvideo', region_name='us-east-1')\n"
        "s = Stubber(c)\n"
        "s.add_response('create_stream', {'StreamARN': %(arn)r})\n"
        "s.activate()\n"
        "c.create_stream(StreamName='cold')\n"
    ),
    "before-send": (
        "import boto3\n"
        "from botocore.awsrequest import AWSResponse, HTTPHeaders\n"
        "h = HTTPHeaders()\n"
        "for k, v in %(headers)r.items():\n"
        "    h[k] = v\n"
        "r = AWSResponse('https://kinesisvideo', 200, h, None)\n"
        "r._content = %(body)r\n"
        "boto3.setup_default_session()\n"
        "boto3.DEFAULT_SESSION.events.register('before-send.kinesis-video', lambda **kw: r)\n"
        "c = boto3.client('kinesisvideo', region_name='us-east-1')\n"
        "c.create_stream(StreamName='cold')\n"
    ),
    "moto": (
        "import boto3\n"
        "from moto import mock_aws\n"
        "m = mock_aws()\n"
        "m.start()\n"
        "c = boto3.client('kinesisvideo', region_name='us-east-1')\n"
        "c.create_stream(StreamName='cold')\n"
    ),
    "kvsmock": (
        "import boto3\n"
        "from kvsmock import mock_kinesisvideo\n"
        "m = mock_kinesisvideo()\n"
        "m.start()\n"
        "c = boto3.client('kinesisvideo', region_name='us-east-1')\n"
        "c.create_stream(StreamName='cold')\n"
    ),
}

#: What ``import`` each backend adds after ``import boto3``.
IMPORTS: Dict[str, str] = {
    "stubber": "botocore.stub",
    "before-send": "botocore.awsrequest",
    "moto": "moto",
    "kvsmock": "kvsmock",
}


def child_env() -> Dict[str, str]:
    """The environment of every child: fake credentials, no config files, no metadata calls."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "BOTO_", "PYTHONPROFILE")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        AWS_ACCESS_KEY_ID="AKIABENCHMARK0000000",
        AWS_SECRET_ACCESS_KEY="benchmark-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


# -- running children ------------------------------------------------------------------------


def run_worker(backend: str, suite: str, scale: Dict[str, int]) -> Dict[str, Any]:
    cmd = [sys.executable, str(HERE / "worker.py"), backend, suite, json.dumps(scale)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"worker {backend}/{suite} failed with exit code {proc.returncode}")
    results: Dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])["results"]
    return results


def cold_start(backend: str) -> float:
    """CPU time (user + system) in ms of a fresh interpreter running the cold-start script."""
    sys.path.insert(0, str(HERE))
    import canned

    result = canned.wire("create_stream")[0]
    body, headers = canned.body(result)
    code = COLD[backend] % {"arn": result["StreamARN"], "body": body, "headers": headers}
    env = child_env()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    elapsed = cpu * 1e3
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode())
        raise SystemExit(f"cold start of {backend} failed")
    return elapsed


_IMPORTTIME = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_time(backend: str) -> float:
    """Cumulative ms of ``import <mock>`` after ``import boto3`` (``-X importtime``)."""
    target = IMPORTS[backend]
    code = f"import boto3\nimport {target}\n"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=child_env(),
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"import of {target} failed")
    # Everything imported after boto3's own top-level line is the mock's; sum the top-level
    # entries (indent of one space) that follow it.
    lines = proc.stderr.splitlines()
    total_us = 0
    after_boto3 = False
    for line in lines:
        m = _IMPORTTIME.match(line)
        if m is None:
            continue
        cumulative, indent, name = int(m.group(2)), len(m.group(3)), m.group(4)
        if indent != 1:
            continue
        if name == "boto3":
            after_boto3 = True
            continue
        if after_boto3:
            total_us += cumulative
    return total_us / 1e3


# -- aggregation -----------------------------------------------------------------------------


def median(values: List[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


SUITES = ("calls", "big", "rss", "cold", "import")


def collect(
    backends: Tuple[str, ...],
    scale: Dict[str, int],
    quiet: bool,
    suites: Tuple[str, ...] = SUITES,
) -> Dict[str, Dict[str, List[Optional[float]]]]:
    """``{workload: {backend: [figure per round]}}``, every suite in fresh processes."""
    data: Dict[str, Dict[str, List[Optional[float]]]] = {}

    def add(workload: str, backend: str, value: Optional[float]) -> None:
        data.setdefault(workload, {}).setdefault(backend, []).append(value)

    def log(msg: str) -> None:
        if not quiet:
            print(msg, file=sys.stderr, flush=True)

    def rotated(r: int) -> Tuple[str, ...]:
        k = r % len(backends)
        return backends[k:] + backends[:k]

    for suite in ("calls", "big"):
        if suite not in suites:
            continue
        for r in range(scale["rounds"]):
            for backend in rotated(r):
                t0 = time.perf_counter()
                results = run_worker(backend, suite, scale)
                log(f"  {suite:<6} round {r + 1} {backend:<12} {time.perf_counter() - t0:6.1f} s")
                for workload, sample in results.items():
                    add(workload, backend, sample["median"])
    for backend in backends if "rss" in suites else ():
        results = run_worker(backend, "rss", scale)
        log(f"  rss    {backend}")
        add("peak_rss", backend, results["peak_rss"]["median"] / 1024)
        add("rss_before_streams", backend, results["rss_before_streams"]["median"] / 1024)
    for kind, probe in (("cold", cold_start), ("import", import_time)):
        if kind not in suites:
            continue
        for backend in backends:  # warm-up: byte-code caches, page cache
            probe(backend)
        for r in range(scale[kind]):
            for backend in rotated(r):
                add("cold_start" if kind == "cold" else kind, backend, probe(backend))
        log(f"  {kind} x{scale[kind]}")
    return data


#: (workload, label, unit, target): target is (kind, limit) where kind is ``floor``
#: (kvsmock / before-send), ``self:<workload>`` (kvsmock / its own other workload) or ``abs``.
FLOOR_1_2 = ("floor", 1.2)
ROWS: List[Tuple[str, str, str, Optional[Tuple[str, float]]]] = [
    ("create_stream", "create_stream, per call", "us", ("floor", 1.15)),
    ("describe_stream", "describe_stream, per call", "us", ("floor", 1.15)),
    ("get_data_endpoint", "get_data_endpoint, per call", "us", ("floor", 1.15)),
    ("tag_and_list_tags", "tag_stream + list_tags_for_stream, per pair", "us", None),
    ("describe_stream_1", "describe_stream, 1 stream (big suite)", "us", None),
    (
        "describe_stream_large",
        "describe_stream, {list_large} streams / 1 stream",
        "us",
        ("self:describe_stream_1", 1.10),
    ),
    ("list_streams_small", "list_streams, all {list_small} in pages of 100", "us", None),
    ("list_streams_large", "list_streams, all {list_large} in pages of 100", "us", ("floor", 1.2)),
    ("per_test_reused_client", "per test: enter, 1 call, exit; reused client", "us", FLOOR_1_2),
    ("per_test_boto3_client", "per test: enter, boto3.client(), 1 call, exit", "us", FLOOR_1_2),
    ("start_stop", "mock start + stop alone", "us", ("abs", 50.0)),
    ("construct_start_stop", "mock construct + start + stop", "us", None),
    ("import", "import of the mock after boto3 (-X importtime)", "ms", ("abs", 10.0)),
    ("cold_start", "cold start: import, start, client, 1st call", "ms", ("floor", 1.1)),
    ("peak_rss", "peak RSS holding {rss_streams} streams", "MiB", ("floor", 1.3)),
]


def _ratio(num: List[Optional[float]], den: List[Optional[float]]) -> Optional[float]:
    pairs = [a / b for a, b in zip(num, den) if a is not None and b]
    return median(pairs) if pairs else None


def summarize(
    data: Dict[str, Dict[str, List[Optional[float]]]],
    backends: Tuple[str, ...],
    scale: Dict[str, int],
) -> List[Dict[str, Any]]:
    rows = []
    for workload, label, unit, target in ROWS:
        per_backend = data.get(workload, {})
        values: Dict[str, Optional[float]] = {}
        for b in backends:
            vs = [v for v in per_backend.get(b, []) if v is not None]
            values[b] = median(vs) if vs else None
        ratios: Dict[str, Optional[float]] = {}
        met: Optional[bool] = None
        if target is not None:
            kind, limit = target
            for b in ("moto", "kvsmock"):
                if b not in backends:
                    continue
                if kind == "floor":
                    ratios[b] = _ratio(per_backend.get(b, []), per_backend.get(FLOOR, []))
                elif kind.startswith("self:"):
                    base = data.get(kind[5:], {}).get(b, [])
                    ratios[b] = _ratio(per_backend.get(b, []), base)
            kv = ratios.get("kvsmock") if kind != "abs" else values.get("kvsmock")
            met = None if kv is None else kv <= limit
        rows.append(
            {
                "workload": workload,
                "label": label.format(**scale),
                "unit": unit,
                "values": values,
                "ratios": ratios,
                "target": None if target is None else {"kind": target[0], "limit": target[1]},
                "met": met,
            }
        )
    return rows


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: List[Dict[str, Any]], backends: Tuple[str, ...]) -> str:
    head = ["measure", "unit", *backends, "kvsmock ratio", "moto ratio", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        target = row["target"]
        if target is None:
            target_text = ""
        elif target["kind"] == "abs":
            target_text = f"<= {_fmt(target['limit'])} {row['unit']}"
        else:
            base = "floor" if target["kind"] == "floor" else "1 stream"
            target_text = f"<= {target['limit']:.2f} x {base}"
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        cells = [
            row["label"],
            row["unit"],
            *(_fmt(row["values"].get(b)) for b in backends),
            _fmt(row["ratios"].get("kvsmock")) if row["ratios"] else "",
            _fmt(row["ratios"].get("moto")) if row["ratios"] else "",
            target_text,
            met,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def environment() -> Dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for dist in ("boto3", "botocore", "moto", "kvsmock"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=HERE,
        check=False,
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "commit": commit or None,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small counts; asserts no speed")
    parser.add_argument("--rounds", type=int, help="interleaved rounds of the call suites")
    parser.add_argument("--backends", help="comma-separated subset of " + ",".join(BACKENDS))
    parser.add_argument("--suites", help="comma-separated subset of " + ",".join(SUITES))
    parser.add_argument("--out", type=Path, help="JSON output (default: benchmarks/results/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    scale = dict(SCALES[mode])
    if args.rounds:
        scale["rounds"] = args.rounds
    backends = BACKENDS
    if args.backends:
        chosen = [b.strip() for b in args.backends.split(",")]
        unknown = set(chosen) - set(BACKENDS)
        if unknown:
            parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
        backends = tuple(b for b in BACKENDS if b in chosen)

    suites = SUITES
    if args.suites:
        suites = tuple(x.strip() for x in args.suites.split(","))
        unknown = set(suites) - set(SUITES)
        if unknown:
            parser.error(f"unknown suites: {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    data = collect(backends, scale, args.quiet, suites)
    rows = summarize(data, backends, scale)
    elapsed = time.perf_counter() - started

    print(f"kvsmock benchmark ({mode}, {scale['rounds']} round(s), {elapsed:.0f} s)")
    print(table(rows, backends))

    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or RESULTS / f"{mode}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "mode": mode,
        "scale": scale,
        "backends": list(backends),
        "floor": FLOOR,
        "elapsed_seconds": round(elapsed, 1),
        "environment": environment(),
        "rows": rows,
        "raw": data,
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    (out.parent / f"{mode}-latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")

    # What the quick mode proves: every backend ran every workload it supports.
    unsupported = {("moto", "tag_and_list_tags")}  # moto implements neither operation
    missing = [
        f"{row['workload']}/{b}"
        for row in rows
        for b in backends
        if row["values"].get(b) is None and (b, row["workload"]) not in unsupported
    ]
    if missing and suites == SUITES:
        print("missing results: " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
