"""The pipeline: (service, operation, HTTP request, mock) -> :class:`HttpReply`.

route -> parse -> validate -> backend -> serialize, one way. Everything an operation needs
from the model (codec, compiled validators, modeled errors, handler) is built on its first
call and cached, so later calls only walk the values.
"""

from __future__ import annotations

import re
import threading
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Protocol,
    Tuple,
)

from kvsmock import _clock, _endpoints, _model, _protocol, _validate
from kvsmock.errors import ModelConformanceError, NotYetImplementedError, ServiceError
from kvsmock.services import Handler, RequestContext, handler_for, implemented
from kvsmock.state import Store

#: The SigV4 credential scope (compiled by ``re`` on first use, not at import).
_CREDENTIAL = r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/"
DEFAULT_REGION = "us-east-1"


class MockLike(Protocol):
    """What the pipeline needs from a mock (see :class:`kvsmock.mock.KinesisVideoMock`)."""

    strict: bool
    require_data_endpoint: bool

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
    #: A data-plane operation, subject to :func:`kvsmock._endpoints.wrong_endpoint`.
    data_plane: bool
    #: ``codec.parse`` and ``codec.reply``, bound once.
    parse: Callable[[str, Mapping[str, Any], bytes], Dict[str, Any]]
    reply: Callable[[Mapping[str, Any], str], _protocol.HttpReply]


_operations: Dict[Tuple[str, str], _Operation] = {}
#: ``tuple.__new__``: a NamedTuple from all its fields, without the generated ``__new__``.
_new_tuple = tuple.__new__
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
        codec = _protocol.OperationCodec(service_name, operation)
        built = _Operation(
            service_name=service_name,
            name=operation,
            codec=codec,
            check_input=_validate.compile_shape(model.input_shape),
            check_output=(
                _validate.compile_shape(out_shape, output=True) if out_shape is not None else None
            ),
            errors=_model.modeled_errors(service_name, operation),
            handler=handler,
            data_plane=service_name in _endpoints.DATA_PLANE_SERVICES,
            parse=codec.parse,
            reply=codec.reply,
        )
        _operations[key] = built
        return built


#: Headers class -> a faster ``headers.get("Authorization")`` for it (registered by
#: :mod:`kvsmock._intercept` for botocore's ``HeadersDict``, after checking it agrees).
AUTHORIZATION_GETTERS: Dict[type, Callable[[Any], Any]] = {}


def identity(headers: Mapping[str, Any], mock: MockLike) -> Tuple[str, str]:
    """``(account_id, region)`` of a request, from its SigV4 ``Authorization`` scope.

    The access key id maps to an account through the mock's ``accounts`` option (default
    account otherwise); the region is the credential scope's, which also holds for
    data-plane ``endpoint_url`` hosts. Unsigned requests fall back to ``us-east-1``.
    """
    get = AUTHORIZATION_GETTERS.get(headers.__class__)
    auth = headers.get("Authorization") if get is None else get(headers)
    if isinstance(auth, bytes):
        auth = auth.decode("latin-1")
    scope = _credential_scope(auth) if auth else None
    if scope is None:
        return mock.account_for(None), DEFAULT_REGION
    return mock.account_for(scope[0]), scope[1]


#: ``Credential=`` value (up to the next comma) -> (access key id, region). The value
#: changes once a day per key and region, so this stays small; cleared when full.
_scopes: Dict[str, Tuple[str, str]] = {}
_SCOPES_MAX = 256


def _credential_scope(auth: str) -> Optional[Tuple[str, str]]:
    """What ``re.search(_CREDENTIAL, auth)`` finds, as (access key id, region), or ``None``.

    A match starting at the first ``Credential=`` cannot run past the next comma (no group
    or literal of the pattern matches one), so it depends only on the text up to that comma:
    that text is the cache key. Anything else (no match there) searches the whole header.
    """
    start = auth.find("Credential=")
    if start < 0:
        return None
    end = auth.find(",", start)
    key = auth[start:] if end < 0 else auth[start:end]
    try:
        return _scopes[key]
    except KeyError:
        pass
    match = re.match(_CREDENTIAL, key)
    if match is None:
        match = re.search(_CREDENTIAL, auth)  # a later Credential= (odd, never cached)
        return None if match is None else (match.group(1), match.group(2))
    if len(_scopes) >= _SCOPES_MAX:
        _scopes.clear()
    found = _scopes[key] = (match.group(1), match.group(2))
    return found


def dispatch(
    mock: MockLike,
    service_id: str,
    operation: str,
    url: str,
    headers: Mapping[str, Any],
    body: bytes,
) -> _protocol.HttpReply:
    """Answer one request. Raises only for kvsmock's own faults (never for bad input)."""
    op = _operations.get((service_id, operation)) or _operation(service_id, operation)
    request_id = mock.new_request_id()
    if op.data_plane and mock.require_data_endpoint:
        wrong = _endpoints.wrong_endpoint(op.service_name, operation, url)
        if wrong is not None:  # unmodeled on purpose: see kvsmock._endpoints
            return _protocol.raw_error_reply(wrong.code, wrong.status, wrong.body, request_id)
    try:
        params = op.parse(url, headers, body)
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
    account_id, region = identity(headers, mock)
    store = mock.store_for(account_id, region)
    ctx = _new_tuple(
        RequestContext, (op.service_name, operation, account_id, region, _clock.now(), request_id)
    )
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
    return op.reply(result, request_id)
