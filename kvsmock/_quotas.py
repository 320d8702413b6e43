"""Per-second request quotas (``mock_kinesisvideo(quotas=True)``), counted on the mock clock.

The limits are the control-plane tables of the quotas pages: limits.html (streams) and
kvswebrtc-limits.html (signaling channels). A request over its account limit, or over its
limit for one stream or channel, is answered ``ClientLimitExceededException`` as the service
answers it; a refused request is not counted. Operations the tables do not list are not
limited.
"""

from __future__ import annotations

import threading
from typing import Dict, List, Mapping, Optional, Tuple

#: Operation -> (requests per second per account, per stream or channel or None).
LIMITS: Mapping[str, Tuple[int, Optional[int]]] = {
    "CreateStream": (50, None),
    "DeleteEdgeConfiguration": (10, 1),
    "DeleteStream": (50, 5),
    "DescribeEdgeConfiguration": (50, 5),
    "DescribeImageGenerationConfiguration": (50, 5),
    "DescribeMappedResourceConfiguration": (50, 5),
    "DescribeNotificationConfiguration": (50, 5),
    "DescribeStream": (300, 5),
    "GetDataEndpoint": (300, 5),
    "ListEdgeAgentConfigurations": (50, None),
    "ListStreams": (50, None),
    "ListTagsForStream": (50, 5),
    "CreateSignalingChannel": (50, None),
    "DeleteSignalingChannel": (50, 5),
    "DescribeMediaStorageConfiguration": (50, 5),
    "DescribeSignalingChannel": (300, 5),
    "GetSignalingChannelEndpoint": (300, None),
    "ListSignalingChannels": (50, None),
    "ListTagsForResource": (50, 5),
    "TagResource": (50, 5),
    "UntagResource": (50, 5),
    "UpdateMediaStorageConfiguration": (10, 5),
    "UpdateSignalingChannel": (50, 5),
}
_RESOURCE_MEMBERS = ("StreamName", "StreamARN", "ChannelName", "ChannelARN", "ResourceARN")


def resource_of(params: Mapping[str, object]) -> Optional[str]:
    """The stream or channel a request names (an ARN counts as its name), or None."""
    for member in _RESOURCE_MEMBERS:
        value = params.get(member)
        if isinstance(value, str):
            if value.startswith("arn:"):
                parts = value.split(":", 5)[-1].split("/")
                return parts[1] if len(parts) > 1 else value
            return value
    return None


class Quotas:
    """Request counts per second of the mock clock. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._second = -1
        self._counts: Dict[Tuple[str, ...], int] = {}

    def admit(
        self, account: str, region: str, operation: str, resource: Optional[str], second: int
    ) -> bool:
        """Count the request and say whether it is within its limits (not counted if not)."""
        limits = LIMITS.get(operation)
        if limits is None:
            return True
        per_account, per_resource = limits
        keys: List[Tuple[Tuple[str, ...], int]] = [((account, region, operation), per_account)]
        if per_resource is not None and resource is not None:
            keys.append(((account, region, operation, resource), per_resource))
        with self._lock:
            if second != self._second:  # a new second: start counting again
                self._second = second
                self._counts = {}
            if any(self._counts.get(key, 0) >= limit for key, limit in keys):
                return False
            for key, _ in keys:
                self._counts[key] = self._counts.get(key, 0) + 1
        return True
