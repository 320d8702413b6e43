"""Hypothesis strategies built from botocore input shapes.

``valid(shape)`` draws values that honour every constraint the shape declares (required
members, string and collection sizes, whole-string patterns, enums, integer ranges).
``invalid(shape)`` draws ``(value, path, kind)``: a value that is valid except for exactly one
broken constraint, the validator path of the member that breaks it (``streamName``,
``tags.1.member``) and what was broken. botocore's client-side validation is off in the
fuzz tests (``parameter_validation=False``), so these values reach kvsmock unchanged.

Members that name resources (``StreamName``, ``StreamARN``, ``CurrentVersion``, ...) are drawn
as :class:`Ref` placeholders some of the time, resolved against the resources that exist
when the call is made, so valid input reaches the handlers' success paths too.

The strategies never consult kvsmock's own validator: patterns are matched with ``re`` and,
for ``\\p{..}`` classes, with the ``regex`` library directly.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import regex
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from kvsmock import _model
from kvsmock._validate import java_length, java_semantics

#: Strings longer than this are only drawn when a constraint needs them (speed).
TEXT_CAP = 300
#: Collections are drawn up to this size unless a constraint needs more.
COLLECTION_CAP = 8
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
#: Characters a model pattern commonly forbids; one of them breaks most patterns.
NASTY = (
    " ", "\n", "\r", "\u2028", "\u0085", "!", "#", "*", "/", ":", "é", "日", "\u0663", "\x00",
    "\U0001f4a5", "'", '"', "\\", "%",
)  # fmt: skip
#: The Unicode property classes of the tag patterns, as Hypothesis categories.
_PROPERTY_CLASSES = {"L": ("L",), "Z": ("Z",), "N": ("N",)}
_UTF8 = st.characters(codec="utf-8")


class Ref(NamedTuple):
    """A placeholder for an existing resource's identifier, resolved at call time.

    ``kind`` names a pool (``stream_name``, ``stream_arn``, ``version``, ...); ``index``
    picks from it (modulo its size).
    """

    kind: str
    index: int


class Invalid(NamedTuple):
    """An invalid value, the validator path of the broken member, and what was broken."""

    value: Any
    path: str
    kind: str


def member_path(parent: str, member: str) -> str:
    """The service validator's path of a member (lower camel case, joined by dots)."""
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


def java_regex(pattern: str) -> re.Pattern[str]:
    """A model pattern compiled with the service's (Java) semantics, as kvsmock reads it."""
    return re.compile(java_semantics(pattern), re.ASCII)


def pattern_matcher(pattern: str) -> Callable[[str], bool]:
    """A whole-string matcher for a model pattern, with Java semantics (``regex`` for
    ``\\p{..}`` classes)."""
    if "\\p{" in pattern:
        compiled = regex.compile(pattern)
        return lambda s: compiled.fullmatch(s) is not None
    plain = java_regex(pattern)
    return lambda s: plain.fullmatch(s) is not None


def _property_class_text(pattern: str, lo: int, hi: int) -> SearchStrategy[str]:
    """Text over the character set of a ``[\\p{L}\\p{Z}\\p{N}...]*`` pattern.

    ``from_regex`` cannot parse ``\\p{..}``; the set is rebuilt from Unicode categories plus
    the literal characters of the class, and every draw is checked with ``regex``.
    """
    body = re.search(r"\[(.*)\]", pattern)
    assert body is not None, pattern
    inner = body.group(1)
    categories: List[str] = []
    for name in re.findall(r"\\p\{(\w+)\}", inner):
        categories.extend(_PROPERTY_CLASSES[name])
    literals = re.sub(r"\\p\{\w+\}", "", inner).replace("\\-", "-").replace("\\", "")
    alphabet = st.characters(
        categories=categories,  # type: ignore[arg-type]
        include_characters=literals,
        codec="utf-8",
    )
    matches = pattern_matcher(pattern)
    return st.text(alphabet, min_size=lo, max_size=hi).filter(
        lambda s: matches(s) and lo <= java_length(s) <= hi
    )


def _bounds(shape: Any, default_hi: int) -> Tuple[int, int]:
    meta = shape.metadata
    lo = int(meta.get("min", 0))
    hi = int(meta.get("max", default_hi))
    return lo, hi


# -- identifiers -------------------------------------------------------------------------------

#: Member name -> pools its value may be drawn from (see :class:`Ref`).
REF_MEMBERS: Dict[str, Tuple[str, ...]] = {
    "StreamName": ("stream_name",),
    "StreamARN": ("stream_arn",),
    "ChannelName": ("channel_name",),
    "ChannelARN": ("channel_arn",),
    "ResourceARN": ("stream_arn", "channel_arn"),
    "CurrentVersion": ("version",),
    "HubDeviceArn": ("hub",),
    "AfterFragmentNumber": ("fragment",),
    "ContinuationToken": ("fragment",),
    "Uri": ("uri",),
    "DestinationRegion": ("region",),
    "ScheduleExpression": ("cron",),
    "ComparisonValue": ("stream_name", "channel_name"),
    "Key": ("tag_key",),
}
#: List shapes whose items name resources.
REF_ITEMS: Dict[str, Tuple[str, ...]] = {
    "FragmentNumberList": ("fragment",),
    "TagKeyList": ("tag_key",),
}


def _ref(kinds: Tuple[str, ...]) -> SearchStrategy[Ref]:
    return st.builds(Ref, st.sampled_from(kinds), st.integers(0, 7))


# -- valid values ------------------------------------------------------------------------------


class Strategies:
    """Valid and invalid value strategies for one service model, cached per shape."""

    def __init__(self, service_name: str) -> None:
        self.service_name = service_name
        self._valid: Dict[str, SearchStrategy[Any]] = {}
        self._invalid: Dict[str, Optional[SearchStrategy[Invalid]]] = {}

    # valid -------------------------------------------------------------------------------

    def valid(self, shape: Any, member_name: Optional[str] = None) -> SearchStrategy[Any]:
        """Values of ``shape`` that honour every constraint (with ``Ref`` placeholders for
        members that name resources)."""
        plain = self._valid_plain(shape)
        kinds = REF_MEMBERS.get(member_name or "")
        if kinds is None or shape.type_name != "string":
            return plain
        return st.one_of(_ref(kinds), plain)

    def _valid_plain(self, shape: Any) -> SearchStrategy[Any]:
        key = shape.name
        found = self._valid.get(key)
        if found is None:
            found = st.deferred(lambda: self._build_valid(shape))
            self._valid[key] = found
        return found

    def _build_valid(self, shape: Any) -> SearchStrategy[Any]:
        t = shape.type_name
        if t == "string":
            return valid_string(shape)
        if t in ("integer", "long"):
            lo, hi = INT32 if t == "integer" else INT64
            meta = shape.metadata
            return st.integers(int(meta.get("min", lo)), int(meta.get("max", hi)))
        if t == "boolean":
            return st.booleans()
        if t == "timestamp":
            return st.datetimes(
                min_value=dt.datetime(2000, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
                timezones=st.just(dt.timezone.utc),
            ).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
        if t == "blob":
            lo, hi = _bounds(shape, 64)
            return st.binary(min_size=lo, max_size=min(hi, 64))
        if t == "list":
            lo, hi = _bounds(shape, COLLECTION_CAP)
            item = self._valid_plain(shape.member)
            ref_kinds = REF_ITEMS.get(shape.name)
            if ref_kinds is not None:
                item = st.one_of(_ref(ref_kinds), item)
            return st.lists(item, min_size=lo, max_size=max(lo, min(hi, COLLECTION_CAP)))
        if t == "map":
            lo, hi = _bounds(shape, COLLECTION_CAP)
            keys = self.valid(shape.key, "Key")
            return st.dictionaries(
                keys,
                self._valid_plain(shape.value),
                min_size=lo,
                max_size=max(lo, min(hi, COLLECTION_CAP)),
            )
        if t == "structure":
            required = {
                n: self.valid(m, n) for n, m in shape.members.items() if n in shape.required_members
            }
            optional = {
                n: self.valid(m, n)
                for n, m in shape.members.items()
                if n not in shape.required_members
            }
            return st.fixed_dictionaries(required, optional=optional)
        raise AssertionError(f"no strategy for {t}")

    # invalid ------------------------------------------------------------------------------

    def invalid(self, shape: Any, path: str = "") -> Optional[SearchStrategy[Invalid]]:
        """``Invalid`` values of ``shape`` at validator path ``path`` (``None`` if the shape
        has no constraint that JSON input can break)."""
        t = shape.type_name
        if t == "string":
            return _bad_string(shape, self._valid_plain(shape), path)
        if t in ("integer", "long"):
            return _bad_integer(shape, path)
        if t == "boolean":
            return st.sampled_from(["true", 1]).map(lambda v: Invalid(v, path, "type"))
        if t == "list":
            return self._bad_list(shape, path)
        if t == "map":
            return self._bad_map(shape, path)
        if t == "structure":
            return self._bad_structure(shape, path)
        return None  # timestamps and blobs: botocore's serializer needs the right type

    def _bad_structure(self, shape: Any, path: str) -> Optional[SearchStrategy[Invalid]]:
        base = self._valid_plain(shape)
        options: List[SearchStrategy[Invalid]] = []
        for name in shape.required_members:
            where = member_path(path, name)
            options.append(
                base.map(
                    lambda v, n=name, w=where: Invalid(
                        {k: x for k, x in v.items() if k != n}, w, "required"
                    )
                )
            )
        for name, member in shape.members.items():
            bad = self.invalid(member, member_path(path, name))
            if bad is None:
                continue
            options.append(
                st.tuples(base, bad).map(
                    lambda t, n=name: Invalid({**t[0], n: t[1].value}, t[1].path, t[1].kind)
                )
            )
        return st.one_of(options) if options else None

    def _bad_list(self, shape: Any, path: str) -> Optional[SearchStrategy[Invalid]]:
        lo, hi = _bounds(shape, 0)
        item = self._valid_plain(shape.member)
        options: List[SearchStrategy[Invalid]] = []
        if "max" in shape.metadata:
            options.append(item.map(lambda v: Invalid([v] * (hi + 1), path, "too many items")))
        if lo > 0:
            options.append(st.just(Invalid([], path, "too few items")))
        bad_item = self.invalid(shape.member, "")
        if bad_item is not None:

            def place(t: Tuple[List[Any], Invalid, int]) -> Invalid:
                items, bad, at = t
                at = at % (len(items) + 1)
                # The validator numbers items from 1 and prints the item's own path below.
                where = f"{path}.{at + 1}.member" + (f".{bad.path}" if bad.path else "")
                return Invalid([*items[:at], bad.value, *items[at:]], where, bad.kind)

            upper = max(0, min(hi - 1 if hi else COLLECTION_CAP, COLLECTION_CAP))
            options.append(
                st.tuples(
                    st.lists(item, min_size=max(0, lo - 1), max_size=max(max(0, lo - 1), upper)),
                    bad_item,
                    st.integers(0, COLLECTION_CAP),
                ).map(place)
            )
        return st.one_of(options) if options else None

    def _bad_map(self, shape: Any, path: str) -> Optional[SearchStrategy[Invalid]]:
        lo, hi = _bounds(shape, 0)
        keys = self._valid_plain(shape.key)
        values = self._valid_plain(shape.value)
        options: List[SearchStrategy[Invalid]] = []
        enum_keys = shape.key.enum
        if "max" in shape.metadata and not (enum_keys and len(enum_keys) <= hi):
            options.append(
                st.tuples(
                    st.lists(keys, min_size=hi + 1, max_size=hi + 1, unique=True), values
                ).map(lambda t: Invalid(dict.fromkeys(t[0], t[1]), path, "too many entries"))
            )
        if lo > 0:
            options.append(st.just(Invalid({}, path, "too few entries")))
        base = st.dictionaries(keys, values, min_size=max(0, lo - 1), max_size=max(0, lo - 1))
        bad_key = _bad_string(shape.key, keys, "", for_map_key=True)
        if bad_key is not None:
            options.append(
                st.tuples(base, bad_key, values).map(
                    lambda t: Invalid({**t[0], t[1].value: t[2]}, path, "map key " + t[1].kind)
                )
            )
        bad_value = self.invalid(shape.value, "")
        if bad_value is not None:
            options.append(
                st.tuples(base, keys, bad_value).map(
                    lambda t: Invalid({**t[0], t[1]: t[2].value}, path, "map value " + t[2].kind)
                )
            )
        return st.one_of(options) if options else None


def valid_string(shape: Any) -> SearchStrategy[str]:
    """Strings that honour a string shape's enum, length and pattern."""
    enum = shape.enum
    if enum:
        return st.sampled_from(list(enum))
    lo, hi = _bounds(shape, 10**6)
    pattern: Optional[str] = shape.metadata.get("pattern")
    cap = max(lo, min(hi, TEXT_CAP))
    if pattern is None:
        return st.text(_UTF8, min_size=lo, max_size=cap).filter(
            lambda s: lo <= java_length(s) <= hi
        )
    if "\\p{" in pattern:
        return _property_class_text(pattern, lo, cap)

    def fits(s: str) -> bool:
        return lo <= java_length(s) <= hi

    return st.from_regex(java_regex(pattern), fullmatch=True, alphabet=_UTF8).filter(fits)


def _bad_string(
    shape: Any, valid: SearchStrategy[Any], path: str, for_map_key: bool = False
) -> Optional[SearchStrategy[Invalid]]:
    options: List[SearchStrategy[Invalid]] = []
    meta = shape.metadata
    lo, hi = _bounds(shape, 10**6)
    enum = shape.enum
    pattern: Optional[str] = meta.get("pattern")
    matches = pattern_matcher(pattern) if pattern else (lambda s: True)
    # A map key that is a Ref placeholder would be unhashable after resolution: keep keys
    # plain (``valid`` here is the plain strategy).
    if enum:
        options.append(
            st.one_of(
                st.sampled_from([e.lower() for e in enum if e.lower() != e] or ["NOPE"]),
                st.text(_UTF8, max_size=20),
            )
            .filter(lambda s: s not in enum)
            .map(lambda s: Invalid(s, path, "enum"))
        )
    if "max" in meta and hi < 10**5:

        def too_long(s: str) -> Optional[str]:
            # Repeat the whole value, its last or its first character: one of them keeps
            # most patterns matched (a pattern that fixes the length is broken as well).
            s = s or "a"
            for longer in (s * (hi // len(s) + 1), s + s[-1] * hi, s[0] * hi + s):
                if java_length(longer) > hi and matches(longer):
                    return longer
            return None

        options.append(
            valid.map(too_long)
            .filter(lambda s: s is not None)
            .map(lambda s: Invalid(s, path, "too long"))
        )
        astral = "\U0001d49c" * (hi // 2 + 1)  # a letter outside the BMP: 2 UTF-16 units
        if len(astral) <= hi and matches(astral):
            options.append(st.just(Invalid(astral, path, "too long in UTF-16 units")))
    if lo > 0:
        options.append(
            valid.map(lambda s: s[: lo - 1])
            .filter(lambda s: not enum or s not in enum)
            .map(lambda s: Invalid(s, path, "too short"))
        )
    if pattern is not None:

        def insert(t: Tuple[str, str, int]) -> str:
            s, c, at = t
            at = at % (len(s) + 1)
            out = s[:at] + c + s[at:]
            return out if java_length(out) <= hi else out[: max(lo, hi - 2)]

        options.append(
            st.tuples(valid, st.sampled_from(NASTY), st.integers(0, 300))
            .map(insert)
            .filter(lambda s: lo <= java_length(s) <= hi and not matches(s))
            .map(lambda s: Invalid(s, path, "pattern"))
        )
    if not for_map_key:
        options.append(
            st.sampled_from([5, True, 1.5, ["a"], {"a": "b"}]).map(
                lambda v: Invalid(v, path, "type")
            )
        )
    return st.one_of(options) if options else None


def _bad_integer(shape: Any, path: str) -> SearchStrategy[Invalid]:
    t = shape.type_name
    lo_default, hi_default = INT32 if t == "integer" else INT64
    meta = shape.metadata
    options: List[SearchStrategy[Invalid]] = [
        st.sampled_from(["5", 1.5, True, [1]]).map(lambda v: Invalid(v, path, "type"))
    ]
    if "min" in meta:
        lo = int(meta["min"])
        options.append(
            st.integers(max(lo_default, lo - 10**6), lo - 1).map(
                lambda v: Invalid(v, path, "below min")
            )
        )
    if "max" in meta:
        hi = int(meta["max"])
        options.append(
            st.integers(hi + 1, min(hi_default, hi + 10**6)).map(
                lambda v: Invalid(v, path, "above max")
            )
        )
    options.append(
        st.sampled_from([hi_default + 1, lo_default - 1, 2**70]).map(
            lambda v: Invalid(v, path, "out of type range")
        )
    )
    return st.one_of(options)


_cache: Dict[str, Strategies] = {}


def for_service(service_name: str) -> Strategies:
    """The (cached) strategies of one service."""
    found = _cache.get(service_name)
    if found is None:
        found = _cache[service_name] = Strategies(service_name)
    return found


def valid_input(service_name: str, operation: str) -> SearchStrategy[Dict[str, Any]]:
    """Valid params of an operation (``Ref`` placeholders included)."""
    shape = _model.operation_model(service_name, operation).input_shape
    return for_service(service_name).valid(shape)  # type: ignore[no-any-return]


def invalid_input(service_name: str, operation: str) -> SearchStrategy[Invalid]:
    """Params of an operation with exactly one broken constraint."""
    shape = _model.operation_model(service_name, operation).input_shape
    bad = for_service(service_name).invalid(shape)
    assert bad is not None, operation
    return bad
