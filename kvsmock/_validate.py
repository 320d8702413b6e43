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
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

#: ``check(value, path, problems)`` appends one message per broken constraint.
Check = Callable[[Any, str, List[str]], None]

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


def _fail(problems: List[str], value: Any, path: str, constraint: str) -> None:
    shown = "null" if value is None else f"'{render(value)}'"
    problems.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")


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
        # Compiled on first use: importing ``regex`` costs ~25 ms, and most calls never send
        # a value of these shapes (tag keys and values, for one).
        compiled: List[Callable[[str], Any]] = []

        def fullmatch(value: str) -> Any:
            if not compiled:
                import regex

                # No ASCII flag here: it would make ``\\p{L}`` ASCII-only too.
                compiled.append(regex.compile(translated).fullmatch)
            return compiled[0](value)

        return fullmatch
    return re.compile(translated, re.ASCII).fullmatch


def _is_integer(bits: int) -> Callable[[Any], bool]:
    # The service is Java: integer is 32-bit, long 64-bit.
    lo, hi = -(1 << bits), 1 << bits

    def is_integer(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and lo <= value < hi

    return is_integer


def _is_blob(value: Any) -> bool:
    # A streaming payload a handler returns may also be an iterator of bytes chunks
    # (GetMedia); JSON input never decodes to an iterator.
    return isinstance(value, (bytes, bytearray, Iterator)) or hasattr(value, "read")


#: Shape type -> the test a value of that type passes; chosen once per compiled shape.
_TYPE_TESTS: Dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": _is_integer(31),
    "long": _is_integer(63),
    "double": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "float": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "timestamp": lambda value: isinstance(value, _dt.datetime),
    "blob": _is_blob,
    "structure": lambda value: isinstance(value, dict),
    "list": lambda value: isinstance(value, list),
    "map": lambda value: isinstance(value, dict),
}


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

    def deferred(value: Any, path: str, problems: List[str]) -> None:
        slot[0](value, path, problems)

    memo[key] = deferred
    check = _build(shape, output, memo)
    slot.append(check)
    memo[key] = check
    return check


def _build(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    type_name: str = shape.type_name
    meta = shape.metadata
    steps: List[Check] = []

    if type_name == "string":
        steps.extend(_string_steps(shape, output))
    elif type_name in ("integer", "long", "double", "float"):
        steps.extend(_range_steps(meta))
    elif type_name == "blob":
        steps.extend(_length_steps(meta, "length", output=output, collection=False))
    elif type_name == "list":
        steps.extend(_length_steps(meta, "length", output=output, collection=True))
        item = _compile(shape.member, output, memo)

        def items(value: List[Any], path: str, problems: List[str]) -> None:
            for i, v in enumerate(value, 1):
                item(v, f"{path}.{i}.member", problems)

        steps.append(items)
    elif type_name == "map":
        steps.extend(_length_steps(meta, "length", output=output, collection=True))
        key_check = _compile(shape.key, output, memo)
        value_check = _compile(shape.value, output, memo)

        def entries(value: Dict[Any, Any], path: str, problems: List[str]) -> None:
            key_problems: List[str] = []
            value_problems: List[str] = []
            for k, v in value.items():
                key_check(k, path, key_problems)
                value_check(v, path, value_problems)
            if key_problems:
                _fail(
                    problems,
                    value,
                    path,
                    "Map keys must satisfy constraint: " + _constraints(key_problems),
                )
            if value_problems:
                _fail(
                    problems,
                    value,
                    path,
                    "Map value must satisfy constraint: " + _constraints(value_problems),
                )

        steps.append(entries)
    elif type_name == "structure":
        steps.append(_structure_step(shape, output, memo))

    is_type = _TYPE_TESTS.get(type_name, lambda value: True)
    run = tuple(steps)

    def check(value: Any, path: str, problems: List[str]) -> None:
        if not is_type(value):
            _fail(problems, value, path, f"Member must be of type {type_name}")
            return
        for step in run:
            step(value, path, problems)

    return check


def _constraints(problems: List[str]) -> str:
    seen: Dict[str, None] = {}
    for p in problems:
        seen[p.split("failed to satisfy constraint: ", 1)[-1]] = None
    return "[" + ", ".join(seen) + "]"


#: Strings that met every constraint of a string shape, by those constraints (min, max,
#: enum, pattern): every check with the same constraints shares one set, so a name or ARN
#: accepted in a CreateStream result is known to DescribeStream's and ListStreams' checks.
#: Kept (optimisations 2 and 22): a listing of 10,000 streams checks no pattern twice
#: (see docs/performance.md, the audit).
_ACCEPTED: Dict[Tuple[Any, ...], Set[str]] = {}
#: How many strings a set holds before it is cleared: a full listing of the documented
#: default quotas (10,000 streams, 10,000 signaling channels per account and region) fits.
_ACCEPTED_MAX = 16384
#: Longer strings (payloads, SDP offers) are checked every time, never remembered: the sets
#: hold names, ARNs, versions and tokens (ARNs are at most 1024 characters).
_ACCEPTED_MAX_LENGTH = 1024


def _string_steps(shape: Any, output: bool) -> List[Check]:
    # One step for every string constraint (length, enum, pattern, in that order): strings
    # are most of the members checked on every call.
    meta = shape.metadata
    lo = meta.get("min")
    hi = meta.get("max")
    lo_i = int(lo) if lo is not None else None
    if output and shape.name in _OUTPUT_MAX_EXEMPT:
        hi = None
    hi_i = int(hi) if hi is not None else None
    enum = shape.enum
    allowed = frozenset(enum) if enum else None
    listing = ", ".join(enum) if enum else ""
    pattern: Optional[str] = meta.get("pattern")
    if output and shape.name in _OUTPUT_PATTERN_EXEMPT:
        pattern = None
    if lo_i is None and hi_i is None and allowed is None and pattern is None:
        return []
    matcher = compile_pattern(pattern) if pattern is not None else None
    accepted = _ACCEPTED.setdefault((lo_i, hi_i, allowed, pattern), set())

    def string_constraints(value: str, path: str, problems: List[str]) -> None:
        if value in accepted:
            return
        before = len(problems)
        size = java_length(value)
        if lo_i is not None and size < lo_i:
            _fail(problems, value, path, f"Member must have length greater than or equal to {lo_i}")
        if hi_i is not None and size > hi_i:
            _fail(problems, value, path, f"Member must have length less than or equal to {hi_i}")
        if allowed is not None and value not in allowed:
            _fail(problems, value, path, f"Member must satisfy enum value set: [{listing}]")
        if matcher is not None and matcher(value) is None:
            _fail(
                problems,
                value,
                path,
                f"Member must satisfy regular expression pattern: {pattern}",
            )
        if len(problems) == before and len(value) <= _ACCEPTED_MAX_LENGTH:
            if len(accepted) >= _ACCEPTED_MAX:
                accepted.clear()
            accepted.add(value)

    return [string_constraints]


def _length_steps(
    meta: Dict[str, Any], what: str, *, output: bool, collection: bool
) -> List[Check]:
    steps: List[Check] = []
    lo = meta.get("min")
    hi = meta.get("max")
    if lo is not None and not (output and collection):
        lo_i = int(lo)

        def at_least(value: Any, path: str, problems: List[str]) -> None:
            if len(value) < lo_i:
                _fail(
                    problems,
                    value,
                    path,
                    f"Member must have {what} greater than or equal to {lo_i}",
                )

        steps.append(at_least)
    if hi is not None:
        hi_i = int(hi)

        def at_most(value: Any, path: str, problems: List[str]) -> None:
            if len(value) > hi_i:
                _fail(
                    problems, value, path, f"Member must have {what} less than or equal to {hi_i}"
                )

        steps.append(at_most)
    return steps


def _range_steps(meta: Dict[str, Any]) -> List[Check]:
    steps: List[Check] = []
    lo = meta.get("min")
    hi = meta.get("max")
    if lo is not None:

        def at_least(value: Any, path: str, problems: List[str]) -> None:
            if value < lo:
                _fail(
                    problems, value, path, f"Member must have value greater than or equal to {lo}"
                )

        steps.append(at_least)
    if hi is not None:

        def at_most(value: Any, path: str, problems: List[str]) -> None:
            if value > hi:
                _fail(problems, value, path, f"Member must have value less than or equal to {hi}")

        steps.append(at_most)
    return steps


def _structure_step(shape: Any, output: bool, memo: Dict[str, Check]) -> Check:
    required = tuple(shape.required_members)
    # Each member's check with its lower-camel path segment, computed once.
    members = {
        name: (_compile(m, output, memo), member_path("", name))
        for name, m in shape.members.items()
    }

    def walk(value: Dict[str, Any], path: str, problems: List[str]) -> None:
        for name in required:
            if value.get(name) is None:
                _fail(problems, None, member_path(path, name), "Member must not be null")
        prefix = f"{path}." if path else ""
        for name, v in value.items():
            entry = members.get(name)
            if entry is None or v is None:
                continue
            entry[0](v, prefix + entry[1], problems)

    return walk


def summary(problems: List[str]) -> str:
    """The ``InvalidArgumentException`` message for collected problems, AWS style."""
    n = len(problems)
    noun = "error" if n == 1 else "errors"
    return f"{n} validation {noun} detected: " + "; ".join(problems)
