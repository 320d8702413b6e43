"""The fuzz harness: a seeded world, real boto3 clients, state snapshots and the invariants.

Invariants checked on every generated call (docs/reliability.md):

1. the call returns a result (kvsmock's strict mode has checked it against the output shape;
   a streaming payload is read to its end), or raises a ``ClientError`` whose code is one of
   the operation's modeled errors with the HTTP status its error shape declares. The one
   exception is the documented endpoint discipline (:mod:`kvsmock._endpoints`): a data-plane
   call sent to the control-plane host gets exactly the reply that module defines;
2. a failed call changes no state, and neither does any Describe/List/Get call: every store
   of both accounts and both regions is snapshotted before and after;
3. input that breaks exactly one model constraint is refused with
   ``InvalidArgumentException`` naming the broken member.

Budgets: the ``kvsmock-ci`` Hypothesis profile (fixed seed, few examples) runs in
``make test``; ``KVSMOCK_FUZZ=1`` (``make fuzz``) selects ``kvsmock-fuzz``, whose example count
per test is ``KVSMOCK_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, Phase, settings

from kvsmock import KinesisVideoMock, _clock, _endpoints, _model
from kvsmock.services import handler_for
from kvsmock.state import ImageGenerationConfiguration, NotificationConfiguration, Store

from .shapes import Ref

# -- budgets -----------------------------------------------------------------------------------

_HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "kvsmock-ci",
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_HEALTH,
)
settings.register_profile(
    "kvsmock-fuzz",
    max_examples=int(os.environ.get("KVSMOCK_FUZZ_EXAMPLES", "300")),
    deadline=None,
    print_blob=True,
    suppress_health_check=_HEALTH,
)
FUZZING = bool(os.environ.get("KVSMOCK_FUZZ"))
#: The settings of the fuzz tests: ``@SETTINGS`` (a profile, never loaded globally).
SETTINGS = settings.get_profile("kvsmock-fuzz" if FUZZING else "kvsmock-ci")
if os.environ.get("KVSMOCK_FUZZ_NO_SHRINK"):  # triage: report first failures fast
    SETTINGS = settings(SETTINGS, phases=[Phase.explicit, Phase.reuse, Phase.generate])


def scaled(factor: float, **changes: Any) -> settings:
    """``SETTINGS`` with ``factor`` times its examples (at least 1)."""
    examples = max(1, int(SETTINGS.max_examples * factor))
    return settings(SETTINGS, max_examples=examples, **changes)


# -- identities --------------------------------------------------------------------------------

#: Access key id -> account: two accounts.
ACCOUNTS = {"AKIAFUZZACCOUNTAAAAA": "111111111111", "AKIAFUZZACCOUNTBBBBB": "222222222222"}
REGIONS = ("us-east-1", "eu-west-1")
IDENTITIES = [(key, region) for key in ACCOUNTS for region in REGIONS]
STORES = [(ACCOUNTS[key], region) for key, region in IDENTITIES]
DATA_ENDPOINT_API = {
    "kinesis-video-media": "GET_MEDIA",
    "kinesis-video-archived-media": "LIST_FRAGMENTS",
}
CHANNEL_ENDPOINT_PROTOCOL = {
    "kinesis-video-signaling": "HTTPS",
    "kinesis-video-webrtc-storage": "WEBRTC",
}
MEDIA = (Path(__file__).parent.parent / "data" / "mjpeg_160x120_5fps_4s.mkv").read_bytes()
HUB = "arn:aws:iot:us-east-1:111111111111:thing/hub-1"
UNKNOWN_FRAGMENT = "91343852333181432392682062607743920146705282048"


def implemented_operations() -> List[Tuple[str, str]]:
    """Every (service, operation) of the five models that kvsmock implements."""
    return [
        (service, operation)
        for service in _model.SERVICE_NAMES.values()
        for operation in _model.operation_names(service)
        if handler_for(service, operation) is not None
    ]


def is_read_only(operation: str) -> bool:
    """Describe*, List* and Get* operations never change state, also when they succeed."""
    return operation.startswith(("Describe", "List", "Get"))


# -- snapshots ---------------------------------------------------------------------------------

_SKIP_TYPES = (random.Random, type(threading.Lock()), type(threading.RLock()))


def _flatten(obj: Any, path: str, out: Dict[str, Any], seen: Tuple[int, ...]) -> None:
    if obj is None or isinstance(obj, (bool, int, float, str, dt.datetime, dt.timedelta)):
        out[path] = obj
        return
    if isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
        out[path] = ("bytes", len(data), hashlib.sha1(data).hexdigest())
        return
    if isinstance(obj, _SKIP_TYPES) or (callable(obj) and not hasattr(obj, "__dict__")):
        return
    if id(obj) in seen:
        out[path] = "<cycle>"
        return
    seen = (*seen, id(obj))
    if isinstance(obj, dict):
        out[path] = ("dict", len(obj))
        for key, value in obj.items():
            _flatten(value, f"{path}[{key!r}]", out, seen)
        return
    if isinstance(obj, (list, tuple)):
        out[path] = (type(obj).__name__, len(obj))
        for i, value in enumerate(obj):
            _flatten(value, f"{path}[{i}]", out, seen)
        return
    if isinstance(obj, (set, frozenset)):
        out[path] = ("set", tuple(sorted(map(repr, obj))))
        return
    names: List[str] = []
    for cls in type(obj).__mro__:
        names.extend(getattr(cls, "__slots__", ()))
    names.extend(getattr(obj, "__dict__", {}))
    out[path] = type(obj).__name__
    for name in dict.fromkeys(names):
        if name in ("rng", "lock", "__weakref__", "__dict__"):
            continue
        public = name.lstrip("_")
        if name != public and isinstance(getattr(type(obj), public, None), property):
            # A lazily made value (Stream.tags, Stream.endpoint_ids): compare it as read
            # through its property, not in the form it happens to be stored in.
            name = public
        if hasattr(obj, name):
            _flatten(getattr(obj, name), f"{path}.{name}", out, seen)


def settle(store: Store) -> None:
    """Evaluate the lazy transitions of a store now, so two snapshots compare what a client
    could observe (a finished deletion is dropped on first access either way)."""
    with store.lock:
        for stream in store.streams:
            store.edge_state(stream)
        store.channels  # noqa: B018 - evaluates the channels' transitions


def snapshot(mock: KinesisVideoMock) -> Dict[str, Any]:
    """Everything stored for both accounts in both regions, as a flat path -> value dict."""
    out: Dict[str, Any] = {}
    for account, region in STORES:
        store = mock.state(account, region=region)
        settle(store)
        with store.lock:
            _flatten(store, f"{account}/{region}", out, ())
    return out


def diff(before: Dict[str, Any], after: Dict[str, Any]) -> List[str]:
    """Human-readable differences between two snapshots (at most 20)."""
    lines = []
    for key in sorted(set(before) | set(after)):
        if before.get(key, "<absent>") != after.get(key, "<absent>"):
            lines.append(
                f"{key}: {before.get(key, '<absent>')!r} -> {after.get(key, '<absent>')!r}"
            )
    return lines[:20]


# -- the world ---------------------------------------------------------------------------------


class World(NamedTuple):
    """How a generated example's world is seeded."""

    slow: bool  # transitions last an hour, so CREATING / UPDATING / DELETING persist
    media: bool  # ingest fragments into ``cam`` of the first account and region


def seed_world(mock: KinesisVideoMock, world: World) -> None:
    """The same resources in both accounts and both regions (names collide on purpose)."""
    mock.transition_seconds = 3600.0 if world.slow else 0.0
    mock.reset()
    now = _clock.now()
    created = now - dt.timedelta(hours=3)
    settled = now - dt.timedelta(hours=2)
    for account, region in STORES:
        store = mock.state(account, region=region)
        cam = store.create_stream(
            "cam",
            data_retention_in_hours=24,
            device_name="dev-1",
            media_type="video/h264",
            tags={"env": "test", "team": "video"},
            now=created,
        )
        store.create_stream("cold", now=created)
        store.create_stream("cam-2", data_retention_in_hours=48, now=created)
        busy = store.create_stream("busy", data_retention_in_hours=1, now=created)
        going = store.create_stream("going", now=created)
        chan = store.create_signaling_channel("chan", tags={"env": "test"}, now=created)
        store.create_signaling_channel("chan-2", now=created)
        busy_ch = store.create_signaling_channel("busy-ch", now=created)
        going_ch = store.create_signaling_channel("going-ch", now=created)
        with store.lock:
            store.enable_media_storage(chan, cam, now=settled)
            store.update_image_generation_configuration(
                cam,
                ImageGenerationConfiguration.from_api(
                    {
                        "Status": "ENABLED",
                        "ImageSelectorType": "SERVER_TIMESTAMP",
                        "DestinationConfig": {
                            "Uri": "s3://bucket/prefix",
                            "DestinationRegion": region,
                        },
                        "SamplingInterval": 1000,
                        "Format": "JPEG",
                    }
                ),
                now=settled,
            )
            store.update_notification_configuration(
                cam,
                NotificationConfiguration.from_api(
                    {
                        "Status": "ENABLED",
                        "DestinationConfig": {"Uri": f"arn:aws:sns:{region}:{account}:topic"},
                    }
                ),
                now=settled,
            )
            store.start_edge_configuration_update(
                cam,
                {
                    "HubDeviceArn": HUB,
                    "RecorderConfig": {
                        "MediaSourceConfig": {
                            "MediaUriSecretArn": (
                                f"arn:aws:secretsmanager:{region}:{account}:secret:cam-uri"
                            ),
                            "MediaUriType": "RTSP_URI",
                        }
                    },
                },
                now=settled,
            )
            # In flight now (they settle at once when transitions are instant).
            store.create_stream("new", now=now)
            store.update_stream(busy, device_name="dev-2", now=now)
            store.delete_stream(going, now=now)
            store.create_signaling_channel("new-ch", now=now)
            store.update_signaling_channel(busy_ch, message_ttl_seconds=30, now=now)
            store.delete_signaling_channel(going_ch, now=now)
    if world.media:
        account, region = STORES[0]
        mock.put_media(StreamName="cam", Payload=MEDIA, account_id=account, region=region)


def pools(mock: KinesisVideoMock) -> Dict[str, List[Any]]:
    """The values a :class:`Ref` resolves to: identifiers of every store, plus some that
    name nothing."""
    found: Dict[str, List[Any]] = {
        "stream_name": ["nope"],
        "stream_arn": ["arn:aws:kinesisvideo:us-east-1:111111111111:stream/nope/1"],
        "channel_name": ["nope"],
        "channel_arn": ["arn:aws:kinesisvideo:us-east-1:111111111111:channel/nope/1"],
        "version": ["0123456789abcdefABCD"],
        "hub": [HUB, "arn:aws:iot:us-east-1:111111111111:thing/other"],
        "fragment": [UNKNOWN_FRAGMENT],
        "uri": [
            "s3://bucket/prefix",
            "s3://bucket",
            "arn:aws:sns:us-east-1:111111111111:topic",
            "arn:aws:sns:us-east-1:111111111111:topic.fifo",
            "https://example.com/x",
        ],
        "region": [*REGIONS, "us-west-2"],
        "cron": ["0 0 * * * ?", "0 0/5 * ? * MON-FRI *", "0 0 12 1 * ?", "every minute"],
        "tag_key": ["env", "team", "missing"],
    }
    for account, region in STORES:
        store = mock.state(account, region=region)
        with store.lock:
            for stream in store.streams:
                found["stream_name"].append(stream.name)
                found["stream_arn"].append(stream.arn)
                found["version"].append(stream.version)
            for channel in store.channels:
                found["channel_name"].append(channel.name)
                found["channel_arn"].append(channel.arn)
                found["version"].append(channel.version)
            if store.media is not None:
                for log in store.media.logs.values():
                    found["fragment"].extend(f.number for f in log.fragments)
    return {kind: list(dict.fromkeys(values)) for kind, values in found.items()}


def resolve(value: Any, pool: Dict[str, List[Any]]) -> Any:
    """``value`` with every :class:`Ref` replaced by an identifier from ``pool``."""
    if isinstance(value, Ref):
        options = pool[value.kind]
        return options[value.index % len(options)]
    if isinstance(value, dict):
        return {resolve(k, pool): resolve(v, pool) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, pool) for v in value]
    return value


# -- calls -------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """What a call did: ``code`` is None on success."""

    code: Optional[str]
    message: str
    status: int


#: (operation, outcome code or "ok") -> calls; written to the fuzz report.
STATS: Counter[Tuple[str, str]] = Counter()


class Harness:
    """One active mock with two accounts, real clients for every service, and the checks."""

    def __init__(self) -> None:
        self.mock = KinesisVideoMock(accounts=ACCOUNTS, seed=7)
        self.session = boto3.session.Session()
        self._clients: Dict[Tuple[str, str, str, str], Any] = {}
        self._endpoints: Dict[Tuple[str, str, str], str] = {}

    def __enter__(self) -> Harness:
        self.mock.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mock.stop()

    def client(self, service: str, access_key: str, region: str, mode: str) -> Any:
        """A client of ``service``; data-plane ones use the GetDataEndpoint URL in ``data``
        mode and the default (control-plane) host in ``control`` mode."""
        key = (service, access_key, region, mode)
        found = self._clients.get(key)
        if found is None:
            endpoint = None
            if mode == "data" and service != "kinesisvideo":
                endpoint = self._data_endpoint(service, access_key, region)
            found = self.session.client(
                service,
                region_name=region,
                endpoint_url=endpoint,
                aws_access_key_id=access_key,
                aws_secret_access_key="fuzz-secret",
                config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
            )
            self._clients[key] = found
        return found

    def _data_endpoint(self, service: str, access_key: str, region: str) -> str:
        key = (service, access_key, region)
        found = self._endpoints.get(key)
        if found is None:
            control = self.client("kinesisvideo", access_key, region, "data")
            protocol = CHANNEL_ENDPOINT_PROTOCOL.get(service)
            if protocol is None:
                api = DATA_ENDPOINT_API.get(service, "GET_MEDIA")
                found = control.get_data_endpoint(StreamName="cam", APIName=api)["DataEndpoint"]
            else:  # signaling and WebRTC storage: the channel's own endpoint
                arn = control.describe_signaling_channel(ChannelName="chan")["ChannelInfo"][
                    "ChannelARN"
                ]
                found = control.get_signaling_channel_endpoint(
                    ChannelARN=arn,
                    SingleMasterChannelEndpointConfiguration={
                        "Protocols": [protocol],
                        "Role": "MASTER",
                    },
                )["ResourceEndpointList"][0]["ResourceEndpoint"]
            self._endpoints[key] = found
        return found

    def prepare(self, world: World) -> Dict[str, List[Any]]:
        """Seed a fresh world; returns the :class:`Ref` pools."""
        seed_world(self.mock, world)
        return pools(self.mock)

    def call(
        self,
        service: str,
        operation: str,
        params: Dict[str, Any],
        access_key: str,
        region: str,
        mode: str = "data",
    ) -> Outcome:
        """Make one call through a real client and check invariants 1 and 2."""
        client = self.client(service, access_key, region, mode)
        before = snapshot(self.mock)
        method = getattr(client, xform_name(operation))
        refused = (
            mode == "control"
            and self.mock.require_data_endpoint
            and service in _endpoints.DATA_PLANE_SERVICES
        )
        try:
            result = method(**params)
            for value in result.values():
                if hasattr(value, "read"):
                    value.read()  # a streaming payload fails only when read
        except ClientError as e:
            error = e.response["Error"]
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
            outcome = Outcome(error["Code"], error.get("Message", ""), status)
            if refused:
                wrong = _endpoints.wrong_endpoint(
                    service, operation, f"https://kinesisvideo.{region}.amazonaws.com/"
                )
                assert wrong is not None
                assert (outcome.code, status) == (wrong.code, wrong.status), outcome
            else:
                modeled = _model.modeled_errors(service, operation)
                assert outcome.code in modeled, (
                    f"{operation} answered {outcome.code}, not among {sorted(modeled)}: {outcome}"
                )
                declared = _model.errors_of(service)[outcome.code].status
                assert status == declared, f"{operation}: {outcome} but the shape says {declared}"
            after = snapshot(self.mock)
            assert before == after, f"failed {operation} changed state: {diff(before, after)}"
            STATS[(f"{service}.{operation}", outcome.code)] += 1
            return outcome
        assert not refused, f"{operation} on the control-plane host should be refused"
        if is_read_only(operation):
            after = snapshot(self.mock)
            assert before == after, f"{operation} changed state: {diff(before, after)}"
        STATS[(f"{service}.{operation}", "ok")] += 1
        return Outcome(None, "", result["ResponseMetadata"]["HTTPStatusCode"])


def write_report(path: Optional[str] = None) -> Optional[Path]:
    """Write the call counts (by operation and outcome) as JSON; returns the file."""
    target = path or os.environ.get("KVSMOCK_FUZZ_REPORT")
    if not target:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    file = Path(target if worker is None else f"{target}.{worker}")
    file.parent.mkdir(parents=True, exist_ok=True)
    existing: Dict[str, Dict[str, int]] = {}
    if file.exists():
        existing = json.loads(file.read_text())
    for (operation, outcome), count in STATS.items():
        row = existing.setdefault(operation, {})
        row[outcome] = row.get(outcome, 0) + count
    file.write_text(json.dumps(existing, indent=1, sort_keys=True))
    STATS.clear()
    return file
