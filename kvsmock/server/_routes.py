"""Which service and operation a request is: derived from the botocore models, never copied.

Every KVS operation is a ``POST`` to its model's ``requestUri`` (``/createStream``,
``/getMedia``, ``/v1/get-ice-server-config``, ...); the five services' paths are all
distinct, so one server answers all of them on one port. A path is matched exactly, as the
service matches it: ``/createstream`` is no operation (``UnknownOperationException``).

Data endpoints are served under a path prefix: the host AWS would use (``s-1e415f8b.
kinesisvideo.us-east-1.amazonaws.com``) becomes the first path segment (see
:func:`kvsmock._endpoints.public_url`), so every client reaches them at the server's own
host and port, without DNS.
"""

from __future__ import annotations

import functools
import re
from typing import Dict, NamedTuple, Optional, Tuple

from kvsmock import _model

#: A data-endpoint host as the first path segment: fleet letter (``s``, ``b``, ``r``, ``w``,
#: ``m``, ``v``), endpoint id, region, DNS suffix.
_PREFIX = re.compile(
    r"/(?P<host>[a-z]-[0-9a-f]{8}\.kinesisvideo\.(?P<region>[a-z0-9-]+)\."
    r"(?P<dns>[a-z0-9-]+(?:\.[a-z0-9-]+)*))(?P<rest>/.*)?"
)


class Target(NamedTuple):
    """A request path split into the data-endpoint host it names (if any) and the rest."""

    host: Optional[str]
    region: Optional[str]
    dns_suffix: Optional[str]
    path: str


def split(path: str) -> Target:
    """``/s-1e415f8b.kinesisvideo.us-east-1.amazonaws.com/getMedia`` -> host and ``/getMedia``."""
    found = _PREFIX.fullmatch(path)
    if found is None:
        return Target(None, None, None, path)
    return Target(found["host"], found["region"], found["dns"], found["rest"] or "/")


@functools.lru_cache(maxsize=1)
def operations() -> Dict[Tuple[str, str], Tuple[str, str]]:
    """``(method, path)`` -> ``(service id, operation)`` for the 43 operations of the models."""
    table: Dict[Tuple[str, str], Tuple[str, str]] = {}
    for service_id, service_name in _model.SERVICE_NAMES.items():
        for operation in _model.operation_names(service_name):
            http = _model.operation_model(service_name, operation).http
            path = str(http["requestUri"]).split("?", 1)[0]
            key = (str(http["method"]).upper(), path)
            if key in table:  # pragma: no cover - the models would have to change
                raise RuntimeError(f"{key} is both {table[key]} and {(service_id, operation)}")
            table[key] = (service_id, operation)
    return table


def operation(method: str, path: str) -> Optional[Tuple[str, str]]:
    """The ``(service id, operation)`` a request names, or ``None``."""
    return operations().get((method.upper(), path))
