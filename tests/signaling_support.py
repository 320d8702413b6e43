"""Helpers for the signaling tests: WSS URLs presigned by botocore's SigV4 query signer, a
channel with its endpoints, messages with base64 JSON payloads."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from typing import Any, Dict, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from server_support import ACCESS_KEY, REGION, SECRET_KEY, client
from websockets.asyncio.client import ClientConnection

CHANNEL = "doorbell"


def b64(obj: Any) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def presign(
    endpoint: str,
    channel_arn: str,
    client_id: Optional[str] = None,
    *,
    service: str = "kinesisvideo",
    expires: int = 299,
    key: str = ACCESS_KEY,
    region: str = REGION,
    when: Optional[dt.datetime] = None,
) -> str:
    """The WSS endpoint with ``X-Amz-ChannelARN`` (+ ``X-Amz-ClientId``) signed by botocore."""
    query = {"X-Amz-ChannelARN": channel_arn}
    if client_id is not None:
        query["X-Amz-ClientId"] = client_id
    parts = urlsplit(endpoint)
    http = urlunsplit(("https", parts.netloc, parts.path or "/", urlencode(query), ""))
    request = AWSRequest(method="GET", url=http)
    signer = SigV4QueryAuth(Credentials(key, SECRET_KEY), service, region, expires=expires)
    signer.add_auth(request)
    signed = urlsplit(request.url)
    query_string = signed.query
    if when is not None:  # dated earlier (kvsmock checks the date and expiry, not the HMAC)
        params = dict(parse_qsl(query_string))
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        params["X-Amz-Credential"] = params["X-Amz-Credential"].replace(
            params["X-Amz-Date"][:8], stamp[:8]
        )
        params["X-Amz-Date"] = stamp
        query_string = urlencode(params)
    return urlunsplit((parts.scheme, signed.netloc, signed.path, query_string, ""))


def unsigned(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query)
        if not k.startswith("X-Amz-")
        or k
        in (
            "X-Amz-ChannelARN",
            "X-Amz-ClientId",
        )
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class Channel:
    """A signaling channel of a server and its two WSS endpoints."""

    def __init__(
        self, endpoint_url: str, name: str = CHANNEL, message_ttl_seconds: int = 60
    ) -> None:
        kv = client("kinesisvideo", endpoint_url)
        self.arn: str = kv.create_signaling_channel(
            ChannelName=name,
            SingleMasterConfiguration={"MessageTtlSeconds": message_ttl_seconds},
        )["ChannelARN"]
        self.endpoints: Dict[str, str] = {}
        for role in ("MASTER", "VIEWER"):
            found = kv.get_signaling_channel_endpoint(
                ChannelARN=self.arn,
                SingleMasterChannelEndpointConfiguration={
                    "Protocols": ["WSS", "HTTPS"],
                    "Role": role,
                },
            )["ResourceEndpointList"]
            for entry in found:
                self.endpoints[f"{role}-{entry['Protocol']}"] = entry["ResourceEndpoint"]

    def master_url(self) -> str:
        return presign(self.endpoints["MASTER-WSS"], self.arn)

    def viewer_url(self, client_id: str) -> str:
        return presign(self.endpoints["VIEWER-WSS"], self.arn, client_id)


async def receive(ws: ClientConnection, timeout: float = 5.0) -> Dict[str, Any]:
    event: Dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return event
