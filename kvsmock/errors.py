"""Errors: the service errors handlers raise, and the errors kvsmock raises for misuse.

Service errors are answered to botocore as the wire error the botocore service model
declares, so user code sees a :class:`botocore.exceptions.ClientError`. The model, not this
module, decides each error's HTTP status and message member: here an error is only its code
and message.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error the simulated service answers with.

    Args:
        code: the modeled error shape name, e.g. ``"ResourceNotFoundException"``.
        message: the AWS-style message sent under the shape's message member.

    The HTTP status comes from the error shape of the service that handles the request
    (for example 404 for ``ResourceNotFoundException``, 401 for ``NotAuthorizedException``).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def invalid_argument(message: str) -> ServiceError:
    """``InvalidArgumentException`` (HTTP 400): a parameter breaks a documented rule."""
    return ServiceError("InvalidArgumentException", message)


def resource_in_use(message: str) -> ServiceError:
    """``ResourceInUseException`` (HTTP 400): the resource exists or is not ACTIVE."""
    return ServiceError("ResourceInUseException", message)


def version_mismatch(resource: str = "stream") -> ServiceError:
    """``VersionMismatchException`` (HTTP 400): ``CurrentVersion`` is not the latest."""
    return ServiceError(
        "VersionMismatchException",
        f"The {resource} version that you specified is not the latest version.",
    )


def not_found(resource: str = "stream") -> ServiceError:
    """``ResourceNotFoundException`` (HTTP 404) with the message the real service sends."""
    return ServiceError(
        "ResourceNotFoundException", f"The requested {resource} is not found or not active."
    )


class KvsmockError(Exception):
    """Base class of the errors kvsmock raises for misuse or its own faults (never AWS's)."""


class NotYetImplementedError(KvsmockError, NotImplementedError):
    """The operation is modeled by botocore but kvsmock has no handler for it yet.

    Raised as a plain Python error (never a fake 5xx, which botocore would retry).
    """

    def __init__(self, service: str, operation: str, implemented: list[str]) -> None:
        super().__init__(
            f"kvsmock does not implement {service}.{operation} yet. "
            f"Implemented for {service}: {', '.join(sorted(implemented)) or 'none'}."
        )
        self.service = service
        self.operation = operation


class NetworkAccessBlocked(KvsmockError, ConnectionRefusedError):
    """A botocore request tried to leave the process while a mock was active.

    kvsmock answers Kinesis Video Streams requests in-process; any other botocore request
    (another AWS service, a custom endpoint) is refused at the HTTP-send layer unless its host
    is on loopback or allowed with ``mock_kinesisvideo(allow_network=...)``.
    """

    def __init__(self, url: str) -> None:
        super().__init__(
            f"kvsmock blocked a botocore request to {url!r}: no mock answered it and network "
            "access is off while a mock is active. To fake another AWS service too, also "
            "start moto's mock_aws (it composes with kvsmock: @mock_aws over "
            "@mock_kinesisvideo). If this is a Kinesis Video Streams client created before "
            "`import kvsmock`, route it with kvsmock.patch_client(client). To let the request "
            "through, allow its host: mock_kinesisvideo(allow_network=['host']) or "
            "allow_network=True."
        )
        self.url = url


class ModelConformanceError(KvsmockError, AssertionError):
    """Strict mode: kvsmock produced a result or error that the service model does not allow.

    This is a kvsmock bug; please report it with the operation and parameters.
    """
