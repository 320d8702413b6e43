"""Small helpers shared by the behaviour tests."""

from __future__ import annotations

from typing import Any, Dict, Tuple

import pytest
from botocore.exceptions import ClientError


def error(excinfo: pytest.ExceptionInfo[ClientError]) -> Tuple[str, int, str]:
    """``(Error.Code, HTTP status, Error.Message)`` of a raised ``ClientError``."""
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def without_metadata(response: Any) -> Dict[str, Any]:
    """A botocore result without its ``ResponseMetadata``: what the service returned."""
    out = dict(response)
    out.pop("ResponseMetadata")
    return out
