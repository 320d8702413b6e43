"""Shared fixtures. The ``kvsmock`` fixture itself comes from the installed pytest plugin."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from kvsmock import KinesisVideoMock

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def client(kvsmock: KinesisVideoMock) -> Any:
    """A ``kinesisvideo`` client in us-east-1 inside an active mock."""
    return boto3.client("kinesisvideo", region_name=REGION)


@pytest.fixture
def raw_client(kvsmock: KinesisVideoMock) -> Any:
    """A ``kinesisvideo`` client with botocore's own parameter validation turned off, so
    every value reaches kvsmock's server-side validation."""
    from botocore.config import Config

    return boto3.client(
        "kinesisvideo", region_name=REGION, config=Config(parameter_validation=False)
    )
