"""The one rule for the account and region of a helper call (``mock.state()``,
``mock.stores()``, ``mock.put_media()``).

- An ARN's own account and region win (``arn:aws:kinesisvideo:eu-west-1:123456789012:...``),
  whether it is passed as ``account_id`` or as the stream's ARN; a ``region`` (or account)
  given beside it that names another is a ``ValueError``.
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


def _is_arn(value: object) -> bool:
    return isinstance(value, str) and value.startswith("arn:")


def _from_arn(arn: str, region: Optional[str]) -> Tuple[str, str]:
    """An ARN's ``(account_id, region)``; ``ValueError`` when ``region`` names another."""
    account, arn_region = parse_arn(arn)
    if region is not None and check_region(region) != arn_region:
        raise ValueError(
            f"region={region!r} contradicts the ARN's region {arn_region!r}: pass the ARN "
            "alone, or an account id with a region"
        )
    return account, arn_region


def resolve(
    default_account: str,
    account_id: Optional[str] = None,
    region: Optional[str] = None,
    arn: Optional[str] = None,
) -> Tuple[str, str]:
    """``(account_id, region)`` of a helper call, by the rule in the module doc.

    ``account_id`` may be an ARN too (as ``arn`` is): its account and region are used.
    """
    if arn is None and _is_arn(account_id):
        arn, account_id = account_id, None
    if arn is not None:
        if account_id is not None and check_account_id(account_id) != parse_arn(arn)[0]:
            raise ValueError(
                f"account_id={account_id!r} contradicts the ARN's account {parse_arn(arn)[0]!r}"
            )
        return _from_arn(arn, region)
    account = default_account if account_id is None else check_account_id(account_id)
    return account, default_region() if region is None else check_region(region)


def selection(
    account_id: Optional[str] = None, region: Optional[str] = None
) -> Tuple[Optional[str], Optional[str]]:
    """``(account_id, region)`` of a look without a default (``mock.stores()``): each
    ``None`` when not given, checked when given; an ARN for ``account_id`` gives both (the
    same rule as :func:`resolve`)."""
    if _is_arn(account_id):
        assert account_id is not None
        return _from_arn(account_id, region)
    return (
        None if account_id is None else check_account_id(account_id),
        None if region is None else check_region(region),
    )
