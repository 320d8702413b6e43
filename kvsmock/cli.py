"""The ``kvsmock`` command: ``kvsmock serve`` runs the fake as an HTTP server.

Prints one line, ``kvsmock serving at <URL>``, once requests are answered (after a
``kvsmock CA file: <path>`` line with ``--tls``); SIGINT and SIGTERM stop it cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Dict, Optional, Sequence

from kvsmock.errors import ServiceError
from kvsmock.mock import DEFAULT_ACCOUNT_ID

#: Mirrors kvsmock.server.DEFAULT_PORT / DEFAULT_HOST without importing aiohttp for --help.
DEFAULT_PORT = 4567
DEFAULT_HOST = "127.0.0.1"
DEFAULT_GET_MEDIA_IDLE_SECONDS = 3.0
#: Mirrors kvsmock._dispatch.DEFAULT_REGION: the region of unsigned requests.
DEFAULT_REGION = "us-east-1"


def _account(text: str) -> tuple[str, str]:
    key, sep, account = text.partition("=")
    if not sep or not key or not (len(account) == 12 and account.isdigit()):
        raise argparse.ArgumentTypeError(
            f"expected ACCESS_KEY_ID=ACCOUNT_ID with a 12-digit account id, not {text!r}"
        )
    return key, account


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, not {text!r}")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, not {text!r}")
    return int(text)


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT (e.g. 320x240), not {text!r}")
    return int(width), int(height)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a whole number > 0, not {text!r}")
    return int(text)


def _stream_name(text: str) -> str:
    # CreateStream's StreamName constraint (the botocore model): 1-256 of [a-zA-Z0-9_.-].
    allowed = all(c.isascii() and (c.isalnum() or c in "_.-") for c in text)
    if not (allowed and 0 < len(text) <= 256):
        raise argparse.ArgumentTypeError(
            f"expected a stream name of 1-256 letters, digits, '_', '.' or '-', not {text!r}"
        )
    return text


def parser() -> argparse.ArgumentParser:
    """The ``kvsmock`` argument parser."""
    top = argparse.ArgumentParser(prog="kvsmock", description="kvsmock: a fake of AWS KVS.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the fake over HTTP",
        description="Serve the five Kinesis Video Streams services over HTTP (docs/server.md).",
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (%(default)s)")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="port (%(default)s; 0 picks a free one)"
    )
    serve.add_argument("--seed", type=int, default=0, help="seed of ids (%(default)s)")
    serve.add_argument(
        "--transition-seconds",
        type=_seconds,
        default=0.0,
        help="how long CREATING/UPDATING/DELETING last (%(default)s)",
    )
    serve.add_argument(
        "--account",
        type=_account,
        action="append",
        default=[],
        metavar="ACCESS_KEY_ID=ACCOUNT_ID",
        help=f"map an access key to an account (repeatable); others use {DEFAULT_ACCOUNT_ID}",
    )
    serve.add_argument(
        "--tls", action="store_true", help="serve HTTPS with a certificate made for this run"
    )
    serve.add_argument(
        "--public-url",
        help="base URL clients reach the server at, used in data endpoints and session URLs "
        "(default: the URL it listens on)",
    )
    serve.add_argument(
        "--get-media-idle-seconds",
        type=_seconds,
        default=DEFAULT_GET_MEDIA_IDLE_SECONDS,
        help="end a GetMedia response after this long without a new fragment (%(default)s)",
    )
    serve.add_argument(
        "--signaling-idle-seconds",
        type=_seconds,
        default=600.0,
        help="close a signaling WebSocket after this long without a message or ping "
        "(%(default)s, the AWS quota)",
    )
    serve.add_argument(
        "--signaling-max-connection-seconds",
        type=_seconds,
        default=3600.0,
        help="longest life of a signaling WebSocket; GO_AWAY comes up to 60 s before "
        "(%(default)s, the AWS quota)",
    )
    serve.add_argument(
        "--no-require-data-endpoint",
        dest="require_data_endpoint",
        action="store_false",
        help="serve data-plane calls at the root URL too (AWS answers them only at the "
        "GetDataEndpoint / GetSignalingChannelEndpoint URL)",
    )
    camera = serve.add_argument_group(
        "simulated cameras", "streams fed live with a test pattern (docs/server.md)"
    )
    camera.add_argument(
        "--camera",
        type=_stream_name,
        action="append",
        default=[],
        metavar="STREAM_NAME",
        help="feed this stream (created when missing) with a simulated camera (repeatable)",
    )
    camera.add_argument(
        "--camera-region",
        default=DEFAULT_REGION,
        help="region of the cameras' streams, in the default account (%(default)s)",
    )
    camera.add_argument(
        "--camera-fps", type=_positive_int, default=10, help="frames per second (%(default)s)"
    )
    camera.add_argument(
        "--camera-size",
        type=_size,
        default=(320, 240),
        metavar="WIDTHxHEIGHT",
        help="picture size (320x240)",
    )
    camera.add_argument(
        "--camera-fragment-seconds",
        type=_seconds,
        default=2.0,
        help="length of each fragment (one GOP), more than 0 and at most 10 (%(default)s)",
    )
    return top


async def _serve(args: argparse.Namespace) -> int:
    from kvsmock import server

    accounts: Dict[str, str] = dict(args.account)
    options = server.ServerOptions(
        host=args.host,
        port=args.port,
        seed=args.seed,
        transition_seconds=args.transition_seconds,
        accounts=accounts,
        tls=args.tls,
        public_url=args.public_url,
        get_media_idle_seconds=args.get_media_idle_seconds,
        require_data_endpoint=args.require_data_endpoint,
        signaling=server.SignalingLimits(
            idle_seconds=args.signaling_idle_seconds,
            max_connection_seconds=args.signaling_max_connection_seconds,
        ),
        cameras=tuple(args.camera),
        camera=server.CameraOptions(
            fps=args.camera_fps,
            width=args.camera_size[0],
            height=args.camera_size[1],
            fragment_seconds=args.camera_fragment_seconds,
            region=args.camera_region,
        ),
    )
    try:
        running = await server.start(options)
    except (ValueError, ServiceError) as e:  # a camera option or stream name refused
        print(f"kvsmock: bad camera option: {e}", file=sys.stderr)
        return 2
    except ImportError as e:  # MediaExtraMissing: --camera needs PyAV
        print(f"kvsmock: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(
            f"kvsmock: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr
        )
        return 1
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    if running.ca_file is not None:
        print(f"kvsmock CA file: {running.ca_file}", flush=True)
    print(f"kvsmock serving at {running.endpoint_url}", flush=True)
    try:
        await stopping.wait()
    finally:
        await server.stop(running)
    print("kvsmock stopped", flush=True)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``kvsmock`` command; returns the exit status."""
    args = parser().parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.WARNING, format="kvsmock: %(levelname)s %(message)s")
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        print(
            "kvsmock serve needs the server extra: pip install 'kvsmock[server]'", file=sys.stderr
        )
        return 2
    return asyncio.run(_serve(args))
