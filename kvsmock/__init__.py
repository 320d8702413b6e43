"""kvsmock: an in-process fake of AWS Kinesis Video Streams for boto3 / botocore tests.

Importing kvsmock registers one inert ``before-send`` handler with botocore; nothing else
happens until a mock starts, and no service model is loaded before the first request.
"""

from __future__ import annotations

from kvsmock.errors import (
    KvsmockError,
    ModelConformanceError,
    NetworkAccessBlocked,
    NotYetImplementedError,
    ServiceError,
)
from kvsmock.mock import KinesisVideoMock, mock_kinesisvideo, patch_client

__version__ = "0.1.0"

__all__ = [
    "KinesisVideoMock",
    "KvsmockError",
    "ModelConformanceError",
    "NetworkAccessBlocked",
    "NotYetImplementedError",
    "ServiceError",
    "__version__",
    "mock_kinesisvideo",
    "patch_client",
]
