"""The server benchmark (issue 14): ``kvsmock serve`` against moto's server and a raw socket.

Usage::

    python benchmarks/server.py            # make bench-server
    python benchmarks/server.py --quick    # small counts: proves it runs

1. Per call: the same boto3 workload (CreateStream, DescribeStream, GetDataEndpoint,
   ListStreams, DeleteStream per round) against kvsmock's ``ThreadedServer`` and moto's
   ``ThreadedMotoServer``, both serving from a thread of this process (the same setting), in
   alternating rounds. The figure is the median per-call time over rounds; the ratio is taken
   round by round (kvsmock over moto) and its median reported. Target: at most 0.5.
2. Throughput over loopback: one PutMedia upload of a generated Matroska file (large noise
   frames, H.264 from PyAV) and one GetMedia download of it, against ``kvsmock serve`` in its
   own process; and, in the same run, the same bytes sent through a raw loopback socket to a
   process that reads them all (and from one that writes them). Target: at least 0.5 x raw.

Prints a table and writes ``benchmarks/results/server-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import boto3
import requests
from botocore.config import Config

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
KEY, SECRET = "AKIAKVSMOCKBENCH0001", "fake"

# -- per call ----------------------------------------------------------------------------------


def _client(url: str) -> Any:
    return boto3.client(
        "kinesisvideo",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        config=Config(retries={"max_attempts": 1}),
    )


def _workload(client: Any, rounds: int, tag: str) -> float:
    """Seconds per call of ``rounds`` x 5 calls."""
    start = time.perf_counter()
    for i in range(rounds):
        name = f"{tag}-{i}"
        client.create_stream(StreamName=name, DataRetentionInHours=1)
        client.describe_stream(StreamName=name)
        client.get_data_endpoint(StreamName=name, APIName="GET_MEDIA")
        client.list_streams(MaxResults=10)
        client.delete_stream(
            StreamARN=client.describe_stream(StreamName=name)["StreamInfo"]["StreamARN"]
        )
    return (time.perf_counter() - start) / (rounds * 6)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _moto() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def _kvsmock() -> Iterator[str]:
    from kvsmock.server import ThreadedServer

    with ThreadedServer() as server:
        yield server.endpoint_url


@contextmanager
def _moto_process() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def per_call(rounds: int, repeats: int, processes: bool = False) -> Dict[str, Any]:
    """Per-call times; ``processes``: ``kvsmock serve`` and ``moto_server`` as their own
    processes instead of threads of this one."""
    servers: Dict[str, Callable[[], Any]] = (
        {"kvsmock": _serve, "moto": _moto_process}
        if processes
        else {"kvsmock": _kvsmock, "moto": _moto}
    )
    times: Dict[str, List[float]] = {name: [] for name in servers}
    with servers["kvsmock"]() as kvsmock_url, servers["moto"]() as moto_url:
        urls = {"kvsmock": kvsmock_url, "moto": moto_url}
        clients = {name: _client(url) for name, url in urls.items()}
        for name, client in clients.items():  # warm: models, connections, first-call caches
            _workload(client, 3, f"warm-{name}")
        for r in range(repeats):
            order = list(clients) if r % 2 == 0 else list(reversed(clients))
            for name in order:
                times[name].append(_workload(clients[name], rounds, f"r{r}-{name}"))
    ratios = [k / m for k, m in zip(times["kvsmock"], times["moto"])]
    return {
        "calls_per_round": rounds * 6,
        "repeats": repeats,
        "kvsmock_us": statistics.median(times["kvsmock"]) * 1e6,
        "moto_us": statistics.median(times["moto"]) * 1e6,
        "ratio": statistics.median(ratios),
        "ratios": ratios,
    }


# -- throughput --------------------------------------------------------------------------------


def make_media(frames: int, size: Tuple[int, int] = (640, 480)) -> bytes:
    """A Matroska H.264 file of noise frames (large, as incompressible video is), one cluster
    per 10-frame GOP, encoded by PyAV."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="matroska") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"g": "10", "keyint_min": "10", "preset": "ultrafast", "qp": "0"}
        stream.time_base = Fraction(1, 10)
        for i in range(frames):
            frame = av.VideoFrame(size[0], size[1], "yuv420p")
            for plane in frame.planes:
                plane.update(os.urandom(plane.buffer_size))
            frame.pts = i
            frame.time_base = Fraction(1, 10)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


_SINK = """
import socket, sys, time
mode, size = sys.argv[1], int(sys.argv[2])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
if mode == "read":
    left = size
    while left:
        left -= len(conn.recv(min(left, 1 << 16)))
    conn.sendall(b"k")
else:
    conn.recv(1)
    data = b"x" * size
    conn.sendall(data)
conn.close()
"""


def raw_transfer(size: int, mode: str) -> float:
    """Seconds to send (``read``: the other process reads) or receive (``write``) ``size``
    bytes through a loopback TCP socket to or from another process."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _SINK, mode, str(size)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    data = os.urandom(size)
    with socket.create_connection(("127.0.0.1", port)) as conn:
        start = time.perf_counter()
        if mode == "read":
            conn.sendall(data)
            conn.recv(1)
        else:
            conn.sendall(b"g")
            left = size
            while left:
                got = conn.recv(min(left, 1 << 16))
                if not got:
                    break
                left -= len(got)
        elapsed = time.perf_counter() - start
    proc.wait(timeout=30)
    proc.stdout.close()
    return elapsed


@contextmanager
def _serve() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kvsmock", "serve", "--port", "0", "--get-media-idle-seconds", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    try:
        yield line.split(" at ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


def throughput(frames: int, repeats: int) -> Dict[str, Any]:
    media = make_media(frames)
    size = len(media)
    put: List[float] = []
    get: List[float] = []
    raw_up: List[float] = []
    raw_down: List[float] = []
    with _serve() as url:
        kv = _client(url)
        for r in range(repeats):
            name = f"bench-{r}"
            kv.create_stream(StreamName=name, DataRetentionInHours=24)
            put_url = kv.get_data_endpoint(StreamName=name, APIName="PUT_MEDIA")["DataEndpoint"]
            get_url = kv.get_data_endpoint(StreamName=name, APIName="GET_MEDIA")["DataEndpoint"]
            headers = {
                "x-amzn-stream-name": name,
                "x-amzn-fragment-timecode-type": "RELATIVE",
                "x-amzn-producer-start-timestamp": str(time.time()),
            }
            start = time.perf_counter()
            reply = requests.post(put_url + "/putMedia", data=media, headers=headers, timeout=300)
            acks = reply.text.splitlines()
            put.append(time.perf_counter() - start)
            assert not any('"ERROR"' in a for a in acks), acks[-1]
            media_client = boto3.client(
                "kinesis-video-media",
                endpoint_url=get_url,
                region_name="us-east-1",
                aws_access_key_id=KEY,
                aws_secret_access_key=SECRET,
            )
            start = time.perf_counter()
            body = media_client.get_media(
                StreamName=name, StartSelector={"StartSelectorType": "EARLIEST"}
            )["Payload"]
            received = sum(len(c) for c in body.iter_chunks(1 << 16))
            get.append(time.perf_counter() - start)
            assert received >= size * 0.99, (received, size)
            raw_up.append(raw_transfer(size, "read"))
            raw_down.append(raw_transfer(size, "write"))
    mb = size / 1e6
    return {
        "bytes": size,
        "fragments": sum(1 for a in acks if '"PERSISTED"' in a),
        "repeats": repeats,
        "put_media_MBps": mb / statistics.median(put),
        "raw_upload_MBps": mb / statistics.median(raw_up),
        "put_ratio": statistics.median(r / p for p, r in zip(put, raw_up)),
        "get_media_MBps": mb / statistics.median(get),
        "raw_download_MBps": mb / statistics.median(raw_down),
        "get_ratio": statistics.median(r / g for g, r in zip(get, raw_down)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts (CI)")
    args = parser.parse_args()
    calls = per_call(rounds=5, repeats=2) if args.quick else per_call(rounds=40, repeats=7)
    procs = (
        per_call(rounds=5, repeats=2, processes=True)
        if args.quick
        else per_call(rounds=40, repeats=7, processes=True)
    )
    moved = throughput(frames=20, repeats=1) if args.quick else throughput(frames=100, repeats=5)
    print(f"Per call ({calls['calls_per_round']} calls x {calls['repeats']} rounds)")
    print(f"  kvsmock ThreadedServer  {calls['kvsmock_us']:9.0f} us")
    print(f"  moto ThreadedMotoServer {calls['moto_us']:9.0f} us")
    print(f"  ratio kvsmock/moto      {calls['ratio']:9.2f}  (target <= 0.5)")
    print("Per call, servers in their own processes")
    print(f"  kvsmock serve           {procs['kvsmock_us']:9.0f} us")
    print(f"  moto_server             {procs['moto_us']:9.0f} us")
    print(f"  ratio kvsmock/moto      {procs['ratio']:9.2f}")
    print(f"Throughput ({moved['bytes'] / 1e6:.1f} MB, {moved['fragments']} fragments)")
    for name, raw in (("PutMedia", "upload"), ("GetMedia", "download")):
        key = "put" if name == "PutMedia" else "get"
        print(
            f"  {name} {moved[key + '_media_MBps']:8.1f} MB/s   raw {raw} "
            f"{moved['raw_' + raw + '_MBps']:8.1f} MB/s   ratio {moved[key + '_ratio']:.2f}"
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"server-{stamp}.json"
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "quick": args.quick}
    out.write_text(
        json.dumps(
            {
                "per_call": calls,
                "per_call_processes": procs,
                "throughput": moved,
                "machine": machine,
            },
            indent=2,
        )
    )
    print(f"wrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
