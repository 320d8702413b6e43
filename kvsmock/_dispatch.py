"""The pipeline: (service, operation, HTTP request, mock) -> :class:`HttpReply`.

route -> parse -> validate -> backend -> serialize, one way. Everything an operation needs
from the model (codec, compiled validators, modeled errors, handler) is built on its first
call and cached, so later calls only walk the values.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any, Dict, FrozenSet, List, Mapping, NamedTuple, Optional, Protocol, Tuple

from kvsmock import _clock, _endpoints, _model, _protocol, _quotas, _validate, faults
from kvsmock.errors import ModelConformanceError, NotYetImplementedError, ServiceError
from kvsmock.services import Handler, RequestContext, handler_for, implemented
from kvsmock.state import Store

#: The SigV4 credential scope in ``Authorization``: access key id, date, region.
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
#: The region of an unsigned request when its host names none (a custom endpoint URL).
DEFAULT_REGION = "us-east-1"
_THROTTLED = "ClientLimitExceededException"


class MockLike(Protocol):
    """What the pipeline needs from a mock (see :class:`kvsmock.mock.KinesisVideoMock`)."""

    strict: bool
    require_data_endpoint: bool
    faults: faults.Faults
    quotas: Optional[_quotas.Quotas]

    def store_for(self, account_id: str, region: str) -> Store: ...

    def account_for(self, access_key_id: Optional[str]) -> str: ...

    def new_request_id(self) -> str: ...


class _Operation(NamedTuple):
    service_name: str
    name: str
    codec: _protocol.OperationCodec
    check_input: _validate.Check
    check_output: Optional[_validate.Check]
    errors: FrozenSet[str]
    handler: Handler


#: Operations built so far, by (service id, operation name).
_operations: Dict[Tuple[str, str], _Operation] = {}
_build_lock = threading.Lock()


def _operation(service_id: str, operation: str) -> _Operation:
    key = (service_id, operation)
    found = _operations.get(key)
    if found is not None:
        return found
    with _build_lock:
        found = _operations.get(key)
        if found is not None:
            return found
        service_name = _model.SERVICE_NAMES[service_id]
        handler = handler_for(service_name, operation)
        if handler is None:
            raise NotYetImplementedError(
                service_name,
                operation,
                implemented(service_name, list(_model.operation_names(service_name))),
            )
        model = _model.operation_model(service_name, operation)
        out_shape = model.output_shape
        built = _Operation(
            service_name=service_name,
            name=operation,
            codec=_protocol.OperationCodec(service_name, operation),
            check_input=_validate.compile_shape(model.input_shape),
            check_output=(
                _validate.compile_shape(out_shape, output=True) if out_shape is not None else None
            ),
            errors=_model.modeled_errors(service_name, operation),
            handler=handler,
        )
        _operations[key] = built
        return built


def identity(headers: Mapping[str, Any], mock: MockLike, url: str = "") -> Tuple[str, str]:
    """``(account_id, region)`` of a request, from its SigV4 ``Authorization`` scope.

    The access key id maps to an account through the mock's ``accounts`` option (default
    account otherwise); the region is the credential scope's, which also holds for
    data-plane ``endpoint_url`` hosts. An unsigned request (``signature_version=UNSIGNED``)
    gets the default account and the region its host names
    (:func:`kvsmock._endpoints.region_of_host`), ``us-east-1`` when it names none (or
    no ``url`` is given).
    """
    auth = headers.get("Authorization")
    if isinstance(auth, bytes):
        auth = auth.decode("latin-1")
    match = _CREDENTIAL.search(auth) if auth else None
    if match is None:
        return mock.account_for(None), _endpoints.region_of_host(url) or DEFAULT_REGION
    return mock.account_for(match.group(1)), match.group(2)


def dispatch(
    mock: MockLike,
    service_id: str,
    operation: str,
    url: str,
    headers: Mapping[str, Any],
    body: bytes,
) -> _protocol.HttpReply:
    """Answer one request. Raises only for kvsmock's own faults (never for bad input)."""
    op = _operation(service_id, operation)
    request_id = mock.new_request_id()
    if mock.require_data_endpoint:
        wrong = _endpoints.wrong_endpoint(op.service_name, operation, url)
        if wrong is not None:  # unmodeled on purpose: see kvsmock._endpoints
            return _protocol.raw_error_reply(wrong.code, wrong.status, wrong.body, request_id)
    try:
        params = op.codec.parse(url, headers, body)
    except _protocol.MalformedRequest as e:
        return _protocol.error_reply(
            op.service_name, "InvalidArgumentException", str(e), request_id
        )
    problems: List[str] = []
    op.check_input(params, "", problems)
    if problems:
        return _protocol.error_reply(
            op.service_name, "InvalidArgumentException", _validate.summary(problems), request_id
        )
    fault = mock.faults.match(op.service_name, operation, params, op.errors)
    if fault is not None:
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if fault.error is not None:  # before the handler: an injected failure changes nothing
            return _protocol.error_reply(
                op.service_name, fault.error, fault.message_for(operation, params), request_id
            )
    account_id, region = identity(headers, mock, url)
    now = _clock.now()
    quotas = mock.quotas
    if quotas is not None and _THROTTLED in op.errors:
        resource = _quotas.resource_of(params)
        if not quotas.admit(
            account_id, region, operation, resource, _clock.epoch_millis(now) // 1000
        ):
            message = (
                f"Limit exceeded on number of requests for {operation} API for resource "
                f"'{resource or account_id}'"
            )
            return _protocol.error_reply(op.service_name, _THROTTLED, message, request_id)
    store = mock.store_for(account_id, region)
    ctx = RequestContext(op.service_name, operation, account_id, region, now, request_id)
    try:
        with store.lock:
            result = op.handler(store, params, ctx)
    except ServiceError as e:
        if mock.strict and e.code not in op.errors:
            raise ModelConformanceError(
                f"{op.service_name}.{operation} raised {e.code}, which the model does not "
                f"declare for it (declared: {', '.join(sorted(op.errors))})"
            ) from e
        return _protocol.error_reply(op.service_name, e.code, e.message, request_id)
    check_output = op.check_output
    if check_output is not None and mock.strict:
        check_output(result, "", problems)
        if problems:
            raise ModelConformanceError(
                f"{op.service_name}.{operation} produced a result that breaks its output "
                f"shape: {_validate.summary(problems)}"
            )
    reply = op.codec.reply(result, request_id)
    if fault is not None and fault.disconnect_after_bytes is not None and op.codec.has_payload:
        reply = reply._replace(body=faults.dropped(reply.body, fault.disconnect_after_bytes))
    return reply
