"""The one rule for the account and region of a helper call (``mock.state()``,
``mock.stores()``, ``mock.put_media()``).

- An ARN's own account and region win (``arn:aws:kinesisvideo:eu-west-1:123456789012:...``).
- Otherwise the region is the one a new client in this process would get: boto3's default
  session's region when that session exists, else botocore's configuration chain
  (``AWS_REGION``, ``AWS_DEFAULT_REGION``, the active profile's ``region``), and ``us-east-1``
  only when none is set. The account is the mock's default account.
- A region botocore's partitions data does not know, or an account id that is not 12 digits,
  is a ``ValueError`` that names the valid form (and the closest known region).

Requests never come through here: their account and region are their SigV4 scope's.
"""

from __future__ import annotations

import sys
from typing import Any, Optional, Tuple

from kvsmock import _model

#: Used when neither boto3's default session nor botocore's configuration names a region.
FALLBACK_REGION = "us-east-1"


def default_region() -> str:
    """The region a ``boto3.client("kinesisvideo")`` made now would get (see module doc)."""
    boto3 = sys.modules.get("boto3")
    session: Any = getattr(boto3, "DEFAULT_SESSION", None)
    if session is not None:
        region = session.region_name
    else:
        import botocore.session

        region = botocore.session.Session().get_config_variable("region")
    return str(region) if region else FALLBACK_REGION


def check_account_id(value: object, option: str = "account_id") -> str:
    """``value`` if it is a 12-digit AWS account id, else ``ValueError`` naming the form."""
    if isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit():
        return value
    hint = ""
    if isinstance(value, str) and _model.region_known(value):
        hint = f" ({value!r} is a region: pass region={value!r})"
    raise ValueError(
        f"{option} must be a 12-digit AWS account id such as '123456789012', not {value!r}{hint}"
    )


def check_region(value: object) -> str:
    """``value`` if botocore's partitions data knows it as a region, else ``ValueError``
    naming the form and suggesting the closest known region."""
    if isinstance(value, str) and _model.region_known(value):
        return value
    import difflib  # only on this error path: kept out of ``import kvsmock``

    close = difflib.get_close_matches(str(value), sorted(_model.region_names()), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(
        f"unknown AWS region {value!r}: a region is a name from botocore's endpoint data such "
        f"as 'us-east-1' or 'eu-west-1'{hint}"
    )


def parse_arn(arn: str) -> Tuple[str, str]:
    """``(account_id, region)`` of a Kinesis Video Streams ARN, or ``ValueError``.

    The form is ``arn:<partition>:kinesisvideo:<region>:<account id>:<resource>``
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
    """
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "kinesisvideo":
        raise ValueError(
            "a Kinesis Video Streams ARN has the form arn:aws:kinesisvideo:<region>:"
            f"<12-digit account id>:<resource>, not {arn!r}"
        )
    return check_account_id(parts[4], "the ARN's account id"), check_region(parts[3])


def resolve(
    default_account: str,
    account_id: Optional[str] = None,
    region: Optional[str] = None,
    arn: Optional[str] = None,
) -> Tuple[str, str]:
    """``(account_id, region)`` of a helper call, by the rule in the module doc."""
    if arn is not None:
        return parse_arn(arn)
    account = default_account if account_id is None else check_account_id(account_id)
    return account, default_region() if region is None else check_region(region)
