"""Typed, cached facade over the installed botocore service models (loaded on first use).

The botocore service model is kvsmock's single source of truth for operations, shapes,
constraints, error codes and HTTP statuses. This is the only module that imports
``botocore.loaders`` and ``botocore.model``; nothing here runs at import time.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any, Dict, FrozenSet, Mapping, NamedTuple, Optional, Tuple

#: botocore's hyphenized service id (the middle of ``before-send.<id>.<Operation>``) ->
#: the service name passed to ``boto3.client``. Checked against the models by a test.
SERVICE_NAMES: Mapping[str, str] = {
    "kinesis-video": "kinesisvideo",
    "kinesis-video-media": "kinesis-video-media",
    "kinesis-video-archived-media": "kinesis-video-archived-media",
    "kinesis-video-signaling": "kinesis-video-signaling",
    "kinesis-video-webrtc-storage": "kinesis-video-webrtc-storage",
}


class ErrorInfo(NamedTuple):
    """An error shape of one service: its HTTP status and the name of its message member."""

    status: int
    message_member: str


# Kept (optimisation 9): ~11 ms (24 ms loaded) of a process's first call; reads boto3's
# private Session._session, the only way to the botocore session's loader.
@functools.cache
def _loader() -> Any:
    """botocore's data loader: the one of boto3's default session when it exists, else new.

    The session's loader reads the model files the user's clients read (same search path,
    ``AWS_DATA_PATH`` included), and its instance cache already holds the models and the
    partitions those clients loaded, so kvsmock parses none of them a second time.
    """
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    core = getattr(session, "_session", None)
    get_component = getattr(core, "get_component", None)
    if get_component is not None:
        loader = get_component("data_loader")
        if hasattr(loader, "load_service_model") and hasattr(loader, "load_data"):
            return loader
    from botocore.loaders import create_loader

    return create_loader()


@functools.cache
def service_model(service_name: str) -> Any:
    """The ``botocore.model.ServiceModel`` of a KVS service name (``"kinesisvideo"``, ...)."""
    from botocore.model import ServiceModel

    data = _loader().load_service_model(service_name, "service-2")
    return ServiceModel(data, service_name=service_name)


def operation_model(service_name: str, operation: str) -> Any:
    """The ``botocore.model.OperationModel``; raises ``OperationNotFoundError`` if unknown."""
    return service_model(service_name).operation_model(operation)


def operation_names(service_name: str) -> Tuple[str, ...]:
    """All operation names the service model declares, in model order."""
    return tuple(service_model(service_name).operation_names)


@functools.cache
def errors_of(service_name: str) -> Dict[str, ErrorInfo]:
    """Every error shape of the service, by code, with the status its shape declares."""
    model = service_model(service_name)
    out: Dict[str, ErrorInfo] = {}
    for shape in model.error_shapes:
        status = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        member = "message" if "message" in shape.members else "Message"
        out[shape.name] = ErrorInfo(status, member)
    return out


@functools.cache
def modeled_errors(service_name: str, operation: str) -> FrozenSet[str]:
    """The error codes an operation declares in the model."""
    return frozenset(s.name for s in operation_model(service_name, operation).error_shapes)


@functools.cache
def _partitions() -> Tuple[Tuple[FrozenSet[str], Any, str, str], ...]:
    # botocore's small partitions.json (what its endpoint rulesets use), not the whole
    # endpoints.json: (region names, regionRegex, partition id, dnsSuffix) per partition.
    # Kept (optimisation 8): ~68 ms (loaded machine) and ~9 MiB less per process.
    data = _loader().load_data("partitions")
    return tuple(
        (frozenset(p["regions"]), re.compile(p["regionRegex"]), p["id"], p["outputs"]["dnsSuffix"])
        for p in data["partitions"]
    )


@functools.lru_cache(maxsize=256)
def partition_of(region: str) -> Tuple[str, str]:
    """``(partition, dnsSuffix)`` of a region, from botocore's partitions data.

    ``"us-east-1"`` gives ``("aws", "amazonaws.com")``; ``"cn-north-1"`` gives
    ``("aws-cn", "amazonaws.com.cn")``. As botocore's ``aws.partition`` rule function: the
    first partition that lists the region or whose ``regionRegex`` matches it; a region no
    partition claims falls back to the first (``aws``).
    """
    partitions = _partitions()
    for regions, pattern, partition, suffix in partitions:
        if region in regions or pattern.match(region):
            return partition, suffix
    _, _, partition, suffix = partitions[0]
    return partition, suffix


def output_payload_member(service_name: str, operation: str) -> Optional[str]:
    """The output member bound to the raw HTTP body (``Payload`` of GetMedia), if any."""
    shape = operation_model(service_name, operation).output_shape
    if shape is None:
        return None
    payload: Optional[str] = shape.serialization.get("payload")
    return payload


def region_known(region: str) -> bool:
    """Whether botocore's partitions data lists ``region`` or a partition's ``regionRegex``
    matches it (the rule botocore's endpoint rulesets apply)."""
    return any(region in names or pattern.match(region) for names, pattern, _, _ in _partitions())


def region_names() -> FrozenSet[str]:
    """Every region botocore's partitions data lists, in every partition."""
    return frozenset(name for regions, _, _, _ in _partitions() for name in regions)
