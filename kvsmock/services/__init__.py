"""Handlers: one module of plain functions per KVS service, found by operation name.

A handler is ``handler(store, params, ctx) -> result`` where ``store`` is the
:class:`kvsmock.state.Store` of the request's account and region, ``params`` the validated
input, ``ctx`` the :class:`RequestContext`, and ``result`` a plain dict shaped like the
operation's output shape. It raises :class:`kvsmock.errors.ServiceError` for service errors.
Handlers never build wire bodies or set status codes.

Adding a service is one module here and one line in :data:`MODULES`.
"""

from __future__ import annotations

import datetime as _dt
import importlib
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from botocore import xform_name

#: botocore service name -> module of its handlers.
MODULES: Dict[str, str] = {
    "kinesisvideo": "kvsmock.services.kinesisvideo",
    "kinesis-video-media": "kvsmock.services.kinesis_video_media",
    "kinesis-video-archived-media": "kvsmock.services.kinesis_video_archived_media",
    "kinesis-video-signaling": "kvsmock.services.kinesis_video_signaling",
    "kinesis-video-webrtc-storage": "kvsmock.services.kinesis_video_webrtc_storage",
}


class RequestContext(NamedTuple):
    """What a handler knows about the request besides its params.

    Attributes:
        service_name: botocore service name (``"kinesisvideo"``).
        operation: operation name (``"CreateStream"``).
        account_id: 12-digit account the credentials map to.
        region: region of the request's SigV4 credential scope.
        now: the mock clock's time for this request (aware UTC, millisecond precision).
        request_id: the ``x-amzn-RequestId`` of the reply.
    """

    service_name: str
    operation: str
    account_id: str
    region: str
    now: _dt.datetime
    request_id: str


Handler = Callable[[Any, Dict[str, Any], RequestContext], Dict[str, Any]]


def handler_for(service_name: str, operation: str) -> Optional[Handler]:
    """The handler of an operation, or ``None`` when kvsmock does not implement it."""
    module_name = MODULES.get(service_name)
    if module_name is None:
        return None
    module = importlib.import_module(module_name)
    found: Optional[Handler] = getattr(module, xform_name(operation), None)
    return found


def implemented(service_name: str, operations: List[str]) -> List[str]:
    """The subset of ``operations`` that have a handler."""
    return [op for op in operations if handler_for(service_name, op) is not None]
