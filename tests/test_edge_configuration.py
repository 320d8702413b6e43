"""StartEdgeConfigurationUpdate, DescribeEdgeConfiguration, DeleteEdgeConfiguration and
ListEdgeAgentConfigurations through boto3.

Expected values come from the API reference and the botocore model: StartEdgeConfiguration
Update sets ``SyncStatus`` to SYNCING, and calling it again before a terminal status (IN_SYNC,
SYNC_FAILED) raises ResourceInUseException; moving to another hub device needs a delete
first; DeleteEdgeConfiguration sets DELETING and the configuration is gone when deletion
finishes (StreamEdgeConfigurationNotFoundException, HTTP 404); schedules are Quartz cron
expressions; ListEdgeAgentConfigurations pages by 5 by default (1..10).

kvsmock's timeline over ``transition_seconds`` T: SYNCING -> ACKNOWLEDGED at T/2 -> IN_SYNC at
T, and DELETING -> DELETING_ACKNOWLEDGED at T/2 -> gone at T; ``LastUpdatedTime`` is when
the current status began. Failures come from ``Store.fail_edge_sync``.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Dict, List

import pytest
from assertions import error
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock
from kvsmock.errors import ServiceError
from kvsmock.state import EdgeConfiguration, quartz_cron_problem

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
NOT_FOUND = "The requested stream is not found or not active."
NO_EDGE = "The edge configuration of the stream cam is not found."
NO_RETENTION = "The data retention in hours of the stream cam is equal to zero."
HUB = "arn:aws:iot:us-east-1:123456789012:thing/hub-1"
HUB_2 = "arn:aws:iot:us-east-1:123456789012:thing/hub-2"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:cam-rtsp"

EDGE: Dict[str, Any] = {
    "HubDeviceArn": HUB,
    "RecorderConfig": {
        "MediaSourceConfig": {"MediaUriSecretArn": SECRET, "MediaUriType": "RTSP_URI"},
        "ScheduleConfig": {"ScheduleExpression": "0 0 8 ? * MON-FRI", "DurationInSeconds": 3600},
    },
    "UploaderConfig": {
        "ScheduleConfig": {"ScheduleExpression": "0 0/30 * * * ?", "DurationInSeconds": 600}
    },
    "DeletionConfig": {
        "EdgeRetentionInHours": 48,
        "LocalSizeConfig": {
            "MaxLocalMediaSizeInMB": 4096,
            "StrategyOnFullSize": "DELETE_OLDEST_MEDIA",
        },
        "DeleteAfterUpload": False,
    },
}
MINIMAL: Dict[str, Any] = {
    "HubDeviceArn": HUB,
    "RecorderConfig": {
        "MediaSourceConfig": {"MediaUriSecretArn": SECRET, "MediaUriType": "FILE_URI"}
    },
}


def plain(response: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(response)
    out.pop("ResponseMetadata", None)
    return out


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def expected(
    arn: str,
    status: str,
    since: dt.datetime,
    created: dt.datetime = T0,
    edge: Dict[str, Any] = EDGE,
    name: str = "cam",
    **extra: Any,
) -> Dict[str, Any]:
    """A DescribeEdgeConfiguration / list item as boto3 parses it (local timestamps)."""
    return {
        "StreamName": name,
        "StreamARN": arn,
        "CreationTime": created,
        "LastUpdatedTime": since,
        "SyncStatus": status,
        "EdgeConfig": edge,
        **extra,
    }


def describe(client: Any, **ident: str) -> Dict[str, Any]:
    return plain(client.describe_edge_configuration(**(ident or {"StreamName": "cam"})))


def start(client: Any, edge: Dict[str, Any] = EDGE, **ident: str) -> Dict[str, Any]:
    return plain(
        client.start_edge_configuration_update(EdgeConfig=edge, **(ident or {"StreamName": "cam"}))
    )


def status(client: Any, name: str = "cam") -> str:
    sync: str = client.describe_edge_configuration(StreamName=name)["SyncStatus"]
    return sync


def with_schedule(part: str, expression: str) -> Dict[str, Any]:
    edge = copy.deepcopy(EDGE)
    edge[part]["ScheduleConfig"]["ScheduleExpression"] = expression
    return edge


@pytest.fixture
def cam(client: Any) -> str:
    """A 24-hour stream ``cam`` created at T0; returns its ARN (time is frozen at T0)."""
    with freeze_time(T0):
        arn: str = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
    return arn


# -- success paths, immediate transitions ------------------------------------------------------


def test_start_answers_syncing_and_the_configuration(client: Any, cam: str) -> None:
    with freeze_time(T0):
        assert start(client) == expected(cam, "SYNCING", T0)
        # transition_seconds=0: the sync is done by the next call.
        assert describe(client) == expected(cam, "IN_SYNC", T0)
        assert describe(client, StreamARN=cam) == expected(cam, "IN_SYNC", T0)


def test_minimal_configuration_is_echoed_as_given(
    client: Any, cam: str, kvsmock: KinesisVideoMock
) -> None:
    with freeze_time(T0):
        assert start(client, MINIMAL, StreamARN=cam) == expected(cam, "SYNCING", T0, edge=MINIMAL)
        assert describe(client) == expected(cam, "IN_SYNC", T0, edge=MINIMAL)
    edge = kvsmock.state().find_stream("cam").edge_configuration
    assert isinstance(edge, EdgeConfiguration)
    assert edge.hub_device_arn == HUB
    # Documented defaults of the members left out.
    assert (edge.edge_retention_in_hours, edge.delete_after_upload) == (720, True)


def test_typed_state(client: Any, cam: str, kvsmock: KinesisVideoMock) -> None:
    with freeze_time(T0):
        start(client)
        store = kvsmock.state()
        stream = store.find_stream("cam")
        edge = stream.edge_configuration
        assert edge is not None
        assert edge.edge_config == EDGE
        assert (edge.edge_retention_in_hours, edge.delete_after_upload) == (48, False)
        assert edge.creation_time == T0
        assert store.edge_sync_status(stream) == "IN_SYNC"
        assert edge.phase == "IN_SYNC"


def test_seeded_edge_agent_status_is_described(
    client: Any, cam: str, kvsmock: KinesisVideoMock
) -> None:
    agent = {
        "LastRecorderStatus": {
            "JobStatusDetails": "Recording",
            "LastCollectedTime": at(60),
            "LastUpdatedTime": at(61),
            "RecorderStatus": "SUCCESS",
        },
        "LastUploaderStatus": {
            "JobStatusDetails": "Camera unreachable",
            "LastCollectedTime": at(30),
            "LastUpdatedTime": at(62),
            "UploaderStatus": "USER_ERROR",
        },
    }
    with freeze_time(T0):
        start(client)
        edge = kvsmock.state().find_stream("cam").edge_configuration
        assert edge is not None
        edge.edge_agent_status = agent
        assert describe(client) == expected(cam, "IN_SYNC", T0, EdgeAgentStatus=agent)
        listed = client.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"]
        assert listed == [expected(cam, "IN_SYNC", T0)]  # the list item has no agent status


def test_update_in_sync_keeps_creation_time(client: Any, cam: str) -> None:
    with freeze_time(T0) as clock:
        start(client)
        clock.tick(60)
        assert start(client, MINIMAL) == expected(cam, "SYNCING", at(60), edge=MINIMAL)
        assert describe(client) == expected(cam, "IN_SYNC", at(60), edge=MINIMAL)


def test_delete_removes_it(client: Any, cam: str) -> None:
    with freeze_time(T0):
        start(client)
        response = client.delete_edge_configuration(StreamName="cam")
        assert plain(response) == {}
        with pytest.raises(ClientError) as excinfo:
            describe(client)
        assert error(excinfo) == ("StreamEdgeConfigurationNotFoundException", 404, NO_EDGE)
        assert client.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"] == []


def test_after_deletion_another_hub_can_take_the_stream(client: Any, cam: str) -> None:
    with freeze_time(T0) as clock:
        start(client)
        client.delete_edge_configuration(StreamARN=cam)
        clock.tick(10)
        moved = {**EDGE, "HubDeviceArn": HUB_2}
        # A new configuration: a new CreationTime.
        assert start(client, moved) == expected(cam, "SYNCING", at(10), at(10), moved)
        assert client.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"] == []
        assert client.list_edge_agent_configurations(HubDeviceArn=HUB_2)["EdgeConfigs"] == [
            expected(cam, "IN_SYNC", at(10), at(10), moved)
        ]


def test_deleting_the_stream_removes_its_edge_configuration(client: Any, cam: str) -> None:
    start(client)
    client.delete_stream(StreamARN=cam)
    assert client.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"] == []
    client.create_stream(StreamName="cam", DataRetentionInHours=1)
    with pytest.raises(ClientError) as excinfo:
        describe(client)
    assert error(excinfo) == ("StreamEdgeConfigurationNotFoundException", 404, NO_EDGE)


# -- SyncStatus over time -----------------------------------------------------------------------


@pytest.mark.kvsmock(transition_seconds=5)
def test_sync_status_moves_syncing_acknowledged_in_sync(
    client: Any, kvsmock: KinesisVideoMock
) -> None:
    with freeze_time(T0) as clock:
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
        clock.tick(5)  # ACTIVE
        assert start(client) == expected(arn, "SYNCING", at(5), at(5))
        clock.tick(2.499)
        assert describe(client) == expected(arn, "SYNCING", at(5), at(5))
        clock.tick(0.001)
        assert describe(client) == expected(arn, "ACKNOWLEDGED", at(7.5), at(5))
        clock.tick(2.499)
        assert status(client) == "ACKNOWLEDGED"
        clock.tick(0.001)
        assert describe(client) == expected(arn, "IN_SYNC", at(10), at(5))
        clock.tick(100)
        assert describe(client) == expected(arn, "IN_SYNC", at(10), at(5))
        assert kvsmock.state().edge_sync_status(kvsmock.state().find_stream("cam")) == "IN_SYNC"


@pytest.mark.kvsmock(transition_seconds=5)
def test_start_while_syncing_is_in_use(client: Any) -> None:
    with freeze_time(T0) as clock:
        client.create_stream(StreamName="cam", DataRetentionInHours=24)
        clock.tick(5)
        start(client)
        for seconds, sync in ((0, "SYNCING"), (3, "ACKNOWLEDGED")):
            clock.tick(seconds)
            with pytest.raises(ClientError) as excinfo:
                start(client, MINIMAL)
            assert error(excinfo) == (
                "ResourceInUseException",
                400,
                f"The edge configuration of the stream cam is in {sync} status; wait for "
                "IN_SYNC or SYNC_FAILED before updating it.",
            )
        clock.tick(2)
        assert start(client, MINIMAL)["SyncStatus"] == "SYNCING"
        assert describe(client)["EdgeConfig"] == MINIMAL


@pytest.mark.kvsmock(transition_seconds=5)
def test_delete_moves_deleting_acknowledged_then_gone(client: Any) -> None:
    with freeze_time(T0) as clock:
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
        clock.tick(5)
        start(client)
        clock.tick(5)  # IN_SYNC at 10 s
        client.delete_edge_configuration(StreamName="cam")
        assert describe(client) == expected(arn, "DELETING", at(10), at(5))
        clock.tick(2.5)
        assert describe(client) == expected(arn, "DELETING_ACKNOWLEDGED", at(12.5), at(5))
        listed = client.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"]
        assert listed == [expected(arn, "DELETING_ACKNOWLEDGED", at(12.5), at(5))]
        # While deleting: a new Start is in use, a second delete changes nothing.
        with pytest.raises(ClientError) as excinfo:
            start(client)
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The edge configuration of the stream cam is in DELETING_ACKNOWLEDGED status; "
            "wait for IN_SYNC or SYNC_FAILED before updating it.",
        )
        client.delete_edge_configuration(StreamName="cam")
        assert describe(client) == expected(arn, "DELETING_ACKNOWLEDGED", at(12.5), at(5))
        clock.tick(2.499)
        assert status(client) == "DELETING_ACKNOWLEDGED"
        clock.tick(0.001)
        with pytest.raises(ClientError) as excinfo:
            describe(client)
        assert error(excinfo) == ("StreamEdgeConfigurationNotFoundException", 404, NO_EDGE)
        with pytest.raises(ClientError) as excinfo:
            client.delete_edge_configuration(StreamName="cam")
        assert error(excinfo) == ("StreamEdgeConfigurationNotFoundException", 404, NO_EDGE)


@pytest.mark.kvsmock(transition_seconds=5)
def test_delete_during_a_sync_cancels_it(client: Any) -> None:
    with freeze_time(T0) as clock:
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
        clock.tick(5)
        start(client)
        clock.tick(1)
        client.delete_edge_configuration(StreamName="cam")
        assert describe(client) == expected(arn, "DELETING", at(6), at(5))


@pytest.mark.kvsmock(transition_seconds=5)
def test_sync_failure_and_retry(client: Any, kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    with freeze_time(T0) as clock:
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
        clock.tick(5)
        start(client)
        clock.tick(3)  # ACKNOWLEDGED
        store.fail_edge_sync(store.find_stream("cam"))
        failed = expected(
            arn,
            "SYNC_FAILED",
            at(8),
            at(5),
            FailedStatusDetails=(
                "The Edge Agent did not acknowledge the edge configuration within 15 minutes."
            ),
        )
        assert describe(client) == failed
        clock.tick(100)
        assert describe(client) == failed  # terminal
        assert client.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"] == [failed]
        # SYNC_FAILED is terminal: Start may be called again, and clears the failure.
        assert start(client) == expected(arn, "SYNCING", at(108), at(5))
        clock.tick(5)
        assert describe(client) == expected(arn, "IN_SYNC", at(113), at(5))
        with pytest.raises(ValueError, match="no sync or deletion is in progress"):
            store.fail_edge_sync(store.find_stream("cam"))


@pytest.mark.kvsmock(transition_seconds=5)
def test_delete_failure_needs_a_retried_delete(client: Any, kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    with freeze_time(T0) as clock:
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
        clock.tick(5)
        start(client)
        clock.tick(5)
        client.delete_edge_configuration(StreamName="cam")
        clock.tick(1)
        store.fail_edge_sync(store.find_stream("cam"), "Disk is read-only")
        failed = expected(
            arn, "DELETE_FAILED", at(11), at(5), FailedStatusDetails="Disk is read-only"
        )
        assert describe(client) == failed
        with pytest.raises(ClientError) as excinfo:
            start(client)
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The edge configuration of the stream cam is in DELETE_FAILED status; wait for "
            "IN_SYNC or SYNC_FAILED before updating it.",
        )
        clock.tick(1)
        client.delete_edge_configuration(StreamName="cam")  # the retry
        assert describe(client) == expected(arn, "DELETING", at(12), at(5))
        clock.tick(5)
        with pytest.raises(ClientError) as excinfo:
            describe(client)
        assert error(excinfo)[0] == "StreamEdgeConfigurationNotFoundException"


# -- Start errors --------------------------------------------------------------------------------


def test_start_on_a_stream_without_retention(client: Any) -> None:
    client.create_stream(StreamName="cam")
    with pytest.raises(ClientError) as excinfo:
        start(client)
    assert error(excinfo) == ("NoDataRetentionException", 400, NO_RETENTION)
    version = client.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    client.update_data_retention(
        StreamName="cam",
        CurrentVersion=version,
        Operation="INCREASE_DATA_RETENTION",
        DataRetentionChangeInHours=1,
    )
    assert start(client)["SyncStatus"] == "SYNCING"


@pytest.mark.kvsmock(transition_seconds=5)
def test_start_on_a_stream_that_is_not_active(client: Any) -> None:
    with freeze_time(T0) as clock:
        client.create_stream(StreamName="cam", DataRetentionInHours=24)
        with pytest.raises(ClientError) as excinfo:
            start(client)
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in CREATING status; the operation needs an ACTIVE stream.",
        )
        clock.tick(5)
        assert start(client)["SyncStatus"] == "SYNCING"


def test_start_with_another_hub_device(client: Any, cam: str) -> None:
    start(client)
    with pytest.raises(ClientError) as excinfo:
        start(client, {**EDGE, "HubDeviceArn": HUB_2})
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        f"The edge configuration of the stream cam belongs to the hub device {HUB}; to move "
        f"it to {HUB_2}, call DeleteEdgeConfiguration first.",
    )
    assert describe(client)["EdgeConfig"] == EDGE


@pytest.mark.parametrize(
    "op",
    ["start_edge_configuration_update", "describe_edge_configuration", "delete_edge_configuration"],
)
def test_unknown_stream(client: Any, op: str) -> None:
    kwargs: Dict[str, Any] = {"EdgeConfig": EDGE} if op.startswith("start") else {}
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(StreamName="nope", **kwargs)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(
            StreamARN="arn:aws:kinesisvideo:us-east-1:123456789012:stream/nope/1", **kwargs
        )
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(**kwargs)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "Either StreamName or StreamARN must be specified.",
    )


@pytest.mark.parametrize("op", ["describe_edge_configuration", "delete_edge_configuration"])
def test_a_stream_without_an_edge_configuration(client: Any, cam: str, op: str) -> None:
    for ident in ({"StreamName": "cam"}, {"StreamARN": cam}):
        with pytest.raises(ClientError) as excinfo:
            getattr(client, op)(**ident)
        assert error(excinfo) == ("StreamEdgeConfigurationNotFoundException", 404, NO_EDGE)


@pytest.mark.parametrize(
    "expression",
    [
        "0 0/30 * * * ?",
        "0 0 8 ? * MON-FRI",
        "0 15 10 ? * 6L 2024-2030",
        "0 15 10 L-2 * ?",
        "0 15 10 LW * ?",
        "0 15 10 15W * ?",
        "0 15 10 ? * 6#3",
        "0 0 12 1/5 * ?",
        "*/10 * * * JAN,MAR,DEC ?",
        "0 0 0 ? * sun,sat",
        "0 5-10/2 22-2 * * ? *",
    ],
)
def test_quartz_schedules_are_accepted(client: Any, cam: str, expression: str) -> None:
    assert quartz_cron_problem(expression) is None
    for part in ("RecorderConfig", "UploaderConfig"):
        edge = with_schedule(part, expression)
        start(client, edge)
        assert describe(client)["EdgeConfig"] == edge


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        (
            "*/5 * * * *",  # a Unix cron line
            "it has 5 fields, not 6 or 7 (seconds minutes hours day-of-month month "
            "day-of-week [year])",
        ),
        (
            "0 0 0 * * ? 2024 x",
            "it has 8 fields, not 6 or 7 (seconds minutes hours day-of-month month "
            "day-of-week [year])",
        ),
        ("0 0/30 * * * *", "exactly one of day-of-month and day-of-week must be '?'"),
        ("0 0/30 * ? * ?", "exactly one of day-of-month and day-of-week must be '?'"),
        ("60 0 * * * ?", "seconds field '60': 60 is outside 0-59"),
        ("0 0 24 * * ?", "hours field '24': 24 is outside 0-23"),
        ("0 0 0 0 * ?", "day-of-month field '0': 0 is outside 1-31"),
        ("0 0 0 ? 13 MON", "month field '13': 13 is outside 1-12"),
        ("0 0 0 ? * 8", "day-of-week field '8': 8 is outside 1-7"),
        ("0 0 0 ? * MON 1969", "year field '1969': 1969 is outside 1970-2099"),
        ("0 ? 0 * * ?", "minutes field '?': '?' is allowed only in day-of-month and day-of-week"),
        ("0 0/0 * * * ?", "minutes field '0/0': the increment '0' must be an integer from 1 to 59"),
        ("0 0/x * * * ?", "minutes field '0/x': the increment 'x' must be an integer from 1 to 59"),
        ("0 0 0 ? FOO *", "month field 'FOO': 'FOO' is not a valid value"),
        ("0 0 0 ? * MON#6", "day-of-week field 'MON#6': the # occurrence must be from 1 to 5"),
        ("0 0 0 L-31 * ?", "day-of-month field 'L-31': the L offset must be at most 30"),
        (
            "every single hour",
            "it has 3 fields, not 6 or 7 (seconds minutes hours day-of-month month "
            "day-of-week [year])",
        ),
    ],
)
def test_schedules_must_be_quartz_cron_expressions(
    client: Any, cam: str, expression: str, problem: str
) -> None:
    assert quartz_cron_problem(expression) == problem
    for part in ("RecorderConfig", "UploaderConfig"):
        with pytest.raises(ClientError) as excinfo:
            start(client, with_schedule(part, expression))
        assert error(excinfo) == (
            "InvalidArgumentException",
            400,
            f"The ScheduleExpression '{expression}' of EdgeConfig.{part}.ScheduleConfig is not "
            f"a valid Quartz cron expression: {problem}.",
        )
    with pytest.raises(ClientError) as excinfo:
        describe(client)
    assert error(excinfo)[0] == "StreamEdgeConfigurationNotFoundException"


def test_both_bad_schedules_are_reported(client: Any, cam: str) -> None:
    edge = with_schedule("RecorderConfig", "0 0 25 * * ?")
    edge["UploaderConfig"]["ScheduleConfig"]["ScheduleExpression"] = "* * * * * *"
    with pytest.raises(ClientError) as excinfo:
        start(client, edge)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "The ScheduleExpression '0 0 25 * * ?' of EdgeConfig.RecorderConfig.ScheduleConfig is "
        "not a valid Quartz cron expression: hours field '25': 25 is outside 0-23. The "
        "ScheduleExpression '* * * * * *' of EdgeConfig.UploaderConfig.ScheduleConfig is not "
        "a valid Quartz cron expression: exactly one of day-of-month and day-of-week must be "
        "'?'.",
    )


def _edge_with(path: List[str], value: Any) -> Dict[str, Any]:
    edge = copy.deepcopy(EDGE)
    node = edge
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return edge


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ["DeletionConfig", "EdgeRetentionInHours"],
            721,
            "Value '721' at 'edgeConfig.deletionConfig.edgeRetentionInHours' failed to satisfy "
            "constraint: Member must have value less than or equal to 720",
        ),
        (
            ["DeletionConfig", "EdgeRetentionInHours"],
            0,
            "Value '0' at 'edgeConfig.deletionConfig.edgeRetentionInHours' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ),
        (
            ["DeletionConfig", "LocalSizeConfig", "MaxLocalMediaSizeInMB"],
            63,
            "Value '63' at 'edgeConfig.deletionConfig.localSizeConfig.maxLocalMediaSizeInMB' "
            "failed to satisfy constraint: Member must have value greater than or equal to 64",
        ),
        (
            ["DeletionConfig", "LocalSizeConfig", "MaxLocalMediaSizeInMB"],
            2_000_001,
            "Value '2000001' at 'edgeConfig.deletionConfig.localSizeConfig."
            "maxLocalMediaSizeInMB' failed to satisfy constraint: Member must have value less "
            "than or equal to 2000000",
        ),
        (
            ["DeletionConfig", "LocalSizeConfig", "StrategyOnFullSize"],
            "PANIC",
            "Value 'PANIC' at 'edgeConfig.deletionConfig.localSizeConfig.strategyOnFullSize' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[DELETE_OLDEST_MEDIA, DENY_NEW_MEDIA]",
        ),
        (
            ["RecorderConfig", "ScheduleConfig", "DurationInSeconds"],
            59,
            "Value '59' at 'edgeConfig.recorderConfig.scheduleConfig.durationInSeconds' failed "
            "to satisfy constraint: Member must have value greater than or equal to 60",
        ),
        (
            ["UploaderConfig", "ScheduleConfig", "DurationInSeconds"],
            3601,
            "Value '3601' at 'edgeConfig.uploaderConfig.scheduleConfig.durationInSeconds' "
            "failed to satisfy constraint: Member must have value less than or equal to 3600",
        ),
        (
            ["RecorderConfig", "ScheduleConfig", "ScheduleExpression"],
            "0 0 * * ?",
            "Value '0 0 * * ?' at 'edgeConfig.recorderConfig.scheduleConfig.scheduleExpression' "
            "failed to satisfy constraint: Member must have length greater than or equal to 11; "
            "Value '0 0 * * ?' at 'edgeConfig.recorderConfig.scheduleConfig.scheduleExpression' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "[^\\n]{11,100}",
        ),
        (
            ["RecorderConfig", "MediaSourceConfig", "MediaUriType"],
            "HTTP_URI",
            "Value 'HTTP_URI' at 'edgeConfig.recorderConfig.mediaSourceConfig.mediaUriType' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[RTSP_URI, FILE_URI]",
        ),
        (
            ["RecorderConfig", "MediaSourceConfig", "MediaUriSecretArn"],
            "arn:aws:s3:::bucket/secret-key",
            "Value 'arn:aws:s3:::bucket/secret-key' at "
            "'edgeConfig.recorderConfig.mediaSourceConfig.mediaUriSecretArn' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "arn:[a-z\\d-]+:secretsmanager:[a-z0-9-]+:[0-9]+:secret:[a-zA-Z0-9_.-]+",
        ),
        (
            ["HubDeviceArn"],
            "arn:aws:iot:us-east-1:123456789012:hub/x",
            "Value 'arn:aws:iot:us-east-1:123456789012:hub/x' at 'edgeConfig.hubDeviceArn' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "arn:[a-z\\d-]+:iot:[a-z0-9-]+:[0-9]+:thing/[a-zA-Z0-9_.-]+",
        ),
        (
            ["UploaderConfig", "ScheduleConfig"],
            {"DurationInSeconds": 600},
            "Value null at 'edgeConfig.uploaderConfig.scheduleConfig.scheduleExpression' failed "
            "to satisfy constraint: Member must not be null",
        ),
    ],
)
def test_model_constraints(raw_client: Any, path: List[str], value: Any, message: str) -> None:
    raw_client.create_stream(StreamName="cam", DataRetentionInHours=24)
    with pytest.raises(ClientError) as excinfo:
        start(raw_client, _edge_with(path, value))
    count = message.count("Value ")
    errors = "1 validation error" if count == 1 else f"{count} validation errors"
    assert error(excinfo) == ("InvalidArgumentException", 400, f"{errors} detected: {message}")


def test_store_methods(kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    stream = store.create_stream("cam", data_retention_in_hours=1)
    with pytest.raises(ServiceError) as excinfo:
        store.find_edge_configuration(stream)
    assert (excinfo.value.code, excinfo.value.message) == (
        "StreamEdgeConfigurationNotFoundException",
        NO_EDGE,
    )
    edge = store.start_edge_configuration_update(stream, EDGE)
    assert stream.edge_configuration is edge
    assert edge.edge_config == EDGE and edge.edge_config is not EDGE
    assert store.edge_sync_status(stream) == "IN_SYNC"
    store.delete_edge_configuration(stream)
    assert store.edge_sync_status(stream) is None
    assert stream.edge_configuration is None


# -- ListEdgeAgentConfigurations -------------------------------------------------------------------


def _seed(client: Any, names: List[str], hub: str = HUB) -> Dict[str, str]:
    arns = {}
    for name in names:
        arns[name] = client.create_stream(StreamName=name, DataRetentionInHours=1)["StreamARN"]
        start(client, {**MINIMAL, "HubDeviceArn": hub}, StreamName=name)
    return arns


def test_list_is_per_hub_device_in_stream_name_order(client: Any) -> None:
    with freeze_time(T0):
        arns = _seed(client, ["c", "a", "b"])
        _seed(client, ["other"], HUB_2)
        client.create_stream(StreamName="no-edge", DataRetentionInHours=1)
        response = client.list_edge_agent_configurations(HubDeviceArn=HUB)
    assert plain(response) == {
        "EdgeConfigs": [
            expected(arns[n], "IN_SYNC", T0, edge={**MINIMAL, "HubDeviceArn": HUB}, name=n)
            for n in ("a", "b", "c")
        ]
    }
    assert [
        c["StreamName"]
        for c in client.list_edge_agent_configurations(HubDeviceArn=HUB_2)["EdgeConfigs"]
    ] == ["other"]


def test_an_unknown_hub_device_has_an_empty_list(client: Any) -> None:
    response = client.list_edge_agent_configurations(
        HubDeviceArn="arn:aws:iot:us-east-1:123456789012:thing/nobody"
    )
    assert plain(response) == {"EdgeConfigs": []}


def test_list_pages_by_five_by_default(client: Any) -> None:
    names = [f"cam-{i:02d}" for i in range(12)]
    _seed(client, names)
    first = client.list_edge_agent_configurations(HubDeviceArn=HUB)
    assert [c["StreamName"] for c in first["EdgeConfigs"]] == names[:5]
    second = client.list_edge_agent_configurations(HubDeviceArn=HUB, NextToken=first["NextToken"])
    assert [c["StreamName"] for c in second["EdgeConfigs"]] == names[5:10]
    third = client.list_edge_agent_configurations(HubDeviceArn=HUB, NextToken=second["NextToken"])
    assert [c["StreamName"] for c in third["EdgeConfigs"]] == names[10:]
    assert "NextToken" not in third


@pytest.mark.parametrize(("limit", "pages"), [(1, 7), (3, 3), (6, 2), (7, 1), (10, 1)])
def test_list_max_results(client: Any, limit: int, pages: int) -> None:
    names = [f"cam-{i}" for i in range(7)]
    _seed(client, names)
    seen: List[str] = []
    kwargs: Dict[str, Any] = {"HubDeviceArn": HUB, "MaxResults": limit}
    count = 0
    while True:
        page = client.list_edge_agent_configurations(**kwargs)
        count += 1
        assert len(page["EdgeConfigs"]) <= limit
        seen += [c["StreamName"] for c in page["EdgeConfigs"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert (seen, count) == (names, pages)


def test_paginator(client: Any) -> None:
    names = [f"cam-{i}" for i in range(7)]
    arns = _seed(client, names)
    _seed(client, ["zzz"], HUB_2)
    paginator = client.get_paginator("list_edge_agent_configurations")
    pages = list(paginator.paginate(HubDeviceArn=HUB, PaginationConfig={"PageSize": 3}))
    assert [[c["StreamName"] for c in p["EdgeConfigs"]] for p in pages] == [
        names[0:3],
        names[3:6],
        names[6:],
    ]
    full = paginator.paginate(HubDeviceArn=HUB).build_full_result()
    assert [c["StreamARN"] for c in full["EdgeConfigs"]] == [arns[n] for n in names]
    limited = paginator.paginate(
        HubDeviceArn=HUB, PaginationConfig={"MaxItems": 4, "PageSize": 2}
    ).build_full_result()
    assert [c["StreamName"] for c in limited["EdgeConfigs"]] == names[:4]
    assert "NextToken" in limited


def test_streams_changing_between_pages(client: Any) -> None:
    _seed(client, ["b", "d", "f"])
    page = client.list_edge_agent_configurations(HubDeviceArn=HUB, MaxResults=2)
    assert [c["StreamName"] for c in page["EdgeConfigs"]] == ["b", "d"]
    _seed(client, ["a", "e"])  # "a" sorts before the cursor, "e" after it
    client.delete_edge_configuration(StreamName="f")
    rest = client.list_edge_agent_configurations(HubDeviceArn=HUB, NextToken=page["NextToken"])
    assert [c["StreamName"] for c in rest["EdgeConfigs"]] == ["e"]


def test_a_token_is_bound_to_its_hub_device(client: Any) -> None:
    _seed(client, ["a", "b"])
    token = client.list_edge_agent_configurations(HubDeviceArn=HUB, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_edge_agent_configurations(HubDeviceArn=HUB_2, NextToken=token)
    assert error(excinfo) == ("InvalidArgumentException", 400, "The NextToken is not valid.")
    list_streams_token = client.list_streams(MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_edge_agent_configurations(HubDeviceArn=HUB, NextToken=list_streams_token)
    assert error(excinfo) == ("InvalidArgumentException", 400, "The NextToken is not valid.")


def test_an_empty_token_starts_at_the_beginning(client: Any) -> None:
    _seed(client, ["a"])
    page = client.list_edge_agent_configurations(HubDeviceArn=HUB, NextToken="")
    assert [c["StreamName"] for c in page["EdgeConfigs"]] == ["a"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"HubDeviceArn": HUB, "MaxResults": 11},
            "1 validation error detected: Value '11' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 10",
        ),
        (
            {"HubDeviceArn": HUB, "MaxResults": 0},
            "1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ),
        (
            {"HubDeviceArn": "arn:aws:iot:us-east-1:123456789012:hub"},
            "1 validation error detected: Value 'arn:aws:iot:us-east-1:123456789012:hub' at "
            "'hubDeviceArn' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: arn:[a-z\\d-]+:iot:[a-z0-9-]+:[0-9]+:thing/[a-zA-Z0-9_.-]+",
        ),
        (
            {},
            "1 validation error detected: Value null at 'hubDeviceArn' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            {"HubDeviceArn": HUB, "NextToken": "bad!"},
            "1 validation error detected: Value 'bad!' at 'nextToken' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9+/=]*",
        ),
        ({"HubDeviceArn": HUB, "NextToken": "Zm9v"}, "The NextToken is not valid."),
    ],
)
def test_list_errors(raw_client: Any, params: Dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_client.list_edge_agent_configurations(**params)
    assert error(excinfo) == ("InvalidArgumentException", 400, message)
