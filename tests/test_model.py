"""The facade over the installed botocore models: names, partitions, errors."""

from __future__ import annotations

from typing import Dict, Tuple

import pytest
from botocore.loaders import create_loader

from kvsmock import _model

# AWS_BEHAVIOUR.md, "Error shapes": error -> (HTTP status, message member), per service.
EXPECTED_ERRORS: Dict[str, Dict[str, Tuple[int, str]]] = {
    "kinesisvideo": {
        "AccessDeniedException": (401, "Message"),
        "AccountChannelLimitExceededException": (400, "Message"),
        "AccountStreamLimitExceededException": (400, "Message"),
        "ClientLimitExceededException": (400, "Message"),
        "DeviceStreamLimitExceededException": (400, "Message"),
        "InvalidArgumentException": (400, "Message"),
        "InvalidDeviceException": (400, "Message"),
        "InvalidResourceFormatException": (400, "Message"),
        "NoDataRetentionException": (400, "Message"),
        "NotAuthorizedException": (401, "Message"),
        "ResourceInUseException": (400, "Message"),
        "ResourceNotFoundException": (404, "Message"),
        "StreamEdgeConfigurationNotFoundException": (404, "Message"),
        "TagsPerResourceExceededLimitException": (400, "Message"),
        "VersionMismatchException": (400, "Message"),
    },
    "kinesis-video-media": {
        "ClientLimitExceededException": (400, "Message"),
        "ConnectionLimitExceededException": (400, "Message"),
        "InvalidArgumentException": (400, "Message"),
        "InvalidEndpointException": (400, "Message"),
        "NotAuthorizedException": (401, "Message"),
        "ResourceNotFoundException": (404, "Message"),
    },
    "kinesis-video-archived-media": {
        "ClientLimitExceededException": (400, "Message"),
        "InvalidArgumentException": (400, "Message"),
        "InvalidCodecPrivateDataException": (400, "Message"),
        "InvalidMediaFrameException": (400, "Message"),
        "MissingCodecPrivateDataException": (400, "Message"),
        "NoDataRetentionException": (400, "Message"),
        "NotAuthorizedException": (401, "Message"),
        "ResourceNotFoundException": (404, "Message"),
        "UnsupportedStreamMediaTypeException": (400, "Message"),
    },
    "kinesis-video-signaling": {
        "ClientLimitExceededException": (400, "Message"),
        "InvalidArgumentException": (400, "Message"),
        "InvalidClientException": (400, "message"),
        "NotAuthorizedException": (401, "Message"),
        "ResourceNotFoundException": (404, "Message"),
        "SessionExpiredException": (400, "message"),
    },
    "kinesis-video-webrtc-storage": {
        "AccessDeniedException": (403, "message"),
        "ClientLimitExceededException": (400, "message"),
        "InvalidArgumentException": (400, "message"),
        "ResourceNotFoundException": (404, "message"),
    },
}

# AWS_BEHAVIOUR.md, "The five service models": (API version, operation count).
EXPECTED_MODELS = {
    "kinesisvideo": ("2017-09-30", 32),
    "kinesis-video-media": ("2017-09-30", 1),
    "kinesis-video-archived-media": ("2017-09-30", 6),
    "kinesis-video-signaling": ("2019-12-04", 2),
    "kinesis-video-webrtc-storage": ("2018-05-10", 2),
}


def test_service_names_match_the_models_service_ids() -> None:
    assert list(_model.SERVICE_NAMES.values()) == list(EXPECTED_MODELS)
    for service_id, name in _model.SERVICE_NAMES.items():
        model = _model.service_model(name)
        assert model.service_id.hyphenize() == service_id
        assert model.metadata["endpointPrefix"] == "kinesisvideo"
        assert model.signing_name == "kinesisvideo"
        assert model.protocol == "rest-json"


def test_every_kinesis_video_model_botocore_ships_is_known() -> None:
    available = create_loader().list_available_services("service-2")
    kvs_like = {name for name in available if "kinesisvideo" in name or "kinesis-video" in name}
    assert kvs_like == set(_model.SERVICE_NAMES.values())


@pytest.mark.parametrize("service", list(EXPECTED_MODELS))
def test_api_versions_and_operation_counts(service: str) -> None:
    version, count = EXPECTED_MODELS[service]
    assert _model.service_model(service).api_version == version
    assert len(_model.operation_names(service)) == count


def test_service_model_is_cached() -> None:
    assert _model.service_model("kinesisvideo") is _model.service_model("kinesisvideo")
    op = _model.operation_model("kinesisvideo", "CreateStream")
    assert op.name == "CreateStream"
    assert op.http["requestUri"] == "/createStream"


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", ("aws", "amazonaws.com")),
        ("eu-west-1", ("aws", "amazonaws.com")),
        ("ap-south-1", ("aws", "amazonaws.com")),
        ("cn-north-1", ("aws-cn", "amazonaws.com.cn")),
        ("cn-northwest-1", ("aws-cn", "amazonaws.com.cn")),
        ("us-gov-west-1", ("aws-us-gov", "amazonaws.com")),
        ("us-gov-east-1", ("aws-us-gov", "amazonaws.com")),
        ("us-iso-east-1", ("aws-iso", "c2s.ic.gov")),
        ("us-isob-east-1", ("aws-iso-b", "sc2s.sgov.gov")),
        ("not-a-region", ("aws", "amazonaws.com")),
    ],
)
def test_partition_of(region: str, expected: Tuple[str, str]) -> None:
    assert _model.partition_of(region) == expected


@pytest.mark.parametrize("service", list(EXPECTED_ERRORS))
def test_errors_of_statuses_and_message_members(service: str) -> None:
    got = {
        code: (info.status, info.message_member) for code, info in _model.errors_of(service).items()
    }
    assert got == EXPECTED_ERRORS[service]


def test_modeled_errors_of_operations() -> None:
    assert _model.modeled_errors("kinesisvideo", "CreateStream") == frozenset(
        {
            "AccountStreamLimitExceededException",
            "DeviceStreamLimitExceededException",
            "ResourceInUseException",
            "InvalidDeviceException",
            "InvalidArgumentException",
            "ClientLimitExceededException",
            "TagsPerResourceExceededLimitException",
        }
    )
    assert _model.modeled_errors("kinesis-video-webrtc-storage", "JoinStorageSession") == frozenset(
        {
            "ClientLimitExceededException",
            "InvalidArgumentException",
            "AccessDeniedException",
            "ResourceNotFoundException",
        }
    )


def test_every_operation_models_invalid_argument() -> None:
    """Validation failures answer InvalidArgumentException, so every operation must model it
    (strict mode would otherwise flag a validation error as a kvsmock bug)."""
    missing = [
        f"{service}.{op}"
        for service in _model.SERVICE_NAMES.values()
        for op in _model.operation_names(service)
        if "InvalidArgumentException" not in _model.modeled_errors(service, op)
    ]
    assert missing == []
    total = sum(len(_model.operation_names(s)) for s in _model.SERVICE_NAMES.values())
    assert total == 43


def test_output_payload_member() -> None:
    assert _model.output_payload_member("kinesis-video-media", "GetMedia") == "Payload"
    assert _model.output_payload_member("kinesis-video-archived-media", "GetClip") == "Payload"
    assert _model.output_payload_member("kinesisvideo", "DescribeStream") is None
    assert _model.output_payload_member("kinesisvideo", "DeleteStream") is None
