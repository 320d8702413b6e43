"""Canned KVS responses for the two floors, in wire form (JSON bytes) and parsed form.

The bodies are the ones kvsmock sends for the same calls (same members, same ``null``s, same
number formats), so botocore parses the same amount of JSON on every backend and the floors
differ from kvsmock only by what kvsmock does to produce them.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import hashlib
import json
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

REGION = "us-east-1"
ACCOUNT = "123456789012"
CREATED_MS = 1_700_000_000_123  # a millisecond part, as the mock clock gives
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/kinesisvideo"
ENDPOINT = f"https://s-1e415f8b.kinesisvideo.{REGION}.amazonaws.com"
REQUEST_ID = "c0a4c3e2-4f3e-4d7b-9b0a-6f1d2e3c4b5a"
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


#: The environment of a benchmark process run on its own (``profile_kvsmock.py``,
#: ``paired.py``): fake credentials, no config files, no metadata calls (``run.py`` gives
#: its children the same, see ``child_env``).
STANDALONE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000000",
    "AWS_SECRET_ACCESS_KEY": "benchmark-secret",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def use_standalone_env() -> None:
    """Set :data:`STANDALONE_ENV` in this process (before boto3 reads it)."""
    os.environ.update(STANDALONE_ENV)
    os.environ.pop("AWS_SESSION_TOKEN", None)


def workload_parser(choices: Sequence[str]) -> argparse.ArgumentParser:
    """For the in-process tools (``paired.py``, ``profile_kvsmock.py``): sets the standalone
    environment (before any client resolves credentials) and returns a parser whose first,
    optional argument is the workload (default ``describe``)."""
    use_standalone_env()
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", nargs="?", default="describe", choices=list(choices))
    return parser


def stream_name(i: int) -> str:
    """The name the workloads give their ``i``-th stream."""
    return f"bench-{i:05d}"


def stream_arn(name: str) -> str:
    return f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/{name}/{CREATED_MS}"


def stream_info(name: str) -> Dict[str, Any]:
    """``StreamInfo`` as kvsmock writes it (absent members as JSON ``null``)."""
    return {
        "DeviceName": None,
        "StreamName": name,
        "StreamARN": stream_arn(name),
        "MediaType": None,
        "KmsKeyId": KMS_KEY,
        "Version": "AbCdEfGhIjKlMnOpQr01",
        "Status": "ACTIVE",
        "CreationTime": CREATED_MS / 1000,
        "DataRetentionInHours": 0,
    }


def list_token(last_name: str) -> str:
    """A ListStreams ``NextToken`` as kvsmock writes it (bound to listing, account, region)."""
    scope = hashlib.sha256(f"streams|{ACCOUNT}|{REGION}".encode()).hexdigest()[:16]
    return base64.b64encode(f"kvsmock:v1:{scope}:{last_name}".encode()).decode("ascii")


def wire(operation: str, n_streams: int = 0) -> List[Dict[str, Any]]:
    """The wire-form result dicts of one call of ``operation`` (several pages for listing)."""
    name = stream_name(0)
    if operation == "create_stream":
        return [{"StreamARN": stream_arn(name)}]
    if operation == "describe_stream":
        return [{"StreamInfo": stream_info(name)}]
    if operation == "get_data_endpoint":
        return [{"DataEndpoint": ENDPOINT}]
    if operation == "tag_stream":
        return [{}]
    if operation == "list_tags_for_stream":
        return [{"Tags": {"k": "v"}}]
    if operation == "list_streams":
        pages: List[Dict[str, Any]] = []
        for start in range(0, n_streams, 100):
            names = [stream_name(i) for i in range(start, min(start + 100, n_streams))]
            page: Dict[str, Any] = {"StreamInfoList": [stream_info(n) for n in names]}
            if start + 100 < n_streams:
                page["NextToken"] = list_token(names[-1])
            pages.append(page)
        return pages or [{"StreamInfoList": []}]
    raise ValueError(operation)


def body(result: Dict[str, Any]) -> Tuple[bytes, Dict[str, str]]:
    """The HTTP body and headers kvsmock would send for a result dict."""
    data = json.dumps(result, separators=(",", ":")).encode()
    headers = {
        "x-amzn-RequestId": REQUEST_ID,
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
    }
    return data, headers


def parsed(result: Any, key: Optional[str] = None) -> Any:
    """A wire-form result as botocore hands it to the user (what Stubber must be given)."""
    if isinstance(result, dict):
        return {k: parsed(v, k) for k, v in result.items() if v is not None}
    if isinstance(result, list):
        return [parsed(v) for v in result]
    if key == "CreationTime":
        return _EPOCH + _dt.timedelta(seconds=result)
    return result
