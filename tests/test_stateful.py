"""A model of streams, channels, tags, versions and retention that kvsmock must agree with.

Hypothesis drives random sequences of API calls across two accounts and two regions through
real boto3 clients; after every step the model and kvsmock (seen through ListStreams,
ListSignalingChannels and the tag APIs) must agree. Versions are not predictable, so the
model records the one kvsmock reports and checks that it changes exactly when an update is
accepted. Budget: see tests/fuzz/harness.py (``kvsmock-ci`` / ``kvsmock-fuzz``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from fuzz.harness import FUZZING, SETTINGS
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kvsmock import KinesisVideoMock

ACCOUNTS = {"AKIASTATEFULAAAAAAAA": "111111111111", "AKIASTATEFULBBBBBBBB": "222222222222"}
REGIONS = ("us-east-1", "eu-west-1")
IDENTITIES = [(key, region) for key in ACCOUNTS for region in REGIONS]
NAMES = ("a", "b", "c")
TAG_KEYS = ("k0", "k1", "k2", "k3")
MAX_RETENTION = 87600
_session = boto3.session.Session()
_clients: Dict[Tuple[str, str], Any] = {}


def client(identity: Tuple[str, str]) -> Any:
    """A ``kinesisvideo`` client of one account and region (cached: clients are mock-free)."""
    found = _clients.get(identity)
    if found is None:
        key, region = identity
        found = _clients[identity] = _session.client(
            "kinesisvideo",
            region_name=region,
            aws_access_key_id=key,
            aws_secret_access_key="stateful-secret",
            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
        )
    return found


@dataclass
class StreamModel:
    arn: str
    version: str
    retention: int
    device_name: Optional[str] = None
    tags: Dict[str, str] = field(default_factory=dict)


@dataclass
class ChannelModel:
    arn: str
    version: str
    ttl: int
    tags: Dict[str, str] = field(default_factory=dict)


def code_of(call: Any, **params: Any) -> Optional[str]:
    """The error code of a call, or None when it succeeded."""
    try:
        call(**params)
    except ClientError as e:
        return str(e.response["Error"]["Code"])
    return None


identities = st.sampled_from(IDENTITIES)
names = st.sampled_from(NAMES)
tag_maps = st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(["", "x", "y z"]), max_size=3)


class KvsModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.mock = KinesisVideoMock(accounts=ACCOUNTS, seed=3)
        self.mock.start()
        self.streams: Dict[Tuple[str, str], Dict[str, StreamModel]] = {i: {} for i in IDENTITIES}
        self.channels: Dict[Tuple[str, str], Dict[str, ChannelModel]] = {i: {} for i in IDENTITIES}

    def teardown(self) -> None:
        self.mock.stop()

    # -- helpers ---------------------------------------------------------------------------

    def _stream_version(self, identity: Tuple[str, str], name: str) -> str:
        info = client(identity).describe_stream(StreamName=name)["StreamInfo"]
        version: str = info["Version"]
        return version

    def _channel_version(self, identity: Tuple[str, str], name: str) -> str:
        info = client(identity).describe_signaling_channel(ChannelName=name)["ChannelInfo"]
        version: str = info["Version"]
        return version

    def _accepted_update(self, model: Any, new_version: str) -> None:
        assert new_version != model.version, "an accepted update must rotate the Version"
        model.version = new_version

    # -- streams ---------------------------------------------------------------------------

    @rule(
        identity=identities,
        name=names,
        retention=st.sampled_from([0, 1, 24, MAX_RETENTION, MAX_RETENTION + 1]),
        tags=tag_maps,
    )
    def create_stream(
        self, identity: Tuple[str, str], name: str, retention: int, tags: Dict[str, str]
    ) -> None:
        params: Dict[str, Any] = {"StreamName": name, "DataRetentionInHours": retention}
        if tags:
            params["Tags"] = tags
        try:
            arn = client(identity).create_stream(**params)["StreamARN"]
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if name in self.streams[identity]:
                assert code == "ResourceInUseException"
            else:
                assert retention > MAX_RETENTION and code == "InvalidArgumentException"
            return
        assert name not in self.streams[identity] and retention <= MAX_RETENTION
        version = self._stream_version(identity, name)
        self.streams[identity][name] = StreamModel(arn, version, retention, None, dict(tags))

    @rule(identity=identities, name=names, stale=st.booleans())
    def delete_stream(self, identity: Tuple[str, str], name: str, stale: bool) -> None:
        model = self.streams[identity].get(name)
        account = ACCOUNTS[identity[0]]
        arn = (
            model.arn if model else f"arn:aws:kinesisvideo:{identity[1]}:{account}:stream/{name}/1"
        )
        version = "stale0000000000000000" if stale or model is None else model.version
        code = code_of(client(identity).delete_stream, StreamARN=arn, CurrentVersion=version)
        if model is None:
            assert code == "ResourceNotFoundException"
        elif stale:
            assert code == "VersionMismatchException"
        else:
            assert code is None
            del self.streams[identity][name]

    @rule(
        identity=identities, name=names, stale=st.booleans(), device=st.sampled_from(["d1", "d2"])
    )
    def update_stream(self, identity: Tuple[str, str], name: str, stale: bool, device: str) -> None:
        model = self.streams[identity].get(name)
        version = "stale0000000000000000" if stale or model is None else model.version
        code = code_of(
            client(identity).update_stream,
            StreamName=name,
            CurrentVersion=version,
            DeviceName=device,
        )
        if model is None:
            assert code == "ResourceNotFoundException"
        elif stale:
            assert code == "VersionMismatchException"
        else:
            assert code is None
            model.device_name = device
            self._accepted_update(model, self._stream_version(identity, name))

    @rule(
        identity=identities,
        name=names,
        increase=st.booleans(),
        hours=st.sampled_from([1, 24, MAX_RETENTION]),
    )
    def update_data_retention(
        self, identity: Tuple[str, str], name: str, increase: bool, hours: int
    ) -> None:
        model = self.streams[identity].get(name)
        code = code_of(
            client(identity).update_data_retention,
            StreamName=name,
            CurrentVersion=model.version if model else "none0000000000000000",
            Operation="INCREASE_DATA_RETENTION" if increase else "DECREASE_DATA_RETENTION",
            DataRetentionChangeInHours=hours,
        )
        if model is None:
            assert code == "ResourceNotFoundException"
            return
        new = model.retention + (hours if increase else -hours)
        if not 0 <= new <= MAX_RETENTION:
            assert code == "InvalidArgumentException"
            return
        assert code is None
        model.retention = new
        self._accepted_update(model, self._stream_version(identity, name))

    @rule(identity=identities, name=names, tags=tag_maps, by_arn=st.booleans())
    def tag_stream(
        self, identity: Tuple[str, str], name: str, tags: Dict[str, str], by_arn: bool
    ) -> None:
        model = self.streams[identity].get(name)
        if by_arn and model is not None:
            tag_list = [{"Key": k, "Value": v} for k, v in tags.items()] or [
                {"Key": "k0", "Value": ""}
            ]
            code = code_of(client(identity).tag_resource, ResourceARN=model.arn, Tags=tag_list)
            tags = {t["Key"]: t["Value"] for t in tag_list}
        else:
            code = code_of(client(identity).tag_stream, StreamName=name, Tags=tags or {"k0": ""})
            tags = tags or {"k0": ""}
        if model is None:
            assert code == "ResourceNotFoundException"
        else:
            assert code is None
            model.tags.update(tags)

    @rule(identity=identities, name=names, count=st.integers(40, 55))
    def tag_many(self, identity: Tuple[str, str], name: str, count: int) -> None:
        """Up to 50 tags per resource: over the limit nothing is stored."""
        model = self.streams[identity].get(name)
        tags = {f"many{i}": "v" for i in range(count)}
        code = code_of(client(identity).tag_stream, StreamName=name, Tags=tags)
        if count > 50:
            assert code == "InvalidArgumentException"  # the Tags map holds at most 50
        elif model is None:
            assert code == "ResourceNotFoundException"
        elif len({**model.tags, **tags}) > 50:
            assert code == "TagsPerResourceExceededLimitException"
        else:
            assert code is None
            model.tags.update(tags)

    @rule(
        identity=identities,
        name=names,
        keys=st.lists(st.sampled_from([*TAG_KEYS, "many1", "many44"]), min_size=1, max_size=3),
        by_arn=st.booleans(),
    )
    def untag_stream(
        self, identity: Tuple[str, str], name: str, keys: List[str], by_arn: bool
    ) -> None:
        model = self.streams[identity].get(name)
        if by_arn and model is not None:
            code = code_of(client(identity).untag_resource, ResourceARN=model.arn, TagKeyList=keys)
        else:
            code = code_of(client(identity).untag_stream, StreamName=name, TagKeyList=keys)
        if model is None:
            assert code == "ResourceNotFoundException"
        else:
            assert code is None
            for key in keys:
                model.tags.pop(key, None)

    # -- channels --------------------------------------------------------------------------

    @rule(identity=identities, name=names, ttl=st.sampled_from([5, 60, 120, 121]), tags=tag_maps)
    def create_channel(
        self, identity: Tuple[str, str], name: str, ttl: int, tags: Dict[str, str]
    ) -> None:
        params: Dict[str, Any] = {
            "ChannelName": name,
            "SingleMasterConfiguration": {"MessageTtlSeconds": ttl},
        }
        if tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        try:
            arn = client(identity).create_signaling_channel(**params)["ChannelARN"]
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if ttl > 120:
                assert code == "InvalidArgumentException"  # model range 5..120
            else:
                assert name in self.channels[identity] and code == "ResourceInUseException"
            return
        assert name not in self.channels[identity] and ttl <= 120
        version = self._channel_version(identity, name)
        self.channels[identity][name] = ChannelModel(arn, version, ttl, dict(tags))

    @rule(identity=identities, name=names, stale=st.booleans(), ttl=st.sampled_from([5, 30, 121]))
    def update_channel(self, identity: Tuple[str, str], name: str, stale: bool, ttl: int) -> None:
        model = self.channels[identity].get(name)
        account = ACCOUNTS[identity[0]]
        arn = (
            model.arn if model else f"arn:aws:kinesisvideo:{identity[1]}:{account}:channel/{name}/1"
        )
        version = "stale0000000000000000" if stale or model is None else model.version
        code = code_of(
            client(identity).update_signaling_channel,
            ChannelARN=arn,
            CurrentVersion=version,
            SingleMasterConfiguration={"MessageTtlSeconds": ttl},
        )
        if ttl > 120:
            assert code == "InvalidArgumentException"  # model range 5..120, checked first
        elif model is None:
            assert code == "ResourceNotFoundException"
        elif stale:
            assert code == "VersionMismatchException"
        else:
            assert code is None
            model.ttl = ttl
            self._accepted_update(model, self._channel_version(identity, name))

    @rule(identity=identities, name=names)
    def delete_channel(self, identity: Tuple[str, str], name: str) -> None:
        model = self.channels[identity].get(name)
        account = ACCOUNTS[identity[0]]
        arn = (
            model.arn if model else f"arn:aws:kinesisvideo:{identity[1]}:{account}:channel/{name}/1"
        )
        code = code_of(client(identity).delete_signaling_channel, ChannelARN=arn)
        if model is None:
            assert code == "ResourceNotFoundException"
        else:
            assert code is None
            del self.channels[identity][name]

    @precondition(lambda self: any(self.channels.values()))
    @rule(identity=identities, data=st.data())
    def tag_channel(self, identity: Tuple[str, str], data: Any) -> None:
        if not self.channels[identity]:
            return
        name = data.draw(st.sampled_from(sorted(self.channels[identity])))
        model = self.channels[identity][name]
        tags = data.draw(tag_maps.filter(bool))
        client(identity).tag_resource(
            ResourceARN=model.arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )
        model.tags.update(tags)

    # -- agreement -------------------------------------------------------------------------

    @invariant()
    def kvsmock_agrees(self) -> None:
        for identity in IDENTITIES:
            c = client(identity)
            listed: Dict[str, Any] = {}
            token: Optional[str] = None
            while True:
                page = c.list_streams(MaxResults=2, **({"NextToken": token} if token else {}))
                for info in page["StreamInfoList"]:
                    assert info["StreamName"] not in listed, "a page repeated a stream"
                    listed[info["StreamName"]] = info
                token = page.get("NextToken")
                if not token:
                    break
            expected = self.streams[identity]
            assert sorted(listed) == sorted(expected)
            for name, model in expected.items():
                info = listed[name]
                assert info["StreamARN"] == model.arn
                assert info["Version"] == model.version
                assert info["DataRetentionInHours"] == model.retention
                assert info.get("DeviceName") == model.device_name
                assert info["Status"] == "ACTIVE"
                assert c.list_tags_for_stream(StreamARN=model.arn)["Tags"] == model.tags
            channels = c.list_signaling_channels()["ChannelInfoList"]
            assert sorted(ch["ChannelName"] for ch in channels) == sorted(self.channels[identity])
            for info in channels:
                model_ch = self.channels[identity][info["ChannelName"]]
                assert info["ChannelARN"] == model_ch.arn
                assert info["Version"] == model_ch.version
                assert info["SingleMasterConfiguration"]["MessageTtlSeconds"] == model_ch.ttl
                assert c.list_tags_for_resource(ResourceARN=model_ch.arn)["Tags"] == model_ch.tags


KvsModel.TestCase.settings = settings(
    SETTINGS,
    max_examples=SETTINGS.max_examples * (2 if FUZZING else 1),
    stateful_step_count=40 if FUZZING else 25,
)
TestKvsModel = KvsModel.TestCase
