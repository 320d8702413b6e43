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
import threading
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Set, Tuple

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


#: The Python type a valid value of a shape type usually has exactly, for a fast type test.
#: Not for integer/long: their check is also a range check.
_EXACT_TYPES: Dict[str, type] = {
    "string": str,
    "double": float,
    "float": float,
    "boolean": bool,
    "timestamp": _dt.datetime,
    "blob": bytes,
    "structure": dict,
    "list": list,
    "map": dict,
}


def _type_ok(type_name: str, value: Any) -> bool:
    if type_name == "string":
        return isinstance(value, str)
    if type_name in ("integer", "long"):
        # The service is Java: integer is 32-bit, long 64-bit.
        bits = 31 if type_name == "integer" else 63
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and -(1 << bits) <= value < (1 << bits)
        )
    if type_name in ("double", "float"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name == "timestamp":
        return isinstance(value, _dt.datetime)
    if type_name == "blob":
        # A streaming payload a handler returns may also be an iterator of bytes chunks
        # (GetMedia); JSON input never decodes to an iterator.
        return isinstance(value, (bytes, bytearray, Iterator)) or hasattr(value, "read")
    if type_name == "structure":
        return isinstance(value, dict)
    if type_name == "list":
        return isinstance(value, list)
    if type_name == "map":
        return isinstance(value, dict)
    return True


def compile_shape(shape: Any, output: bool = False) -> Check:
    """Compile a ``botocore.model.Shape`` into a check of every constraint it declares.

    Args:
        shape: the shape to check values against.
        output: check a result kvsmock produced (strict mode) rather than user input:
            ``None`` counts as absent, and minimum sizes of lists and maps are not enforced
            (empty lists and maps are normal in results).
    """
    memo = _Memo()
    slow = _compile(shape, output, memo)
    # The would-pass predicate is generated code (``compile()``, ~0.5 ms a shape): made on
    # the check's ``_GENERATE_AFTER``-th call, so that a process calling an operation once
    # (a script, a cold start) does not pay for it; until then every value gets the walk.
    passes: Optional[Callable[[Any], bool]] = None
    calls = 0

    def check(value: Any, path: str, problems: List[str]) -> None:
        nonlocal passes, calls
        fast = passes
        if fast is None:
            calls += 1
            if calls < _GENERATE_AFTER:
                slow(value, path, problems)
                return
            with _generate_lock:  # memo is not for two threads at once
                fast = passes
                if fast is None:
                    fast = passes = _passes(shape, output, memo)
        # ``passes`` is True only for values the full walk accepts; anything else (every
        # value with a problem) gets the full walk, with its messages, paths and order.
        if not fast(value):
            slow(value, path, problems)

    return check


#: The call of a :func:`compile_shape` check that generates its would-pass predicate.
_GENERATE_AFTER = 2
_generate_lock = threading.Lock()


class _StringRule(NamedTuple):
    """A string shape's constraints as a predicate, and its cache of strings that met them."""

    passed: Set[str]
    ok: Callable[[str], bool]


class _Memo(Dict[str, Check]):
    """Compiled checks of one :func:`compile_shape` call by shape name, with the string
    rules they use and the would-pass predicates built from them."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: Dict[str, _StringRule] = {}
        self.passes: Dict[str, Callable[[Any], bool]] = {}


def _compile(shape: Any, output: bool, memo: _Memo) -> Check:
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


def _build(shape: Any, output: bool, memo: _Memo) -> Check:
    type_name: str = shape.type_name
    meta = shape.metadata
    steps: List[Check] = []

    def type_check(value: Any, path: str, problems: List[str]) -> bool:
        if _type_ok(type_name, value):
            return True
        _fail(problems, value, path, f"Member must be of type {type_name}")
        return False

    if type_name == "string":
        steps.extend(_string_steps(shape, output, memo))
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

    # Fast path: a value of exactly the modeled Python type needs no further type test
    # (``_type_ok`` would accept it); anything else goes through ``_type_ok``.
    exact = _EXACT_TYPES.get(type_name)
    run = tuple(steps)

    def check(value: Any, path: str, problems: List[str]) -> None:
        if value.__class__ is not exact and not type_check(value, path, problems):
            return
        for step in run:
            step(value, path, problems)

    return check


def _constraints(problems: List[str]) -> str:
    seen: Dict[str, None] = {}
    for p in problems:
        seen[p.split("failed to satisfy constraint: ", 1)[-1]] = None
    return "[" + ", ".join(seen) + "]"


#: How many valid strings each string check remembers (see ``_string_steps``): a full
#: listing of the documented default quotas (10,000 streams, 10,000 signaling channels per
#: account and region) fits, so listing them again meets only strings already checked.
_PASSED_CACHE_SIZE = 16384
#: Longer strings (payloads, SDP offers) are checked every time, never remembered: the
#: cache holds names, ARNs, versions and tokens (ARNs are at most 1024 characters).
_PASSED_MAX_LENGTH = 1024


#: String rules by their constraints (min, max, enum, pattern): every compiled check with the
#: same constraints shares one, so a name or ARN accepted by one operation's check (a
#: CreateStream result) is known to the others (DescribeStream's, ListStreams').
_SHARED_RULES: Dict[Tuple[Any, ...], _StringRule] = {}


def _shared_rule(
    lo_i: Optional[int],
    hi_i: Optional[int],
    allowed: Optional[FrozenSet[str]],
    pattern: Optional[str],
    matcher: Optional[Callable[[str], Any]],
) -> _StringRule:
    """The rule of these constraints: a predicate, and the strings it accepted.

    The constraints depend on the value alone, and the same names, ARNs and versions are
    checked call after call: accepted strings are remembered, bounded in number and length,
    cleared when full.
    """
    key = (lo_i, hi_i, allowed, pattern)
    found = _SHARED_RULES.get(key)
    if found is not None:
        return found
    passed: Set[str] = set()

    def ok(value: str) -> bool:
        # Every constraint, without messages; remembers a string that meets them all.
        size = java_length(value)
        if (
            (lo_i is not None and size < lo_i)
            or (hi_i is not None and size > hi_i)
            or (allowed is not None and value not in allowed)
            or (matcher is not None and matcher(value) is None)
        ):
            return False
        if len(value) <= _PASSED_MAX_LENGTH:
            if len(passed) >= _PASSED_CACHE_SIZE:
                passed.clear()
            passed.add(value)
        return True

    return _SHARED_RULES.setdefault(key, _StringRule(passed, ok))


def _string_steps(shape: Any, output: bool, memo: _Memo) -> List[Check]:
    # One step for every string constraint (length, enum, pattern, in that order, with the
    # messages of _length_steps and the enum and pattern checks): strings are most of the
    # members checked on every call, so one call per string instead of one per constraint.
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
    matcher: Optional[Callable[[str], Any]] = None
    if pattern is not None and not (output and shape.name in _OUTPUT_PATTERN_EXEMPT):
        matcher = compile_pattern(pattern)
    if lo_i is None and hi_i is None and allowed is None and matcher is None:
        return []
    rule = _shared_rule(lo_i, hi_i, allowed, pattern if matcher is not None else None, matcher)
    memo.strings[shape.name] = rule
    passed, ok = rule

    def string_constraints(value: str, path: str, problems: List[str]) -> None:
        if value in passed or ok(value):
            return
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


def _structure_step(shape: Any, output: bool, memo: _Memo) -> Check:
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


# -- would-pass predicates ---------------------------------------------------------------------
#
# ``_passes(shape)`` is a predicate that is True only for values the compiled check accepts
# without a problem; :func:`compile_shape` runs the check only when it is False, so messages,
# paths and their order always come from the check itself. The predicate decides the common
# case (a value of exactly the modeled Python type meeting every constraint) in one call:
# a structure's members, a list's items and a map's entries are tested inline in generated
# code, strings first against the cache of strings their check already accepted. Anything it
# does not decide inline (a subclass, a bool where an integer is modeled, a blob) it hands to
# a nested predicate or to the check itself, so it is never more permissive than the check.


def _passes(shape: Any, output: bool, memo: _Memo) -> Callable[[Any], bool]:
    key = shape.name
    found = memo.passes.get(key)
    if found is not None:
        return found
    check = _compile(shape, output, memo)

    def by_check(value: Any) -> bool:
        problems: List[str] = []
        check(value, "", problems)
        return not problems

    memo.passes[key] = by_check  # recursive shapes: inner references test with the check
    if shape.type_name in ("structure", "list", "map"):
        memo.passes[key] = _generate(shape, output, memo)
    return memo.passes[key]


def _inline(shape: Any, var: str, output: bool, memo: _Memo, ns: Dict[str, Any]) -> str:
    """A Python expression, on variable ``var``, true only when ``shape``'s check accepts it."""
    type_name = shape.type_name
    meta = shape.metadata
    n = len(ns)
    if type_name == "string":
        _compile(shape, output, memo)  # builds the rule if the shape is new
        rule = memo.strings.get(shape.name)
        if rule is None:  # no constraint: any exact str passes
            return f"{var}.__class__ is str"
        ns[f"_p{n}"], ns[f"_ok{n}"] = rule.passed, rule.ok
        return f"({var}.__class__ is str and ({var} in _p{n} or _ok{n}({var})))"
    if type_name in ("boolean", "timestamp") or (
        type_name in ("double", "float") and "min" not in meta and "max" not in meta
    ):
        ns[f"_t{n}"] = _EXACT_TYPES[type_name]
        return f"{var}.__class__ is _t{n}"
    if type_name in ("integer", "long"):
        bits = 31 if type_name == "integer" else 63
        lo, hi = -(1 << bits), (1 << bits) - 1
        ns[f"_lo{n}"], ns[f"_hi{n}"] = lo, hi
        bounds = f"_lo{n} <= {var} <= _hi{n}"
        if "min" in meta:
            ns[f"_min{n}"] = meta["min"]
            bounds += f" and {var} >= _min{n}"
        if "max" in meta:
            ns[f"_max{n}"] = meta["max"]
            bounds += f" and {var} <= _max{n}"
        return f"({var}.__class__ is int and {bounds})"
    ns[f"_f{n}"] = _passes(shape, output, memo)
    return f"_f{n}({var})"


def _structure_lines(
    shape: Any, var: str, output: bool, memo: _Memo, ns: Dict[str, Any]
) -> List[str]:
    """Lines that ``return False`` unless the structure in ``var`` passes, member by member."""
    lines = [f"if {var}.__class__ is not dict:", "    return False", f"get = {var}.get"]
    for name in shape.required_members:
        lines += [f"if get({name!r}) is None:", "    return False"]
    for name, member in shape.members.items():
        test = _inline(member, "v", output, memo, ns)
        lines += [
            f"v = get({name!r})",
            f"if v is not None and not ({test}):",
            "    return False",
        ]
    return lines


def _generate(shape: Any, output: bool, memo: _Memo) -> Callable[[Any], bool]:
    ns: Dict[str, Any] = {}
    meta = shape.metadata
    type_name = shape.type_name
    lines: List[str] = []
    if type_name == "structure":
        lines += _structure_lines(shape, "value", output, memo, ns)
    else:
        exact = "list" if type_name == "list" else "dict"
        lines += [f"if value.__class__ is not {exact}:", "    return False"]
        # The check's length steps: no minimum on collections of a result (see compile_shape).
        if "min" in meta and not output:
            lines += [f"if len(value) < {int(meta['min'])}:", "    return False"]
        if "max" in meta:
            lines += [f"if len(value) > {int(meta['max'])}:", "    return False"]
        if type_name == "list" and shape.member.type_name == "structure":
            # A list of structures (StreamInfoList): each item's members tested in the loop,
            # the lines the item's own predicate would run, without a call per item.
            lines += ["for item in value:"]
            lines += [
                f"    {line}" for line in _structure_lines(shape.member, "item", output, memo, ns)
            ]
        elif type_name == "list":
            test = _inline(shape.member, "v", output, memo, ns)
            lines += ["for v in value:", f"    if not ({test}):", "        return False"]
        else:
            key_test = _inline(shape.key, "k", output, memo, ns)
            value_test = _inline(shape.value, "v", output, memo, ns)
            lines += [
                "for k, v in value.items():",
                f"    if not ({key_test}) or not ({value_test}):",
                "        return False",
            ]
    lines.append("return True")
    source = "def passes(value):\n" + "".join(f"    {line}\n" for line in lines)
    exec(compile(source, f"<kvsmock passes {shape.name}>", "exec"), ns)
    generated: Callable[[Any], bool] = ns["passes"]
    return generated


def summary(problems: List[str]) -> str:
    """The ``InvalidArgumentException`` message for collected problems, AWS style."""
    n = len(problems)
    noun = "error" if n == 1 else "errors"
    return f"{n} validation {noun} detected: " + "; ".join(problems)
