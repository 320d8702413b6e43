"""Server-side validation of the ten stream operations, generated from the botocore model.

botocore's client checks only required members, minimums and types; the service checks
maximum lengths and sizes, patterns (whole-string match), enums and integer ranges. Every
case here is derived from the installed ``kinesisvideo`` model: for each constrained member
of each operation's input shape, one violating value is sent through a client with
``parameter_validation=False`` and the reply must be ``InvalidArgumentException`` (400) with
the AWS-style message ``1 validation error detected: Value '<v>' at '<path>' failed to
satisfy constraint: <constraint>``.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Tuple

import botocore.session
import pytest
import regex
from assertions import error
from botocore import xform_name
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock

OPERATIONS = (
    "CreateStream",
    "DescribeStream",
    "ListStreams",
    "DeleteStream",
    "UpdateStream",
    "UpdateDataRetention",
    "TagStream",
    "UntagStream",
    "ListTagsForStream",
    "GetDataEndpoint",
)
MODEL = botocore.session.get_session().get_service_model("kinesisvideo")
ARN_PREFIX = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/"
NAME_PATTERN = "[a-zA-Z0-9_.-]+"
ARN_PATTERN = "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+"
MEDIA_TYPE_PATTERN = "[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+(,[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+)*"
TAG_KEY_PATTERN = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"
TAG_VALUE_PATTERN = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"

#: For every pattern in the ten operations' inputs: a builder of a matching string of a given
#: length, and a value of legal length that does not match. A new pattern in a botocore
#: update makes ``test_every_pattern_is_covered`` fail until it is added here.
PATTERNS: Dict[str, Tuple[Callable[[int], str], str]] = {
    NAME_PATTERN: (lambda n: "a" * n, "bad name!"),
    ARN_PATTERN: (
        lambda n: ARN_PREFIX + "a" * (n - len(ARN_PREFIX) - 2) + "/1",
        "arn:aws:s3:::bucket",
    ),
    MEDIA_TYPE_PATTERN: (lambda n: "video/" + "h" * (n - 6), "video"),
    ".+": (lambda n: "k" * n, "\n"),
    "[a-zA-Z0-9]+": (lambda n: "v" * n, "bad-version"),
    "[a-zA-Z0-9+/=]*": (lambda n: "A" * n, "not a token!"),
    TAG_KEY_PATTERN: (lambda n: "k" * n, "bad#key"),
    TAG_VALUE_PATTERN: (lambda n: "v" * n, "bad#value"),
}


def render(value: Any) -> str:
    """How the service's (Java) validator prints a value inside ``Value '...'``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(k)}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def sample(shape: Any) -> Any:
    """A value that satisfies every constraint of ``shape``, with every member present."""
    meta = shape.metadata
    t = shape.type_name
    if t == "string":
        if shape.enum:
            return shape.enum[0]
        length = max(int(meta.get("min", 0)), 3)
        pattern = meta.get("pattern")
        if pattern is None:
            return "x" * length
        return PATTERNS[pattern][0](max(length, len(ARN_PREFIX) + 3))
    if t == "integer":
        return int(meta.get("min", 1)) or 1
    if t == "map":
        return {sample(shape.key): sample(shape.value)}
    if t == "list":
        return [sample(shape.member)]
    if t == "structure":
        return {name: sample(member) for name, member in shape.members.items()}
    raise AssertionError(f"no sample for {t}")  # pragma: no cover


class Case(NamedTuple):
    operation: str
    where: Tuple[str, ...]  # member names from the top of the request to the mutated member
    kind: str  # which constraint is broken: max, pattern, enum, min, size-max, key-pattern...
    value: Any  # the value put there
    message: str  # the expected Error.Message

    @property
    def id(self) -> str:
        return f"{self.operation}-{'.'.join(self.where)}-{self.kind}"


def _problem(value: Any, path: str, constraint: str) -> str:
    return (
        f"1 validation error detected: Value '{render(value)}' at '{path}' failed to "
        f"satisfy constraint: {constraint}"
    )


def _scalar_violations(shape: Any) -> Iterator[Tuple[str, Any, str]]:
    """``(kind, bad value, constraint text)`` per constraint of a string or integer shape."""
    meta = shape.metadata
    if shape.type_name == "string":
        pattern = meta.get("pattern")
        if "max" in meta:
            hi = int(meta["max"])
            too_long = PATTERNS[pattern][0](hi + 1) if pattern else "x" * (hi + 1)
            yield "max", too_long, f"Member must have length less than or equal to {hi}"
        if pattern is not None:
            yield (
                "pattern",
                PATTERNS[pattern][1],
                f"Member must satisfy regular expression pattern: {pattern}",
            )
        if shape.enum:
            yield (
                "enum",
                "NOT_A_VALUE",
                f"Member must satisfy enum value set: [{', '.join(shape.enum)}]",
            )
    elif shape.type_name == "integer":
        if "max" in meta:
            yield (
                "max",
                int(meta["max"]) + 1,
                f"Member must have value less than or equal to {meta['max']}",
            )
        if "min" in meta:
            yield (
                "min",
                int(meta["min"]) - 1,
                f"Member must have value greater than or equal to {meta['min']}",
            )


def _size_cases(
    operation: str,
    where: Tuple[str, ...],
    path: str,
    meta: Dict[str, Any],
    of_size: Callable[[int], Any],
) -> Iterator[Case]:
    """One too-large and one too-small value of a list or map shape, when it has bounds."""
    if "max" in meta:
        hi = int(meta["max"])
        big = of_size(hi + 1)
        yield Case(
            operation,
            where,
            "size-max",
            big,
            _problem(big, path, f"Member must have length less than or equal to {hi}"),
        )
    if int(meta.get("min", 0)) >= 1:
        empty = of_size(0)
        yield Case(
            operation,
            where,
            "size-min",
            empty,
            _problem(
                empty, path, f"Member must have length greater than or equal to {meta['min']}"
            ),
        )


def _cases_for(operation: str, shape: Any, where: Tuple[str, ...], path: str) -> Iterator[Case]:
    t = shape.type_name
    meta = shape.metadata
    if t in ("string", "integer"):
        for kind, bad, constraint in _scalar_violations(shape):
            yield Case(operation, where, kind, bad, _problem(bad, path, constraint))
    elif t == "structure":
        for name, member in shape.members.items():
            yield from _cases_for(operation, member, (*where, name), f"{path}.{camel(name)}")
    elif t == "map":
        key_sample, value_sample = sample(shape.key), sample(shape.value)
        yield from _size_cases(
            operation, where, path, meta, lambda n: {f"k{i}": value_sample for i in range(n)}
        )
        for kind, bad, constraint in _scalar_violations(shape.key):
            value = {bad: value_sample}
            yield Case(
                operation,
                where,
                f"key-{kind}",
                value,
                _problem(value, path, f"Map keys must satisfy constraint: [{constraint}]"),
            )
        for kind, bad, constraint in _scalar_violations(shape.value):
            value = {key_sample: bad}
            yield Case(
                operation,
                where,
                f"value-{kind}",
                value,
                _problem(value, path, f"Map value must satisfy constraint: [{constraint}]"),
            )
    elif t == "list":
        item = sample(shape.member)
        yield from _size_cases(
            operation, where, path, meta, lambda n: [f"{item}{i}" for i in range(n)]
        )
        for kind, bad, constraint in _scalar_violations(shape.member):
            yield Case(
                operation,
                where,
                f"member-{kind}",
                [bad],
                _problem(bad, f"{path}.1.member", constraint),
            )


def generate_cases() -> List[Case]:
    cases: List[Case] = []
    for operation in OPERATIONS:
        shape = MODEL.operation_model(operation).input_shape
        for name, member in shape.members.items():
            cases.extend(_cases_for(operation, member, (name,), camel(name)))
    return cases


CASES = generate_cases()


def request_for(case: Case) -> Dict[str, Any]:
    """A fully valid request of the case's operation with one member replaced."""
    params = sample(MODEL.operation_model(case.operation).input_shape)
    target = params
    for name in case.where[:-1]:
        target = target[name]
    target[case.where[-1]] = copy.deepcopy(case.value)
    return params


# -- the generator itself ------------------------------------------------------------------


def test_every_pattern_is_covered() -> None:
    seen = set()

    def walk(shape: Any, stack: Tuple[str, ...] = ()) -> None:
        if shape.name in stack:
            return
        if "pattern" in shape.metadata:
            seen.add(shape.metadata["pattern"])
        if shape.type_name == "structure":
            for member in shape.members.values():
                walk(member, (*stack, shape.name))
        elif shape.type_name == "list":
            walk(shape.member, (*stack, shape.name))
        elif shape.type_name == "map":
            walk(shape.key, (*stack, shape.name))
            walk(shape.value, (*stack, shape.name))

    for operation in OPERATIONS:
        walk(MODEL.operation_model(operation).input_shape)
    assert seen == set(PATTERNS)


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_pattern_table_is_right(pattern: str) -> None:
    matching, bad = PATTERNS[pattern]
    fullmatch = regex.compile(pattern).fullmatch
    assert fullmatch(matching(60))
    assert len(matching(60)) == 60
    assert not fullmatch(bad)


def test_every_operation_has_cases() -> None:
    assert {c.operation for c in CASES} == set(OPERATIONS)
    ids = {c.id for c in CASES}
    assert len(ids) == len(CASES)
    # A few the model must produce, spelled out.
    wheres = {(c.operation, c.where) for c in CASES}
    assert ("ListStreams", ("MaxResults",)) in wheres
    assert ("ListStreams", ("StreamNameCondition", "ComparisonOperator")) in wheres
    assert ("CreateStream", ("StreamStorageConfiguration", "DefaultStorageTier")) in wheres
    assert ("UntagStream", ("TagKeyList",)) in wheres
    assert ("GetDataEndpoint", ("APIName",)) in wheres


@pytest.mark.parametrize("operation", OPERATIONS)
def test_valid_sample_passes_validation(raw_client: Any, operation: str) -> None:
    params = sample(MODEL.operation_model(operation).input_shape)
    try:
        getattr(raw_client, xform_name(operation))(**params)
    except ClientError as e:
        # Behaviour errors (no such stream, ...) are fine; a validation error is not.
        assert "validation error" not in e.response["Error"]["Message"]


# -- the generated cases -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_model_constraint_is_enforced(raw_client: Any, case: Case) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(raw_client, xform_name(case.operation))(**request_for(case))
    assert error(excinfo) == ("InvalidArgumentException", 400, case.message)


# -- hand-written cases --------------------------------------------------------------------


def test_documented_example_message(raw_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_client.create_stream(StreamName="bad name!")
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "InvalidArgumentException"
    )


def test_checks_apply_with_client_validation_on(client: Any) -> None:
    # botocore's own validation does not check max or pattern, so the server must.
    with pytest.raises(ClientError) as excinfo:
        client.create_stream(StreamName="a" * 257)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{'a' * 257}' at 'streamName' failed to satisfy "
        "constraint: Member must have length less than or equal to 256",
    )


def test_pattern_must_match_whole_string(raw_client: Any) -> None:
    # ``cam`` matches ``[a-zA-Z0-9_.-]+`` as a prefix; the whole value must match.
    with pytest.raises(ClientError) as excinfo:
        raw_client.describe_stream(StreamName="cam/1")
    assert error(excinfo)[2].endswith("regular expression pattern: [a-zA-Z0-9_.-]+")


def test_several_problems_are_all_reported(raw_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_client.create_stream(StreamName="", DeviceName="bad device", MediaType="video")
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "4 validation errors detected: "
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1; "
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [a-zA-Z0-9_.-]+; "
        "Value 'bad device' at 'deviceName' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value 'video' at 'mediaType' failed to satisfy constraint: Member must satisfy "
        f"regular expression pattern: {MEDIA_TYPE_PATTERN}",
    )


def test_missing_required_member(raw_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_client.create_stream(DataRetentionInHours=1)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value null at 'streamName' failed to satisfy "
        "constraint: Member must not be null",
    )
    # ComparisonOperator is optional in the model (BEGINS_WITH is the only operator).
    raw_client.create_stream(StreamName="cam-1")
    raw_client.create_stream(StreamName="door")
    listed = raw_client.list_streams(StreamNameCondition={"ComparisonValue": "cam"})
    assert [s["StreamName"] for s in listed["StreamInfoList"]] == ["cam-1"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.create_stream(StreamName=123),
            "Value '123' at 'streamName' failed to satisfy constraint: Member must be of "
            "type string",
        ),
        (
            lambda c: c.list_streams(MaxResults="ten"),
            "Value 'ten' at 'maxResults' failed to satisfy constraint: Member must be of "
            "type integer",
        ),
        (
            lambda c: c.update_data_retention(
                StreamName="cam",
                CurrentVersion="abc",
                Operation="INCREASE_DATA_RETENTION",
                DataRetentionChangeInHours=True,
            ),
            "Value 'true' at 'dataRetentionChangeInHours' failed to satisfy constraint: "
            "Member must be of type integer",
        ),
        (
            lambda c: c.create_stream(StreamName="cam", DataRetentionInHours=1.5),
            "Value '1.5' at 'dataRetentionInHours' failed to satisfy constraint: Member must "
            "be of type integer",
        ),
        (
            lambda c: c.tag_stream(StreamName="cam", Tags={"k": 5}),
            "Value '{k=5}' at 'tags' failed to satisfy constraint: Map value must satisfy "
            "constraint: [Member must be of type string]",
        ),
    ],
    ids=["string", "integer", "bool-for-integer", "float-for-integer", "map-value"],
)
def test_type_errors(raw_client: Any, call: Any, message: str) -> None:
    # Documented choice: the model declares no SerializationException for kinesisvideo, so a
    # wrongly typed member is an InvalidArgumentException in the validator's usual words.
    with pytest.raises(ClientError) as excinfo:
        call(raw_client)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: {message}",
    )


UNICODE_TAGS = {
    "café": "crème brûlée",
    "日本": "東京",
    "Ελληνικά": "\u03bd\u03b1\u03b9",  # Greek "yes"
    "with space": "a b",
    "\u0663\u0664": "\u0665",  # Arabic-Indic digits are \p{N}
    "a_b.c:d/e=f+g-h@i": "_.:/=+-@",
}


def test_unicode_tags_are_accepted(client: Any) -> None:
    client.create_stream(StreamName="cam", Tags=UNICODE_TAGS)
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == UNICODE_TAGS
    client.tag_stream(StreamName="cam", Tags={"ñandú": "ü"})
    client.untag_stream(StreamName="cam", TagKeyList=["café", "日本"])
    expected = {k: v for k, v in UNICODE_TAGS.items() if k not in ("café", "日本")}
    expected["ñandú"] = "ü"
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == expected


@pytest.mark.parametrize("key", ["#", "price€", "📷", "tab\there", "semi;colon"])
def test_tag_key_with_forbidden_character(client: Any, key: str) -> None:
    client.create_stream(StreamName="cam", Tags={"keep": "me"})
    with pytest.raises(ClientError) as excinfo:
        client.tag_stream(StreamName="cam", Tags={key: "v"})
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{{{key}=v}}' at 'tags' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must satisfy regular "
        f"expression pattern: {TAG_KEY_PATTERN}]",
    )
    with pytest.raises(ClientError) as excinfo:
        client.untag_stream(StreamName="cam", TagKeyList=["keep", key])
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{key}' at 'tagKeyList.2.member' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {TAG_KEY_PATTERN}",
    )
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {"keep": "me"}


# -- a failed call changes nothing ---------------------------------------------------------


def test_failed_create_stores_nothing(kvsmock: KinesisVideoMock, raw_client: Any) -> None:
    with pytest.raises(ClientError):
        raw_client.create_stream(StreamName="cam", Tags={"ok": "1", "bad#": "2"})
    with pytest.raises(ClientError):
        raw_client.create_stream(StreamName="cam", MediaType="not-a-media-type")
    with pytest.raises(ClientError):
        raw_client.create_stream(
            StreamName="cam", StreamStorageConfiguration={"DefaultStorageTier": "COLD"}
        )
    assert raw_client.list_streams()["StreamInfoList"] == []
    assert kvsmock.state().streams == []
    # The name is still free.
    raw_client.create_stream(StreamName="cam")


def test_failed_updates_change_nothing(raw_client: Any) -> None:
    raw_client.create_stream(
        StreamName="cam", MediaType="video/h264", DataRetentionInHours=2, Tags={"a": "1"}
    )
    before = raw_client.describe_stream(StreamName="cam")["StreamInfo"]
    version = before["Version"]
    failing = [
        lambda: raw_client.update_stream(
            StreamName="cam", CurrentVersion=version, DeviceName="ok", MediaType="video"
        ),
        lambda: raw_client.update_data_retention(
            StreamName="cam",
            CurrentVersion=version,
            Operation="DOUBLE_IT",
            DataRetentionChangeInHours=1,
        ),
        lambda: raw_client.update_data_retention(
            StreamName="cam",
            CurrentVersion=version,
            Operation="DECREASE_DATA_RETENTION",
            DataRetentionChangeInHours=0,
        ),
        lambda: raw_client.tag_stream(StreamName="cam", Tags={"b": "2", "c": "x" * 257}),
        lambda: raw_client.untag_stream(StreamName="cam", TagKeyList=["a", ""]),
        lambda: raw_client.delete_stream(StreamARN=before["StreamARN"], CurrentVersion="v-1"),
    ]
    for call in failing:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error(excinfo)[:2] == ("InvalidArgumentException", 400)
    assert raw_client.describe_stream(StreamName="cam")["StreamInfo"] == before
    assert raw_client.list_tags_for_stream(StreamName="cam")["Tags"] == {"a": "1"}
