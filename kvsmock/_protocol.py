"""The rest-json codec: HTTP request -> params, and result or error -> :class:`HttpReply`.

All five KVS services speak rest-json. Requests are read the way the service reads them:
members bound to the URI, query string or headers come from there, the rest from the JSON
body (timestamps as epoch seconds, blobs as base64). Results are written the way the service
writes them: header-bound members to headers, a ``payload`` member to the raw body, the rest
to JSON with timestamps as epoch seconds with millisecond fractions. Errors carry their code
in ``x-amzn-ErrorType`` and ``__type`` and their message under the member name the error
shape uses (``Message`` or ``message``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import re
from typing import Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional, Union
from urllib.parse import parse_qs, unquote, urlsplit

from kvsmock import _clock, _model

Body = Union[bytes, Iterable[bytes]]


class HttpReply(NamedTuple):
    """A response as the wire carries it: status code, headers and body."""

    status: int
    headers: Dict[str, str]
    body: Body


class MalformedRequest(ValueError):
    """The request body or a bound member could not be read as its shape's type."""


_UTC = _dt.timezone.utc
#: The real ``datetime`` class. freezegun swaps every module attribute that is the real
#: class for its subclass while time is frozen; one held in a tuple is left alone.
_REAL_DATETIME = (_dt.datetime,)
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_UTC)
_ONE_MS = _dt.timedelta(milliseconds=1)
Convert = Callable[[Any], Any]


def _timestamp_in(value: Any) -> Any:
    """A wire timestamp as an aware datetime; anything else (not a time, or a time outside
    :data:`kvsmock._clock.EARLIEST` .. ``LATEST``) stays as it is, and validation refuses it
    as not a timestamp."""
    parsed = _timestamp_or_none(value)
    return parsed if parsed is not None and _clock.in_range(parsed) else value


def _timestamp_or_none(value: Any) -> Optional[_dt.datetime]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return _EPOCH + _dt.timedelta(seconds=value)
        except (OverflowError, ValueError):  # out of range, or NaN
            return None
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return _EPOCH + _dt.timedelta(seconds=float(value))
            except (ValueError, OverflowError):
                return None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=_dt.timezone.utc)
        try:
            return parsed.astimezone(_dt.timezone.utc)
        except OverflowError:  # an offset that moves it past datetime's range
            return None
    return None


def _blob_in(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
    return value


def _input_converter(shape: Any, memo: Dict[str, Optional[Convert]]) -> Optional[Convert]:
    """A converter from JSON values to Python values for ``shape``, or None if identity."""
    if shape.name in memo:
        return memo[shape.name]
    memo[shape.name] = None  # recursion guard: a recursive shape converts like identity
    conv: Optional[Convert] = None
    t = shape.type_name
    if t == "timestamp":
        conv = _timestamp_in
    elif t == "blob":
        conv = _blob_in
    elif t == "list":
        inner = _input_converter(shape.member, memo)
        if inner is not None:
            f = inner

            def conv_list(v: Any) -> Any:
                return [f(x) for x in v] if isinstance(v, list) else v

            conv = conv_list
    elif t == "map":
        inner = _input_converter(shape.value, memo)
        if inner is not None:
            g = inner

            def conv_map(v: Any) -> Any:
                return {k: g(x) for k, x in v.items()} if isinstance(v, dict) else v

            conv = conv_map
    elif t == "structure":
        fields = {}
        for name, m in shape.members.items():
            if m.serialization.get("location"):
                continue
            wire = m.serialization.get("name", name)
            fields[wire] = (name, _input_converter(m, memo))
        if any(c is not None or wire != name for wire, (name, c) in fields.items()):

            def conv_struct(v: Any) -> Any:
                if not isinstance(v, dict):
                    return v
                out = {}
                for wire, x in v.items():
                    name, c = fields.get(wire, (wire, None))
                    out[name] = c(x) if c is not None and x is not None else x
                return out

            conv = conv_struct
    memo[shape.name] = conv
    return conv


#: The deepest nesting of objects and arrays a request body may have. The models nest a few
#: levels; deeper bodies are refused before anything walks them recursively.
MAX_JSON_DEPTH = 32


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value nests objects and arrays deeper than ``limit`` (walked
    without recursion)."""
    level: List[Any] = [value]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        nxt: List[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(v for v in item.values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                nxt.extend(v for v in item if isinstance(v, (dict, list)))
        level = nxt
    return False


def _drop_nulls(value: Any) -> Any:
    """JSON ``null`` members mean "absent", as the service reads them."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    if (
        value.__class__ is _REAL_DATETIME[0]
        and value.tzinfo is _UTC
        and not value.microsecond % 1000
    ):
        # Already whole milliseconds (the mock clock's): timestamp() divides the exact
        # microsecond count by 10**6, the same correctly rounded value as ms / 1000.
        return value.timestamp()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        # Truncated to the millisecond like _clock.epoch_millis (ARN suffixes), not rounded.
        return ((value - _EPOCH) // _ONE_MS) / 1000
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot serialize {type(value).__name__}")


#: The standard library's encoder, for what orjson refuses (or without orjson): one
#: ``JSONEncoder`` with the options of ``json.dumps(value, default=_json_default,
#: separators=(",", ":"))``, made once (optimisation 5, kept: the plain code, 0.9 % of a call).
_STDLIB_ENCODER = json.JSONEncoder(default=_json_default, separators=(",", ":"))
_UNSET: Any = object()
_orjson_dumps: Any = _UNSET
_ORJSON_OPTION = 0


def _load_orjson() -> Any:
    """``orjson.dumps`` when orjson is installed (a dependency on CPython), else ``None``."""
    global _orjson_dumps, _ORJSON_OPTION
    try:
        import orjson
    except ImportError:
        _orjson_dumps = None
    else:
        _ORJSON_OPTION = orjson.OPT_PASSTHROUGH_DATETIME  # datetimes go to _json_default
        _orjson_dumps = orjson.dumps
    return _orjson_dumps


# Kept (optimisation 16): orjson saves ~2.4 % of a describe call, ~31 % of a listing page.
def encode_json(value: Any) -> bytes:
    """A result as a compact JSON body: timestamps as epoch seconds, blobs as base64.

    Encoded by orjson when it is installed (several times faster than the standard
    library on results such as a ``ListStreams`` page); anything orjson refuses (integers
    beyond 64 bits, strings with lone surrogates) goes through the standard library's
    encoder. Both write the same JSON values (results never hold NaN or infinities, which
    JSON lacks); orjson writes non-ASCII characters as UTF-8 where the standard library
    escapes them, as the service does (UTF-8 bodies).
    """
    dumps = _orjson_dumps
    if dumps is _UNSET:
        dumps = _load_orjson()
    if dumps is not None:
        try:
            data: bytes = dumps(value, default=_json_default, option=_ORJSON_OPTION)
            return data
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    return _STDLIB_ENCODER.encode(value).encode()


class OperationCodec:
    """Reads one operation's requests and writes its replies, from its model shapes."""

    def __init__(self, service_name: str, operation: str) -> None:
        op = _model.operation_model(service_name, operation)
        self.service_name = service_name
        self.status = int(op.http.get("responseCode", 200))
        in_shape = op.input_shape
        self._uri_members: Dict[str, str] = {}
        self._query_members: Dict[str, str] = {}
        self._header_members: Dict[str, str] = {}
        self._body_convert: Optional[Convert] = None
        self._uri_regex: Optional[Any] = None
        if in_shape is not None:
            for name, m in in_shape.members.items():
                loc = m.serialization.get("location")
                wire = m.serialization.get("name", name)
                if loc == "uri":
                    self._uri_members[wire] = name
                elif loc == "querystring":
                    self._query_members[wire] = name
                elif loc == "header":
                    self._header_members[wire.lower()] = name
            self._body_convert = _input_converter(in_shape, {})
            if self._uri_members:
                template = op.http["requestUri"].split("?", 1)[0]
                # re.escape turns {Name} into \{Name\} and {Name+} into \{Name\+\}; a plain
                # label is one path segment, a greedy (+) label may span several.
                self._uri_regex = re.compile(
                    re.sub(
                        r"\\\{(\w+)(\\\+)?\\\}",
                        lambda m: f"(?P<{m.group(1)}>{'.+' if m.group(2) else '[^/]+'})",
                        re.escape(template),
                    )
                    + "$"
                )
        out_shape = op.output_shape
        self._out_headers: Dict[str, str] = {}
        self._payload: Optional[str] = None
        if out_shape is not None:
            self._payload = out_shape.serialization.get("payload")
            for name, m in out_shape.members.items():
                if m.serialization.get("location") == "header":
                    self._out_headers[name] = m.serialization.get("name", name)

    @property
    def has_payload(self) -> bool:
        """Whether the result is a raw body (GetMedia, GetClip, ...), not JSON."""
        return self._payload is not None

    def parse(self, url: str, headers: Mapping[str, str], body: bytes) -> Dict[str, Any]:
        """The operation's params from a request; raises :class:`MalformedRequest`."""
        params: Dict[str, Any] = {}
        if body:
            try:
                decoded = json.loads(body)
            except (ValueError, RecursionError) as e:  # RecursionError: absurdly deep nesting
                raise MalformedRequest("The request body is not valid JSON.") from e
            if not isinstance(decoded, dict):
                raise MalformedRequest("The request body must be a JSON object.")
            if _too_deep(decoded):
                raise MalformedRequest(
                    f"The request body nests more than {MAX_JSON_DEPTH} objects or arrays."
                )
            params = _drop_nulls(decoded) if b"null" in body else decoded
        if self._body_convert is not None:
            params = self._body_convert(params)
        if self._uri_members or self._query_members:
            parts = urlsplit(url)
            if self._uri_regex is not None:
                match = self._uri_regex.search(parts.path)
                if match:
                    for wire, value in match.groupdict().items():
                        params[self._uri_members[wire]] = unquote(value)
            if self._query_members:
                for wire, values in parse_qs(parts.query).items():
                    if wire in self._query_members:
                        params[self._query_members[wire]] = values[-1]
        if self._header_members:
            for key, value in headers.items():
                name = self._header_members.get(key.lower())
                if name is not None:
                    params[name] = value
        return params

    def reply(self, result: Mapping[str, Any], request_id: str) -> HttpReply:
        """The HTTP reply for a handler's result dict."""
        headers = {"x-amzn-RequestId": request_id}
        body: Body
        if result.__class__ is dict and not self._out_headers and self._payload is None:
            body = encode_json(result)
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(len(body))
            return HttpReply(self.status, headers, body)
        rest = dict(result)
        for name, wire in self._out_headers.items():
            value = rest.pop(name, None)
            if value is not None:
                headers[wire] = str(value)
        if self._payload is not None:
            payload = rest.pop(self._payload, b"")
            body = payload if payload is not None else b""
        else:
            headers["Content-Type"] = "application/json"
            body = encode_json(rest)
            headers["Content-Length"] = str(len(body))
        return HttpReply(self.status, headers, body)


def error_reply(service_name: str, code: str, message: str, request_id: str) -> HttpReply:
    """The HTTP reply for a service error, with the status its error shape declares."""
    info = _model.errors_of(service_name).get(code)
    status, member = (info.status, info.message_member) if info else (400, "Message")
    body = json.dumps({"__type": code, member: message}).encode()
    headers = {
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": code,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }
    return HttpReply(status, headers, body)


def raw_error_reply(code: str, status: int, body: Mapping[str, Any], request_id: str) -> HttpReply:
    """An error reply the models do not declare (see :mod:`kvsmock._endpoints`)."""
    data = json.dumps(body).encode()
    headers = {
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": code,
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
    }
    return HttpReply(status, headers, data)


def decode_body(body: Any) -> bytes:
    """The request body as bytes, whatever botocore prepared (bytes, str, file or None)."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    read = getattr(body, "read", None)
    if read is not None:
        data = read()
        if hasattr(body, "seek"):
            body.seek(0)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    chunks: List[bytes] = [c if isinstance(c, bytes) else str(c).encode() for c in body]
    return b"".join(chunks)
