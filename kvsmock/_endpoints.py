"""Endpoint discipline: data-plane calls sent to the control-plane host fail as on AWS.

A ``kinesis-video-media`` or ``kinesis-video-archived-media`` client made without the
``GetDataEndpoint`` URL sends its requests to ``kinesisvideo.<region>.<dns suffix>``, the
control-plane host, where AWS does not route them (AWS_BEHAVIOUR.md, "Wrong host or path"):

- GetMedia gets HTTP 403 ``AccessDeniedException`` "Unable to determine service/operation name
  to be authorized" (boto/boto3 #1417, #1506);
- the archived-media operations get ``UnknownOperationException`` with a Coral body
  (boto/boto3 #2909; producer-c #250).

The signaling and WebRTC-storage clients need the channel's endpoints from
GetSignalingChannelEndpoint: HTTPS (``https://r-<8 hex>...``) for ``kinesis-video-signaling``
and WEBRTC (``https://w-<8 hex>...``) for ``kinesis-video-webrtc-storage``. Sent to the
control-plane host they get ``UnknownOperationException`` (GetIceServerConfig: boto/boto3
#2909; SendAlexaOfferToMaster: aws/aws-sdk-go #3426, #3542; JoinStorageSession has no log and
is treated alike). Like the other data-plane services they are served on any other host:
kvsmock does not check that the host is the channel's own ``r-`` / ``w-`` endpoint.

Neither code is in the operations' models, so these replies are the one deliberate exception
to strict mode: they are built here and sent by :mod:`kvsmock._dispatch` before the handler
runs, never raised by a handler. ``mock_kinesisvideo(require_data_endpoint=False)`` turns the
check off. Requests to any other host (a data endpoint, ``localhost``, a proxy) pass.
"""

from __future__ import annotations

import re
from typing import Mapping, NamedTuple, Optional
from urllib.parse import urlsplit

#: botocore service names whose operations need a data-plane endpoint URL: GetDataEndpoint's
#: for media and archived media, GetSignalingChannelEndpoint's HTTPS (signaling) or WEBRTC
#: (webrtc-storage) endpoint for the other two.
DATA_PLANE_SERVICES = frozenset(
    {
        "kinesis-video-media",
        "kinesis-video-archived-media",
        "kinesis-video-signaling",
        "kinesis-video-webrtc-storage",
    }
)
#: The control-plane host, ``kinesisvideo.<region>.amazonaws.com[.cn]``.
_CONTROL_PLANE_HOST = re.compile(r"kinesisvideo\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
#: A KVS host and the region it names: the control-plane host, or a data endpoint
#: ``<prefix>-<id>.kinesisvideo.<region>.amazonaws.com[.cn]`` (``s-1e415f8b.``, ``r-...``).
_KVS_HOST = re.compile(r"(?:[a-z]-[0-9a-f]+\.)?kinesisvideo\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?")


class WrongEndpoint(NamedTuple):
    """The unmodeled error reply AWS gives: code, HTTP status, JSON body."""

    code: str
    status: int
    body: Mapping[str, object]


_UNKNOWN_OPERATION = WrongEndpoint(
    "UnknownOperationException",
    404,
    {"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"}, "Version": "1.0"},
)
#: Also what a stream's data endpoint answers to a path that is no operation (kvsmock._http).
UNKNOWN_OPERATION = _UNKNOWN_OPERATION
_GET_MEDIA = WrongEndpoint(
    "AccessDeniedException",
    403,
    {
        "__type": "AccessDeniedException",
        "Message": "Unable to determine service/operation name to be authorized",
    },
)


#: The attribute :mod:`kvsmock.server` sets on the stores it serves: the server's base URL.
SERVED_AT = "served_at"


def public_url(store: object, host: str, scheme: str = "https") -> str:
    """The URL a client uses to reach a data endpoint ``host`` of ``store``.

    ``https://<host>`` (``wss://`` for WebSocket endpoints), as AWS returns it, unless the
    store is served by ``kvsmock serve``: then the host becomes the first path segment under
    the server's base URL (``http://127.0.0.1:4567/s-1e415f8b.kinesisvideo.us-east-1.
    amazonaws.com``), which the server routes back to the same host. The one hook through
    which GetDataEndpoint, GetSignalingChannelEndpoint and the HLS/DASH session URLs lead
    back to the server.
    """
    base = getattr(store, SERVED_AT, None)
    if base is None:
        return f"{scheme}://{host}"
    if scheme in ("wss", "ws"):
        base = "ws" + base[len("http") :]  # http -> ws, https -> wss
    return f"{base}/{host}"


def wrong_endpoint(service_name: str, operation: str, url: str) -> Optional[WrongEndpoint]:
    """The error for a data-plane request sent to the control-plane host, else ``None``."""
    if service_name not in DATA_PLANE_SERVICES:
        return None
    host = urlsplit(url).hostname or ""
    if _CONTROL_PLANE_HOST.fullmatch(host) is None:
        return None
    return _GET_MEDIA if operation == "GetMedia" else _UNKNOWN_OPERATION


def region_of_host(url: str) -> Optional[str]:
    """The region a KVS endpoint URL's host names, or ``None`` for any other host.

    ``https://kinesisvideo.eu-west-1.amazonaws.com`` and data endpoints such as
    ``https://s-1e415f8b.kinesisvideo.eu-west-1.amazonaws.com`` name ``eu-west-1``; China
    hosts end in ``.amazonaws.com.cn``. A custom endpoint (``http://localhost:4566``) names
    none.
    """
    match = _KVS_HOST.fullmatch(urlsplit(url).hostname or "")
    return match.group(1) if match is not None else None
