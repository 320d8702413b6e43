"""The audit of docs/performance.md's 28 optimisations: each one against its plain version.

Usage::

    python benchmarks/audit.py [--rounds N] [--base COMMIT] [--only N,N,...]

For every optimisation, the optimised and the plain code run in this one process, in
alternating batches (the order flipped every round), and the figure of each is the median
over rounds of its CPU time per operation: two batches milliseconds apart see the same
machine. An optimisation that issue 18 removed is loaded from the code before that pass
(``--base``, the module's source at that commit through ``git show``), so both versions
still run side by side; snippets stand for the ones in ``kvsmock/mock.py`` and
``kvsmock/_intercept.py``, which another change removes. Import and first-call items time a
new interpreter or a new botocore loader per sample.

The figures are warm (the same work repeated): in the real path, between botocore's ~230 µs
of work per call, a warm microsecond costs about three (docs/performance.md, "Where
kvsmock's time goes"). The last column compares that estimate with the thresholds of the
issue: 2 % of the ``before-send`` floor's per-call time (measured here, a boto3
``describe_stream`` answered by a prebuilt reply) or 10 µs per test.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
import types
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import canned

ROOT = Path(__file__).resolve().parent.parent
#: The commit before the plain-code pass of issue 18.
BASE = "7f23859"
#: The documented cost of a warm microsecond in the real path (docs/performance.md).
REAL_PATH_FACTOR = 3.0
BATCH_SECONDS = 0.004
#: The floor's describe_stream in the last full ``make bench`` run (µs): figures per test
#: are scaled by it over this run's floor, to compare with the absolute 10 µs threshold.
QUIET_FLOOR = 253.0

Op = Callable[[], Any]


class Row(NamedTuple):
    number: str
    what: str
    unit: str  # "call", "test", "page", "import", "process"
    plain: float  # µs (ms for import / process)
    optimised: float
    note: str = ""


def _count(op: Op) -> int:
    """How many runs of ``op`` fill about :data:`BATCH_SECONDS` of CPU time."""
    n = 1
    while True:
        start = time.process_time()
        for _ in range(n):
            op()
        if time.process_time() - start >= BATCH_SECONDS / 4 or n >= 1 << 20:
            return max(1, int(n * BATCH_SECONDS / max(time.process_time() - start, 1e-9)))
        n *= 2


def pair(plain: Op, optimised: Op, rounds: int) -> Tuple[float, float]:
    """Median µs per run of each, in alternating batches of equal count."""
    plain(), optimised()  # warm-up, and fills whatever each one caches
    n = _count(plain)
    times: Dict[str, List[float]] = {"plain": [], "optimised": []}
    sides = {"plain": plain, "optimised": optimised}
    for r in range(rounds):
        for name in sorted(sides, reverse=bool(r % 2)):
            op = sides[name]
            start = time.process_time()
            for _ in range(n):
                op()
            times[name].append((time.process_time() - start) / n * 1e6)
    return statistics.median(times["plain"]), statistics.median(times["optimised"])


def old_module(path: str, name: str, base: str) -> types.ModuleType:
    """The module at ``path`` as it was at ``base``, loaded under ``name``."""
    source = subprocess.run(
        ["git", "show", f"{base}:{path}"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return _load(source, name, f"<{base}:{path}>")


def current_copy(path: str, name: str, **overrides: Any) -> types.ModuleType:
    """A second, independent copy of the module at ``path``, with globals overridden."""
    source = (ROOT / path).read_text(encoding="utf-8")
    return _load(source, name, str(ROOT / path), overrides)


def _load(
    source: str, name: str, filename: str, overrides: Optional[Dict[str, Any]] = None
) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)
    module.__dict__.update(overrides or {})
    return module


def subprocess_import_ms(module: str, samples: int = 5) -> float:
    """``-X importtime``'s cumulative figure of ``module`` imported after boto3, in ms."""
    found: List[float] = []
    for _ in range(samples + 1):  # the first fills the byte-code caches
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import boto3; import {module}"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **canned.STANDALONE_ENV},
        )
        for line in proc.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                found.append(int(parts[1]) / 1000)
    return statistics.median(found[1:])


def each_ms(op: Op, samples: int = 7) -> float:
    """Median CPU ms of single runs of ``op`` (work that caches itself: a new object each)."""
    found = []
    for _ in range(samples):
        start = time.process_time()
        op()
        found.append((time.process_time() - start) * 1000)
    return statistics.median(found)


# -- shapes and values -----------------------------------------------------------------------


def _shapes(operation: str) -> Tuple[Any, Any]:
    from kvsmock import _model

    model = _model.operation_model("kinesisvideo", operation)
    return model.input_shape, model.output_shape


NOW = _dt.datetime(2026, 12, 3, 12, 0, 0, 123000, tzinfo=_dt.timezone.utc)


def _info(i: int) -> Dict[str, Any]:
    name = canned.stream_name(i)
    rng = random.Random(i)
    return {
        "DeviceName": None,
        "StreamName": name,
        "StreamARN": canned.stream_arn(name),
        "MediaType": None,
        "KmsKeyId": canned.KMS_KEY,
        "Version": "".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789", k=20)),
        "Status": "ACTIVE",
        "CreationTime": NOW,
        "DataRetentionInHours": 0,
    }


DESCRIBE_IN = {"StreamName": canned.stream_name(0)}
DESCRIBE_OUT = {"StreamInfo": _info(0)}
CREATE_IN = {"StreamName": "cam-1", "DataRetentionInHours": 24, "MediaType": "video/h264"}
CREATE_OUT = {"StreamARN": canned.stream_arn("cam-1")}
#: A ListStreams page of 100 out of 10,000 distinct streams: the strings of the whole
#: listing pass through the checks, as a paginated listing of 10,000 streams does.
PAGES = [
    {"StreamInfoList": [_info(i) for i in range(p * 100, p * 100 + 100)], "NextToken": "x"}
    for p in range(100)
]


def checks(module: Any, operation: str) -> Tuple[Callable[..., None], Callable[..., None]]:
    shape_in, shape_out = _shapes(operation)
    return module.compile_shape(shape_in), module.compile_shape(shape_out, output=True)


def run_check(check: Callable[..., None], value: Any) -> None:
    problems: List[str] = []
    check(value, "", problems)
    if problems:
        raise AssertionError(problems)


def page_op(check: Callable[..., None]) -> Op:
    pages = iter(range(1 << 30))

    def op() -> None:
        run_check(check, PAGES[next(pages) % len(PAGES)])

    return op


def call_ops(module: Any) -> Dict[str, Op]:
    """Input plus output check of a describe and of a create, and a listing page's output."""
    d_in, d_out = checks(module, "DescribeStream")
    c_in, c_out = checks(module, "CreateStream")
    _, l_out = checks(module, "ListStreams")
    return {
        "describe": lambda: (run_check(d_in, DESCRIBE_IN), run_check(d_out, DESCRIBE_OUT)),
        "create": lambda: (run_check(c_in, CREATE_IN), run_check(c_out, CREATE_OUT)),
        "page": page_op(l_out),
    }


# -- the floor -------------------------------------------------------------------------------


def floor_per_call(rounds: int) -> float:
    """µs of a boto3 ``describe_stream`` answered by a prebuilt ``before-send`` reply."""
    import boto3
    from botocore.awsrequest import AWSResponse

    client = boto3.client("kinesisvideo", region_name=canned.REGION)
    body, headers = canned.body(canned.wire("describe_stream")[0])

    def answer(request: Any, **_: Any) -> Any:
        response = AWSResponse(request.url, 200, headers, None)
        response._content = body
        return response

    client.meta.events.register_first("before-send.kinesis-video", answer)
    op = lambda: client.describe_stream(StreamName=canned.stream_name(0))  # noqa: E731
    return pair(op, op, rounds)[0]


# -- the items -------------------------------------------------------------------------------


def audit(rounds: int, base: str, only: Optional[set[str]]) -> List[Row]:
    from kvsmock import _clock, _dispatch, _intercept, _protocol, _validate

    old_validate = old_module("kvsmock/_validate.py", "audit_old_validate", base)
    old_walk = old_module("kvsmock/_validate.py", "audit_old_walk", base)
    old_walk._GENERATE_AFTER = 1 << 62  # the old closures without predicates
    old_no_exact = old_module("kvsmock/_validate.py", "audit_old_no_exact", base)
    old_no_exact._GENERATE_AFTER = 1 << 62
    old_no_exact._EXACT_TYPES = {}
    no_memory = current_copy("kvsmock/_validate.py", "audit_no_memory", _ACCEPTED={})
    no_memory._ACCEPTED_MAX_LENGTH = -1  # remembers nothing: every constraint, every time
    old_clock = old_module("kvsmock/_clock.py", "audit_old_clock", base)
    old_protocol = old_module("kvsmock/_protocol.py", "audit_old_protocol", base)
    old_dispatch = old_module("kvsmock/_dispatch.py", "audit_old_dispatch", base)
    old_resources = old_module("kvsmock/state/resources.py", "audit_old_resources", base)
    from kvsmock.state import Stream

    rows: List[Row] = []

    def want(number: str) -> bool:
        return only is None or number in only

    def add(number: str, what: str, unit: str, plain: Op, optimised: Op, note: str = "") -> None:
        if want(number):
            p, o = pair(plain, optimised, rounds)
            rows.append(Row(number, what, unit, p, o, note))
            print(f"  {number:>4} {what}: plain {p:.2f}, optimised {o:.2f}", file=sys.stderr)

    # 1. unittest not imported by kvsmock.mock
    if want("1"):
        ms = subprocess_import_ms("unittest")
        rows.append(Row("1", "`import unittest` avoided (after boto3)", "import", ms, 0.0))

    # 2 + 22. accepted strings, shared by checks with the same constraints
    remembering, forgetting = call_ops(_validate), call_ops(no_memory)
    for key in ("describe", "create"):
        add("2+22", f"accepted strings: {key} checks", "call", forgetting[key], remembering[key])
    add(
        "2+22",
        "accepted strings: a ListStreams page of 100",
        "page",
        forgetting["page"],
        remembering["page"],
    )

    # 3. exact-type fast path (old code without predicates), and today's type test
    exact, no_exact, today = call_ops(old_walk), call_ops(old_no_exact), call_ops(_validate)
    add(
        "3",
        "exact-type fast path: describe checks",
        "call",
        no_exact["describe"],
        exact["describe"],
        "today's type test per shape: see row 11",
    )
    add("3", "exact-type fast path: a page of 100", "page", no_exact["page"], exact["page"])

    # 4. member paths computed once
    members = list(DESCRIBE_OUT["StreamInfo"])
    paths = {name: _validate.member_path("", name) for name in members}
    add(
        "4",
        "member paths computed once (9 members)",
        "call",
        lambda: [_validate.member_path("streamInfo", n) for n in members],
        lambda: ["streamInfo." + paths[n] for n in members],
    )

    # 5, 12. the standard library's encoder (the path orjson refuses)
    encoder = json.JSONEncoder(default=_protocol._json_default, separators=(",", ":"))
    default = _protocol._json_default
    add(
        "5",
        "one JSONEncoder (stdlib path): describe result",
        "call",
        lambda: json.dumps(DESCRIBE_OUT, default=default, separators=(",", ":")),
        lambda: encoder.encode(DESCRIBE_OUT),
    )
    add(
        "12",
        "C encoder built once (stdlib path): describe result",
        "call",
        lambda: encoder.encode(DESCRIBE_OUT),
        lambda: old_protocol._ENCODE(DESCRIBE_OUT),
    )

    # 6. request ids formatted directly
    r1, r2 = random.Random(1), random.Random(1)
    add(
        "6",
        "request id formatted directly",
        "call",
        lambda: _clock.new_request_id(r1),  # str(uuid.UUID(bytes=..., version=4))
        lambda: old_clock.new_request_id(r2),
    )

    # 7. no HTTPHeaders before AWSResponse
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders

    reply_headers = {
        "x-amzn-RequestId": "r",
        "Content-Type": "application/json",
        "Content-Length": "2",
    }

    def with_http_headers() -> Any:
        headers = HTTPHeaders()
        for k, v in reply_headers.items():
            headers[k] = v
        return AWSResponse("https://x", 200, headers, None)

    add(
        "7",
        "no HTTPHeaders before AWSResponse",
        "call",
        with_http_headers,
        lambda: AWSResponse("https://x", 200, reply_headers, None),
    )

    # 8, 9. partitions.json, the session's loader
    if want("8") or want("9"):
        from botocore.loaders import Loader

        if want("8"):
            endpoints = each_ms(lambda: Loader().load_data("endpoints"))
            partitions = each_ms(lambda: Loader().load_data("partitions"))
            rows.append(
                Row(
                    "8",
                    "partitions.json instead of endpoints.json",
                    "process",
                    endpoints,
                    partitions,
                    "also ~9 MiB kept for the process",
                )
            )
        if want("9"):
            model = each_ms(lambda: Loader().load_service_model("kinesisvideo", "service-2"))
            rows.append(
                Row("9", "the session's data loader (no second model parse)", "process", model, 0.0)
            )

    # 10. regex imported on first use
    if want("10"):
        rows.append(
            Row(
                "10",
                "`regex` imported on first use (after boto3)",
                "process",
                subprocess_import_ms("regex"),
                0.0,
                "per process with a CreateStream",
            )
        )

    # 11. would-pass predicates
    predicates = call_ops(old_validate)
    for key in ("describe", "create"):
        add(
            "11",
            f"would-pass predicates: {key} checks",
            "call",
            exact[key],
            predicates[key],
            f"today: {pair(today[key], today[key], max(3, rounds // 3))[0]:.2f}",
        )
    add(
        "11",
        "would-pass predicates: a page of 100",
        "page",
        exact["page"],
        predicates["page"],
        f"today: {pair(today['page'], today['page'], max(3, rounds // 3))[0]:.2f}",
    )

    # 13. request JSON decoded directly
    body = json.dumps(CREATE_IN, separators=(",", ":")).encode()
    add(
        "13",
        "request JSON decoded directly",
        "call",
        lambda: json.loads(body),
        lambda: old_protocol._loads(body),
    )

    # 14. now() by subtraction
    add("14", "now() by subtraction", "call", _clock.now, old_clock.now)

    # 15. one default KMS ARN per store (kept, plainly): memory of 10,000 streams
    if want("15"):
        tracemalloc.start()
        copies = [
            f"arn:aws:kms:us-east-1:{canned.ACCOUNT}:alias/aws/kinesisvideo" for _ in range(10_000)
        ]
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del copies
        rows.append(
            Row(
                "15",
                "one KMS ARN string per store, 10,000 streams (MiB)",
                "memory",
                size / 2**20,
                0.0,
            )
        )

    # 16. orjson
    stdlib = _protocol._STDLIB_ENCODER.encode
    add(
        "16",
        "orjson: describe result",
        "call",
        lambda: stdlib(DESCRIBE_OUT).encode(),
        lambda: _protocol.encode_json(DESCRIBE_OUT),
    )
    add(
        "16",
        "orjson: a ListStreams page of 100",
        "page",
        lambda: stdlib(PAGES[0]).encode(),
        lambda: _protocol.encode_json(PAGES[0]),
    )

    # 17. AWSResponse without botocore's header copy
    if hasattr(_intercept, "_response_factory"):
        factory = _intercept._response_factory()
        add(
            "17",
            "AWSResponse filled directly",
            "call",
            lambda: _intercept._aws_response("https://x", 200, reply_headers, b"{}"),
            lambda: factory("https://x", 200, reply_headers, b"{}"),
        )

    # 18. the SigV4 scope cached, Authorization read through HeadersDict's layout
    from botocore.awsrequest import HeadersDict, _HeaderKey

    auth = (
        f"AWS4-HMAC-SHA256 Credential={canned.STANDALONE_ENV['AWS_ACCESS_KEY_ID']}/"
        "20261203/us-east-1/kinesisvideo/aws4_request, SignedHeaders=host;x-amz-date, "
        "Signature=" + "0" * 64
    )
    request_headers = HeadersDict(
        {
            "Authorization": auth,
            "X-Amz-Date": "20261203T120000Z",
            "Content-Type": "application/x-amz-json-1.1",
            "User-Agent": "Boto3/1.44 botocore/1.44",
        }
    )
    key = _HeaderKey("Authorization")
    old_dispatch.AUTHORIZATION_GETTERS[HeadersDict] = lambda h: h._dict.get(key)

    class Accounts:
        def account_for(self, access_key_id: Optional[str]) -> str:
            return "123456789012"

    mock = Accounts()
    url = "https://kinesisvideo.us-east-1.amazonaws.com/describeStream"
    add(
        "18",
        "SigV4 scope cached, Authorization through HeadersDict",
        "call",
        lambda: _dispatch.identity(request_headers, mock, url),  # type: ignore[arg-type]
        lambda: old_dispatch.identity(request_headers, mock),
    )

    # 19. ids in one draw (kept: they define the ids of a seed)
    alphabet = _clock._VERSION_ALPHABET
    r3, r4 = random.Random(2), random.Random(2)
    add(
        "19",
        "Version in one draw",
        "call",
        lambda: "".join(r3.choices(alphabet, k=20)),
        lambda: _clock.new_version(r4),
        "kept: the ids of a seed (every pinned test id)",
    )

    # 20, 26. the mock's two seeded sources
    state = random.Random(0).getstate()

    def copied() -> Any:  # as optimisation 20 did (commit 0b998747)
        r = random.Random.__new__(random.Random)
        r.setstate(state)
        return r

    add(
        "20",
        "seeded states copied (x2 per mock)",
        "test",
        lambda: (random.Random(0), random.Random("requests-0")),
        lambda: (copied(), copied()),
    )

    def plain_sources() -> Any:
        rng, ids = _clock.seeded_random(0), _clock.RequestIds("requests-0")
        return rng.randbytes(20), rng.randbytes(8), ids.next()

    def shared_sources() -> Any:
        rng, ids = old_clock.seeded_random(0), old_clock.RequestIds("requests-0")
        return rng.randbytes(28), ids.next()

    add(
        "26",
        "no Mersenne Twister seeded per mock (2 sources, a test's draws)",
        "test",
        plain_sources,
        shared_sources,
    )

    # 21, 25. the environment (kvsmock/mock.py before issue 13)
    environ = os.environ
    names = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
    environ.pop(names[0], None), environ.pop(names[1], None)
    encoded = [environ.encodekey(n) for n in names]  # type: ignore[attr-defined]
    data = environ._data  # type: ignore[attr-defined]
    add(
        "21",
        "environment tests without exceptions (x4 per test)",
        "test",
        lambda: [n in environ for n in names * 2],
        lambda: [k in data for k in encoded * 2],
    )
    pairs = [("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")]
    raw = [(environ.encodekey(k), environ.encodevalue(v)) for k, v in pairs]  # type: ignore[attr-defined]
    before = [(k, environ.get(k)) for k, _ in pairs]

    def plain_env() -> None:
        for k, v in pairs:
            environ[k] = v
        for k, old in before:
            if old is not None:
                environ[k] = old

    def encoded_env() -> None:
        for k, v in raw:
            os.putenv(k, v)
            data[k] = v
        for (k, _), (_name, old) in zip(raw, before):
            if old is not None:
                value = environ.encodevalue(old)  # type: ignore[attr-defined]
                os.putenv(k, value)
                data[k] = value

    add("25", "environment writes encoded once (install + restore)", "test", plain_env, encoded_env)

    # 23. lighter streams: a stream's construction, and 10,000 streams' memory
    def new_stream(cls: Any, endpoint_ids: Any) -> Op:
        return lambda: cls(
            name="cam",
            arn=CREATE_OUT["StreamARN"],
            creation_time=NOW,
            version="a" * 20,
            kms_key_id=canned.KMS_KEY,
            endpoint_ids=endpoint_ids,
        )

    add(
        "23",
        "lighter streams: one Stream made",
        "call",
        new_stream(Stream, {"s": "1e415f8b", "b": "00c0ffee"}),
        new_stream(old_resources.Stream, "1e415f8b00c0ffee"),
    )
    if want("23"):
        sizes = []
        for make in (
            new_stream(Stream, {"s": "1e415f8b", "b": "00c0ffee"}),
            new_stream(old_resources.Stream, "1e415f8b00c0ffee"),
        ):
            tracemalloc.start()
            kept = [make() for _ in range(10_000)]
            sizes.append(tracemalloc.get_traced_memory()[0] / 2**20)
            tracemalloc.stop()
            del kept
        rows.append(Row("23", "lighter streams: 10,000 streams (MiB)", "memory", *sizes))

    # 24, 27. smaller steps of dispatch
    operations = old_dispatch._operations
    op_key = ("kinesis-video", "DescribeStream")
    _dispatch._operation(*op_key), old_dispatch._operation(*op_key)
    op_new, op_old = _dispatch._operations[op_key], operations[op_key]
    add(
        "24",
        "dispatch's steps: lookup, bound methods, data-plane flag",
        "call",
        lambda: (
            _dispatch._operation(*op_key).codec.parse,
            _dispatch._endpoints.wrong_endpoint(op_new.service_name, "DescribeStream", url),
        ),
        lambda: (
            (operations.get(op_key) or old_dispatch._operation(*op_key)).parse,
            op_old.data_plane and None,
        ),
    )
    from kvsmock.services import RequestContext

    add(
        "27",
        "tuple.__new__ for RequestContext and HttpReply",
        "call",
        lambda: (
            RequestContext("kinesisvideo", "DescribeStream", "1", "us-east-1", NOW, "r"),
            _protocol.HttpReply(200, reply_headers, b"{}"),
        ),
        lambda: (
            tuple.__new__(
                RequestContext, ("kinesisvideo", "DescribeStream", "1", "us-east-1", NOW, "r")
            ),
            tuple.__new__(_protocol.HttpReply, (200, reply_headers, b"{}")),
        ),
    )
    r5, r6 = random.Random(3), random.Random(3)
    add(
        "27",
        "a stream's Version and ids in one draw",
        "call",
        lambda: (_clock.new_version(r5), _clock.new_hex8s(r5, 2)),
        lambda: old_clock.new_version_and_hex_ids(r6, 2),
    )
    return rows


def verdict(row: Row, floor: float) -> str:
    if row.unit in ("call", "page"):
        real = (row.plain - row.optimised) * REAL_PATH_FACTOR
        reference = floor if row.unit == "call" else floor * 8  # a page: ~8 calls' floor
        return f"{100 * real / reference:+.1f} % of the floor"
    if row.unit == "test":
        real = (row.plain - row.optimised) * REAL_PATH_FACTOR * QUIET_FLOOR / floor
        return f"{real:+.1f} µs per test at a full run's load"
    if row.unit in ("import", "process"):
        return f"{row.plain - row.optimised:+.1f} ms"
    return f"{row.plain - row.optimised:+.2f} MiB"


def main() -> None:
    canned.use_standalone_env()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--only", help="comma-separated item numbers (as in the table)")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    floor = floor_per_call(args.rounds)
    rows = audit(args.rounds, args.base, only)
    print(
        f"before-send floor, describe_stream: {floor:.0f} us per call (machine load "
        f"{floor / QUIET_FLOOR:.2f}x a full run's {QUIET_FLOOR:g} us); real path ~ "
        f"{REAL_PATH_FACTOR:g} x warm; thresholds: 2 % of the floor per call, 10 us per test "
        "(at a full run's load)"
    )
    print("| # | optimisation | per | plain | optimised | gain | real path, estimated |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        unit = {"import": "ms", "process": "ms", "memory": "MiB"}.get(row.unit, "µs")
        print(
            f"| {row.number} | {row.what} | {row.unit} | {row.plain:.2f} {unit} | "
            f"{row.optimised:.2f} {unit} | {row.plain - row.optimised:+.2f} {unit} | "
            f"{verdict(row, floor)}{'; ' + row.note if row.note else ''} |"
        )


if __name__ == "__main__":
    main()
