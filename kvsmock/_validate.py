"""Server-side input constraints, compiled once per shape from the botocore service model.

botocore's client checks only required members, minimums and types (and users can turn even
that off with ``parameter_validation=False``). The service checks the rest: maximum lengths
and sizes, patterns (whole-string match), enums and integer ranges. A validator here walks a
value against its shape and collects AWS-style problems::

    Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy
    regular expression pattern: [a-zA-Z0-9_.-]+

:func:`compile_shape` builds a closure tree per shape; :mod:`kvsmock._dispatch` caches one per
operation, so the per-call cost is a walk over the members present.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import (
    AbstractSet,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Optional,
    Set,
    Tuple,
    Union,
)

#: Where a value sits, as the service prints it (``streamInfoList.1.member.streamName``): a
#: string, or a ``(parent path, segment)`` pair made into that string only when a problem is
#: reported, so a valid value builds no path. A segment is a member's lower-camel name, or the
#: number of a list item (``1`` prints as ``1.member``).
Path = Union[str, Tuple[Any, Union[str, int]]]
#: ``check(value, path, problems)`` appends one message per broken constraint.
Check = Callable[[Any, Path, List[str]], None]

#: Output members whose modeled pattern the real service's own values break (AWS_BEHAVIOUR.md:
#: ``ContentType`` is ``^[a-zA-Z0-9_\\.\\-]+$`` but GetClip returns ``video/mp4``; the
#: signaling ``IceServer`` ``Username`` and ``Password`` are ``[a-zA-Z0-9_.-]+`` but real ones
#: are ``<epoch>:<base64>`` and base64, with ``:``, ``+``, ``/`` and ``=``).
_OUTPUT_PATTERN_EXEMPT = frozenset({"ContentType", "Username", "Password"})
#: Output strings whose modeled maximum length the real values can pass: a TURN username
#: holds the base64 ChannelARN, over 256 characters for channel names of 110+ characters.
_OUTPUT_MAX_EXEMPT = frozenset({"Username"})


def render(value: Any) -> str:
    """A value as the service's Java-based validator prints it (``null``, ``[a, b]``, ``{k=v}``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(k)}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, bytes):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    return str(value)


def member_path(parent: str, member: str) -> str:
    """The validator's path of a member: lower-camel names joined by dots (``tags.1.member``)."""
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


def path_text(path: Path) -> str:
    """A :data:`Path` as the service prints it (``streamInfoList.1.member.streamName``)."""
    if isinstance(path, str):
        return path
    parent, segment = path
    text = path_text(parent)
    if isinstance(segment, int):
        return f"{text}.{segment}.member"
    return f"{text}.{segment}" if text else segment


def _fail(problems: List[str], value: Any, path: Path, constraint: str) -> None:
    shown = "null" if value is None else f"'{render(value)}'"
    where = path_text(path)
    problems.append(f"Value {shown} at '{where}' failed to satisfy constraint: {constraint}")


def java_length(value: str) -> int:
    """A string's length as the service (Java) counts it: UTF-16 code units, so a character
    outside the Basic Multilingual Plane (an emoji, U+1D49C) counts twice."""
    if value.isascii():
        return len(value)
    # Counted, not encoded: a lone surrogate (legal JSON, "\ud800") is one code unit.
    return len(value) + sum(1 for c in value if ord(c) > 0xFFFF)


def java_semantics(pattern: str) -> str:
    """A model pattern rewritten so Python's ``re`` reads it as the service (Java) does:
    ``.`` matches anything but a line terminator (``\n``, ``\r``, U+0085, U+2028, U+2029;
    Python's ``.`` excludes only ``\n``). Compile the result with ``re.ASCII`` so that
    ``\\w``, ``\\d`` and ``\\s`` are ASCII-only, as in Java."""
    out: List[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == ".":
            c = "[^\\n\\r\\u0085\\u2028\\u2029]"
        out.append(c)
        i += 1
    return "".join(out)


def compile_pattern(pattern: str) -> Callable[[str], Any]:
    """A whole-string matcher for a model pattern, with the service's (Java) semantics.

    ``\\w``, ``\\d`` and ``\\s`` match ASCII only (``re.ASCII``) and ``.`` no line
    terminator (``\\r``, U+0085, U+2028, U+2029 as well as ``\\n``), as in
    ``java.util.regex``. Patterns with Unicode property classes (``\\p{L}``), which Python's
    ``re`` rejects, are compiled with the ``regex`` library, which implements them.
    """
    translated = java_semantics(pattern)
    if "\\p{" in pattern:
        # Kept (optimisation 10): importing ``regex`` costs ~11 ms (31 ms loaded) at the first
        # check, and most processes never send a value of these shapes (tag keys and values).
        compiled: List[Callable[[str], Any]] = []

        def fullmatch(value: str) -> Any:
            if not compiled:
                import regex

                # No ASCII flag here: it would make ``\\p{L}`` ASCII-only too.
                compiled.append(regex.compile(translated).fullmatch)
            return compiled[0](value)

        return fullmatch
    return re.compile(translated, re.ASCII).fullmatch


def compile_shape(shape: Any, output: bool = False) -> Check:
    """Compile a ``botocore.model.Shape`` into a check of every constraint it declares.

    Args:
        shape: the shape to check values against.
        output: check a result kvsmock produced (strict mode) rather than user input:
            ``None`` counts as absent, and minimum sizes of lists and maps are not enforced
            (empty lists and maps are normal in results).
    """
    return _compile(shape, output, {})


def _compile(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    key = shape.name
    if key in memo:
        return memo[key]
    slot: List[Check] = []

    def deferred(value: Any, path: Path, problems: List[str]) -> None:
        slot[0](value, path, problems)

    memo[key] = deferred
    check = _build(shape, output, memo)
    slot.append(check)
    memo[key] = check
    return check


def _build(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    # One closure per shape, which tests the type and then every constraint in the order the
    # service reports them: a valid member costs one call.
    type_name: str = shape.type_name
    if type_name == "string":
        return _string_check(shape, output)
    if type_name in ("integer", "long", "double", "float"):
        return _number_check(shape)
    if type_name == "blob":
        return _blob_check(shape, output)
    if type_name == "list":
        return _list_check(shape, output, memo)
    if type_name == "map":
        return _map_check(shape, output, memo)
    if type_name == "structure":
        return _structure_check(shape, output, memo)
    return _type_only_check(type_name)


def _wrong_type(problems: List[str], value: Any, path: Path, type_name: str) -> None:
    _fail(problems, value, path, f"Member must be of type {type_name}")


def _check_bounds(
    problems: List[str],
    value: Any,
    path: Path,
    size: Any,
    lo: Any,
    hi: Any,
    what: str,
) -> None:
    """The minimum and maximum of a length (``what`` = ``length``) or a value (``value``)."""
    if lo is not None and size < lo:
        _fail(problems, value, path, f"Member must have {what} greater than or equal to {lo}")
    if hi is not None and size > hi:
        _fail(problems, value, path, f"Member must have {what} less than or equal to {hi}")


def _int_or_none(value: Any) -> Optional[int]:
    return int(value) if value is not None else None


def _type_only_check(type_name: str) -> Check:
    python_type = {"boolean": bool, "timestamp": _dt.datetime, "string": str}.get(type_name, object)

    def check(value: Any, path: Path, problems: List[str]) -> None:
        if not isinstance(value, python_type):
            _wrong_type(problems, value, path, type_name)

    return check


def _number_check(shape: Any) -> Check:
    type_name = shape.type_name
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if type_name not in ("integer", "long"):

        def float_check(value: Any, path: Path, problems: List[str]) -> None:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                _wrong_type(problems, value, path, type_name)
            elif (lo is not None and value < lo) or (hi is not None and value > hi):
                _check_bounds(problems, value, path, value, lo, hi, "value")

        return float_check
    # The service is Java: integer is 32-bit, long 64-bit.
    bits = 31 if type_name == "integer" else 63
    least, limit = -(1 << bits), 1 << bits

    def int_check(value: Any, path: Path, problems: List[str]) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not least <= value < limit:
            _wrong_type(problems, value, path, type_name)
        elif (lo is not None and value < lo) or (hi is not None and value > hi):
            _check_bounds(problems, value, path, value, lo, hi, "value")

    return int_check


def _blob_check(shape: Any, output: bool) -> Check:
    lo = _int_or_none(shape.metadata.get("min"))
    hi = _int_or_none(shape.metadata.get("max"))

    def check(value: Any, path: Path, problems: List[str]) -> None:
        # A streaming payload a handler returns may also be an iterator of bytes chunks
        # (GetMedia); JSON input never decodes to an iterator.
        if not (isinstance(value, (bytes, bytearray, Iterator)) or hasattr(value, "read")):
            _wrong_type(problems, value, path, "blob")
        elif lo is not None or hi is not None:
            _check_bounds(problems, value, path, len(value), lo, hi, "length")

    return check


def _collection_bounds(shape: Any, output: bool) -> Tuple[Optional[int], Optional[int]]:
    # No minimum for the lists and maps of a result (see compile_shape).
    lo = None if output else _int_or_none(shape.metadata.get("min"))
    return lo, _int_or_none(shape.metadata.get("max"))


def _list_check(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    lo, hi = _collection_bounds(shape, output)
    item = _compile(shape.member, output, memo)

    def check(value: Any, path: Path, problems: List[str]) -> None:
        if not isinstance(value, list):
            _wrong_type(problems, value, path, "list")
            return
        if lo is not None or hi is not None:
            _check_bounds(problems, value, path, len(value), lo, hi, "length")
        for i, v in enumerate(value, 1):
            item(v, (path, i), problems)

    return check


def _map_check(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    lo, hi = _collection_bounds(shape, output)
    key_check = _compile(shape.key, output, memo)
    value_check = _compile(shape.value, output, memo)

    def check(value: Any, path: Path, problems: List[str]) -> None:
        if not isinstance(value, dict):
            _wrong_type(problems, value, path, "map")
            return
        if lo is not None or hi is not None:
            _check_bounds(problems, value, path, len(value), lo, hi, "length")
        key_problems: List[str] = []
        value_problems: List[str] = []
        for k, v in value.items():
            key_check(k, path, key_problems)
            value_check(v, path, value_problems)
        if key_problems:
            constraint = "Map keys must satisfy constraint: " + _constraints(key_problems)
            _fail(problems, value, path, constraint)
        if value_problems:
            constraint = "Map value must satisfy constraint: " + _constraints(value_problems)
            _fail(problems, value, path, constraint)

    return check


def _structure_check(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    required = tuple((name, member_path("", name)) for name in shape.required_members)
    # Each member's check, its lower-camel path segment (computed once: optimisation 4, kept,
    # ~1.4 % of a call), and the strings its check accepted before (empty for other members):
    # those need no call (most members).
    members = {
        name: (_compile(m, output, memo), member_path("", name), _accepted_strings(m, output))
        for name, m in shape.members.items()
    }

    def check(value: Any, path: Path, problems: List[str]) -> None:
        if not isinstance(value, dict):
            _wrong_type(problems, value, path, "structure")
            return
        for name, segment in required:
            if value.get(name) is None:
                _fail(problems, None, (path, segment), "Member must not be null")
        for name, v in value.items():
            entry = members.get(name)
            if entry is None or v is None:
                continue
            if v.__class__ is str and v in entry[2]:
                continue
            entry[0](v, (path, entry[1]), problems)

    return check


def _constraints(problems: List[str]) -> str:
    seen: Dict[str, None] = {}
    for p in problems:
        seen[p.split("failed to satisfy constraint: ", 1)[-1]] = None
    return "[" + ", ".join(seen) + "]"


#: Strings that met every constraint of a string shape, by those constraints (min, max,
#: enum, pattern): every check with the same constraints shares one set, so a name or ARN
#: accepted in a CreateStream result is known to DescribeStream's and ListStreams' checks.
#: Kept (optimisations 2, 22): ~2.7 % of a describe call, ~4.6 % of a listing page (audit).
_ACCEPTED: Dict[Tuple[Any, ...], Set[str]] = {}
#: How many strings a set holds before it is cleared: a full listing of the documented
#: default quotas (10,000 streams, 10,000 signaling channels per account and region) fits.
_ACCEPTED_MAX = 16384
#: Longer strings (payloads, SDP offers) are checked every time, never remembered: the sets
#: hold names, ARNs, versions and tokens (ARNs are at most 1024 characters).
_ACCEPTED_MAX_LENGTH = 1024


def _string_constraints(
    shape: Any, output: bool
) -> Tuple[Optional[int], Optional[int], Optional[FrozenSet[str]], Optional[str]]:
    """A string shape's (min, max, enum, pattern), without what results are exempt from."""
    meta = shape.metadata
    lo = _int_or_none(meta.get("min"))
    hi = None if output and shape.name in _OUTPUT_MAX_EXEMPT else _int_or_none(meta.get("max"))
    allowed = frozenset(shape.enum) if shape.enum else None
    pattern: Optional[str] = meta.get("pattern")
    if output and shape.name in _OUTPUT_PATTERN_EXEMPT:
        pattern = None
    return lo, hi, allowed, pattern


def _accepted_strings(shape: Any, output: bool) -> AbstractSet[str]:
    """The strings a compiled string shape's check accepted (empty for other shapes)."""
    if shape.type_name != "string":
        return frozenset()
    return _ACCEPTED.get(_string_constraints(shape, output), frozenset())


def _string_check(shape: Any, output: bool) -> Check:
    constraints = _string_constraints(shape, output)
    lo, hi, allowed, pattern = constraints
    listing = ", ".join(shape.enum) if shape.enum else ""
    matcher = compile_pattern(pattern) if pattern is not None else None
    if lo is None and hi is None and allowed is None and matcher is None:
        return _type_only_check("string")
    accepted = _ACCEPTED.setdefault(constraints, set())

    def check(value: Any, path: Path, problems: List[str]) -> None:
        if not isinstance(value, str):
            _wrong_type(problems, value, path, "string")
            return
        if value in accepted:  # met every constraint before
            return
        before = len(problems)
        _check_bounds(problems, value, path, java_length(value), lo, hi, "length")
        if allowed is not None and value not in allowed:
            _fail(problems, value, path, f"Member must satisfy enum value set: [{listing}]")
        if matcher is not None and matcher(value) is None:
            constraint = f"Member must satisfy regular expression pattern: {pattern}"
            _fail(problems, value, path, constraint)
        if len(problems) == before and len(value) <= _ACCEPTED_MAX_LENGTH:
            if len(accepted) >= _ACCEPTED_MAX:
                accepted.clear()
            accepted.add(value)

    return check


def summary(problems: List[str]) -> str:
    """The ``InvalidArgumentException`` message for collected problems, AWS style."""
    n = len(problems)
    noun = "error" if n == 1 else "errors"
    return f"{n} validation {noun} detected: " + "; ".join(problems)
