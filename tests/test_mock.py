"""The public mock object: decorator, context manager, start/stop, state, lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
import unittest
from pathlib import Path
from typing import Any, Dict, List, Optional

import boto3
import botocore.handlers
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.httpsession import URLLib3Session

import kvsmock
from kvsmock import KinesisVideoMock, _dispatch, _intercept, mock_kinesisvideo, patch_client
from kvsmock.mock import FAKE_CREDENTIALS

REGION = "us-east-1"
CRED_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def kvs(region: str = REGION) -> Any:
    return boto3.client("kinesisvideo", region_name=region)


def stream_names(client: Any) -> List[str]:
    return [s["StreamName"] for s in client.list_streams()["StreamInfoList"]]


@pytest.fixture(autouse=True)
def _no_mock_leaks() -> Any:
    """Every test here must leave no active mock and botocore's send untouched."""
    send = URLLib3Session.__dict__["send"]
    assert _intercept.active_mock() is None
    yield
    assert _intercept.active_mock() is None
    assert URLLib3Session.__dict__["send"] is send


# -- decorator -------------------------------------------------------------------------------


def test_function_decorator_runs_inside_mock_with_fresh_state_per_call() -> None:
    mock = mock_kinesisvideo()
    seen: List[Any] = []

    @mock
    def body(name: str) -> List[str]:
        seen.append(_intercept.active_mock())
        client = kvs()
        client.create_stream(StreamName="same")  # ResourceInUse if state leaked
        client.create_stream(StreamName=name)
        return sorted(stream_names(client))

    assert body("one") == ["one", "same"]
    assert body("two") == ["same", "two"]
    assert seen == [mock, mock]
    assert not mock.active
    assert body.__name__ == "body"


def test_function_decorator_stops_and_restores_when_body_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERKEY")
    mock = mock_kinesisvideo()

    @mock
    def boom() -> None:
        assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        boom()
    assert not mock.active
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAUSERKEY"


_module_mock = mock_kinesisvideo(account_id="666666666666")


@_module_mock
def test_decorated_pytest_test_still_gets_its_fixtures(tmp_path: Path) -> None:
    assert tmp_path.is_dir()
    assert _intercept.active_mock() is _module_mock
    arn = kvs().create_stream(StreamName="fx")["StreamARN"]
    assert arn.startswith("arn:aws:kinesisvideo:us-east-1:666666666666:stream/fx/")


def test_async_function_decorator() -> None:
    mock = mock_kinesisvideo()

    @mock
    async def body(name: str) -> Dict[str, Any]:
        await asyncio.sleep(0)
        assert _intercept.active_mock() is mock
        client = kvs()
        client.create_stream(StreamName=name)
        return {"names": stream_names(client)}

    assert asyncio.iscoroutinefunction(body)
    assert asyncio.run(body("a")) == {"names": ["a"]}
    assert not mock.active
    # A second run starts from empty state again.
    assert asyncio.run(body("b")) == {"names": ["b"]}


def test_unittest_testcase_class_fresh_state_per_method() -> None:
    events: List[str] = []
    mock = mock_kinesisvideo()

    @mock
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            # setUp already runs inside the mock: an API call here is answered.
            events.append(f"setUp active={_intercept.active_mock() is mock}")
            self.client = kvs()
            self.client.create_stream(StreamName="from-setup")

        def test_a(self) -> None:
            self.client.create_stream(StreamName="only-a")
            events.append("a:" + ",".join(sorted(stream_names(self.client))))

        def test_b(self) -> None:
            self.client.create_stream(StreamName="only-b")
            events.append("b:" + ",".join(sorted(stream_names(self.client))))

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.errors == []
    assert result.failures == []
    assert result.testsRun == 2
    assert events == [
        "setUp active=True",
        "a:from-setup,only-a",
        "setUp active=True",
        "b:from-setup,only-b",
    ]
    assert not mock.active


def test_unittest_testcase_mock_stops_when_setup_fails() -> None:
    mock = mock_kinesisvideo()

    @mock
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp failed")

        def test_nothing(self) -> None:
            raise AssertionError("not reached")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert len(result.errors) == 1
    assert "setUp failed" in result.errors[0][1]
    assert not mock.active


def test_plain_class_decorator_wraps_test_methods_only() -> None:
    mock = mock_kinesisvideo()

    @mock
    class Tests:
        def test_create(self) -> List[str]:
            client = kvs()
            client.create_stream(StreamName="x")
            return stream_names(client)

        def helper(self) -> Optional[Any]:
            return _intercept.active_mock()

    tests = Tests()
    assert tests.test_create() == ["x"]
    assert tests.test_create() == ["x"]  # fresh state: no ResourceInUseException
    assert not mock.active
    assert tests.helper() is None  # non-test methods are not wrapped


# -- context manager, start/stop, nesting, reset ----------------------------------------------


def test_context_manager_returns_the_mock() -> None:
    mock = mock_kinesisvideo(account_id="111111111111")
    with mock as entered:
        assert entered is mock
        assert mock.active
        arn = kvs().create_stream(StreamName="cm")["StreamARN"]
    assert not mock.active
    assert arn.startswith("arn:aws:kinesisvideo:us-east-1:111111111111:stream/cm/")
    # State survives stop; it belongs to the mock instance.
    assert [s.name for s in mock.state(region=REGION).streams] == ["cm"]


def test_start_stop_is_reentrant() -> None:
    mock = mock_kinesisvideo()
    assert mock.start() is mock
    mock.start()
    mock.stop()
    assert mock.active
    assert _intercept.active_mock() is mock
    kvs().create_stream(StreamName="still-active")
    mock.stop()
    assert not mock.active
    assert _intercept.active_mock() is None
    mock.stop()  # one stop too many is harmless
    assert not mock.active


def test_nested_mocks_innermost_answers_outer_untouched() -> None:
    outer = mock_kinesisvideo()
    inner = mock_kinesisvideo(account_id="222222222222")
    with outer:
        kvs().create_stream(StreamName="outer-stream")
        with inner:
            assert _intercept.active_mock() is inner
            client = kvs()
            assert stream_names(client) == []
            arn = client.create_stream(StreamName="inner-stream")["StreamARN"]
            assert ":222222222222:" in arn
        assert _intercept.active_mock() is outer
        assert stream_names(kvs()) == ["outer-stream"]
    assert [s.name for s in outer.state().streams] == ["outer-stream"]
    assert [s.name for s in inner.state("222222222222").streams] == ["inner-stream"]


def test_stop_out_of_order_keeps_the_other_mock_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERKEY")
    first, second = mock_kinesisvideo(), mock_kinesisvideo()
    first.start()
    second.start()
    first.stop()
    assert _intercept.active_mock() is second
    assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    kvs().create_stream(StreamName="s")
    second.stop()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAUSERKEY"
    assert [s.name for s in second.state().streams] == ["s"]
    assert first.state().streams == []


def test_reset_forgets_state_and_reseeds() -> None:
    with mock_kinesisvideo(seed=3) as mock:
        client = kvs()
        arn = client.create_stream(StreamName="a")["StreamARN"]
        version = client.describe_stream(StreamARN=arn)["StreamInfo"]["Version"]
        kvs("eu-west-1").create_stream(StreamName="b")
        mock.reset()
        assert stream_names(client) == []
        assert stream_names(kvs("eu-west-1")) == []
        mock.reset()
        arn2 = client.create_stream(StreamName="a")["StreamARN"]
        assert client.describe_stream(StreamARN=arn2)["StreamInfo"]["Version"] == version


# -- environment and botocore are left exactly as found ---------------------------------------


@pytest.mark.parametrize(
    "before",
    [
        {
            "AWS_ACCESS_KEY_ID": "AKIAUSER",
            "AWS_SECRET_ACCESS_KEY": "s3cr3t",
            "AWS_SESSION_TOKEN": "tok",
        },
        {"AWS_ACCESS_KEY_ID": "AKIAUSER", "AWS_SECRET_ACCESS_KEY": "s3cr3t"},
        {"AWS_SESSION_TOKEN": ""},
        {},
    ],
    ids=["all-set", "no-token", "empty-token", "none-set"],
)
@pytest.mark.parametrize("raises", [False, True], ids=["ok", "raises"])
def test_environment_restored_exactly(
    monkeypatch: pytest.MonkeyPatch, before: Dict[str, str], raises: bool
) -> None:
    for var in CRED_VARS:
        monkeypatch.delenv(var, raising=False)
    for var, value in before.items():
        monkeypatch.setenv(var, value)
    snapshot = dict(os.environ)

    expectation: Any = pytest.raises(RuntimeError) if raises else contextlib.nullcontext()
    with expectation, mock_kinesisvideo():
        assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
        assert "AWS_SESSION_TOKEN" not in os.environ  # a real token never pairs with the fake key
        if raises:
            raise RuntimeError("body failed")
    assert dict(os.environ) == snapshot
    for var in CRED_VARS:
        assert os.environ.get(var) == before.get(var)


def test_urllib3_send_is_guarded_while_active_and_restored_after() -> None:
    original = URLLib3Session.__dict__["send"]
    with mock_kinesisvideo():
        guarded = URLLib3Session.__dict__["send"]
        assert guarded is not original
        assert guarded.__name__ == "guarded_send"
        with mock_kinesisvideo():
            assert URLLib3Session.__dict__["send"] is guarded
        assert URLLib3Session.__dict__["send"] is guarded
    assert URLLib3Session.__dict__["send"] is original
    with pytest.raises(ValueError), mock_kinesisvideo():
        raise ValueError
    assert URLLib3Session.__dict__["send"] is original


def test_builtin_handlers_unchanged_by_start_stop() -> None:
    before = list(botocore.handlers.BUILTIN_HANDLERS)
    ours = [h for h in before if h[1] is _intercept._before_send]
    assert [h[0] for h in ours] == [
        "before-send.kinesis-video",
        "before-send.kinesis-video-media",
        "before-send.kinesis-video-archived-media",
        "before-send.kinesis-video-signaling",
        "before-send.kinesis-video-webrtc-storage",
    ]
    mock = mock_kinesisvideo()
    mock.start()
    assert before == botocore.handlers.BUILTIN_HANDLERS
    mock.stop()
    assert before == botocore.handlers.BUILTIN_HANDLERS


def test_no_handler_registered_twice_on_a_new_session() -> None:
    session = botocore.session.Session()
    found = session.get_component("event_emitter")._emitter._handlers.prefix_search(
        "before-send.kinesis-video.CreateStream"
    )
    assert list(found).count(_intercept._before_send) == 1


# -- ids -------------------------------------------------------------------------------------


def _run_ids(seed: Optional[int]) -> List[str]:
    with mock_kinesisvideo(seed=seed):
        client = kvs()
        created = client.create_stream(StreamName="seeded")
        info = client.describe_stream(StreamARN=created["StreamARN"])["StreamInfo"]
        put = client.get_data_endpoint(StreamARN=created["StreamARN"], APIName="PUT_MEDIA")
        hls = client.get_data_endpoint(
            StreamARN=created["StreamARN"], APIName="GET_HLS_STREAMING_SESSION_URL"
        )
        return [
            created["ResponseMetadata"]["RequestId"],
            info["Version"],
            put["DataEndpoint"],
            hls["DataEndpoint"],
        ]


def test_seed_makes_ids_reproducible() -> None:
    first = _run_ids(7)
    assert first == _run_ids(7)
    assert first != _run_ids(8)
    assert len(first[1]) == 20 and first[1].isalnum()
    assert first[2].startswith("https://s-") and first[3].startswith("https://b-")
    assert _run_ids(None) != _run_ids(None)


# -- clients and sessions that predate the import ----------------------------------------------


def _session_without_kvsmock() -> Any:
    """A botocore session whose emitter lacks kvsmock's handler, as one created before
    ``import kvsmock`` would."""
    session = botocore.session.Session()
    for event in _intercept._EVENTS:
        session.unregister(event, _intercept._before_send)
    found = session.get_component("event_emitter")._emitter._handlers.prefix_search(
        "before-send.kinesis-video.CreateStream"
    )
    assert _intercept._before_send not in found
    return session


def test_patch_client_routes_an_unpatched_client_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[str] = []
    real_dispatch = _dispatch.dispatch

    def counting(mock: Any, service_id: str, operation: str, *args: Any) -> Any:
        calls.append(operation)
        return real_dispatch(mock, service_id, operation, *args)

    monkeypatch.setattr(_dispatch, "dispatch", counting)
    with mock_kinesisvideo():
        session = _session_without_kvsmock()
        client = session.create_client("kinesisvideo", region_name=REGION)
        # Unpatched, nothing answers it and the guard refuses to send it.
        with pytest.raises(kvsmock.NetworkAccessBlocked):
            client.list_streams()
        assert calls == []

        assert patch_client(client) is client
        assert patch_client(client) is client
        arn = client.create_stream(StreamName="patched")["StreamARN"]
        assert calls == ["CreateStream"]
        assert arn.startswith("arn:aws:kinesisvideo:us-east-1:123456789012:stream/patched/")
        with pytest.raises(ClientError) as err:
            client.create_stream(StreamName="patched")
        assert err.value.response["Error"]["Code"] == "ResourceInUseException"
        assert calls == ["CreateStream", "CreateStream"]
        # The data-plane service ids are patched too.
        media = session.create_client(
            "kinesis-video-archived-media",
            region_name=REGION,
            endpoint_url="https://b-12345678.kinesisvideo.us-east-1.amazonaws.com",
        )
        patch_client(media)
        with pytest.raises((kvsmock.NotYetImplementedError, ClientError)):
            media.list_fragments(StreamName="patched")
        assert calls[-1] == "ListFragments"


_BEFORE_IMPORT_SCRIPT = textwrap.dedent(
    """
    import boto3

    early_client = boto3.client("kinesisvideo", region_name="us-east-1")
    default = boto3.DEFAULT_SESSION
    assert default is not None

    import kvsmock

    with kvsmock.mock_kinesisvideo() as mock:
        try:
            early_client.list_streams()
        except kvsmock.NetworkAccessBlocked:
            print("unpatched: blocked")
        kvsmock.patch_client(early_client)
        kvsmock.patch_client(early_client)
        print("created:", early_client.create_stream(StreamName="early")["StreamARN"])
        late = boto3.client("kinesisvideo", region_name="us-east-1")
        print("default session:", [s["StreamName"] for s in late.list_streams()["StreamInfoList"]])
        print("same session:", boto3.DEFAULT_SESSION is default)
    print("after stop same session:", boto3.DEFAULT_SESSION is default)
    """
)


def test_client_and_default_session_created_before_import() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="AKIAEARLY",
        AWS_SECRET_ACCESS_KEY="early-secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", _BEFORE_IMPORT_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "unpatched: blocked"
    assert lines[1].startswith("created: arn:aws:kinesisvideo:us-east-1:123456789012:stream/early/")
    assert lines[2:] == [
        "default session: ['early']",
        "same session: True",
        "after stop same session: True",
    ]


def test_default_session_created_before_start_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session(region_name="eu-central-1")
    session = boto3.DEFAULT_SESSION
    with mock_kinesisvideo() as mock:
        assert boto3.DEFAULT_SESSION is session
        arn = boto3.client("kinesisvideo").create_stream(StreamName="ds")["StreamARN"]
        assert arn.startswith("arn:aws:kinesisvideo:eu-central-1:")
        assert [s.name for s in mock.state(region="eu-central-1").streams] == ["ds"]
    assert boto3.DEFAULT_SESSION is session
    with mock_kinesisvideo():
        assert stream_names(boto3.client("kinesisvideo")) == []
    assert boto3.DEFAULT_SESSION is session


def test_default_session_does_not_keep_fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALUSER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session(region_name=REGION)
    session = boto3.DEFAULT_SESSION
    assert session is not None
    with mock_kinesisvideo():
        # The session resolves (and caches) credentials for the first time inside the mock.
        assert session.get_credentials().access_key == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
        stream_names(boto3.client("kinesisvideo"))
    assert boto3.DEFAULT_SESSION is session
    credentials = session.get_credentials()
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        "AKIAREALUSER",
        "real-secret",
        None,
    )


def test_a_second_threads_start_returns_only_when_the_mock_is_active(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two threads starting one mock (a decorated function run in two threads): the second
    # start() must not return while the first is still activating the mock, or its calls
    # would go out before the mock and its network guard are in place.
    mock = mock_kinesisvideo()
    real_push = _intercept.push
    activating = threading.Event()

    def slow_push(target: Any, on_first: Any) -> None:
        activating.set()
        time.sleep(0.2)
        real_push(target, on_first)

    monkeypatch.setattr(_intercept, "push", slow_push)
    seen: List[Any] = []

    def second() -> None:
        activating.wait()
        mock.start()
        seen.append((_intercept.active_mock() is mock, os.environ.get("AWS_ACCESS_KEY_ID")))

    thread = threading.Thread(target=second)
    thread.start()
    mock.start()
    thread.join()
    try:
        assert seen == [(True, FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"])]
    finally:
        mock.stop()
        mock.stop()
    assert _intercept.active_mock() is None
    assert not mock.active


def test_mock_kinesisvideo_returns_configured_instance() -> None:
    mock = mock_kinesisvideo(
        account_id="333333333333",
        accounts={"AKIAOTHER": "444444444444"},
        seed=5,
        transition_seconds=2,
        strict=False,
        allow_network=["*.example.invalid"],
        stream_limit=3,
    )
    assert isinstance(mock, KinesisVideoMock)
    assert (mock.account_id, mock.seed, mock.transition_seconds, mock.strict) == (
        "333333333333",
        5,
        2.0,
        False,
    )
    assert mock.allow_network == ("*.example.invalid",)
    assert mock.account_for("AKIAOTHER") == "444444444444"
    assert mock.account_for("AKIAUNKNOWN") == "333333333333"
    assert mock.account_for(None) == "333333333333"
    with pytest.raises(TypeError):
        mock_kinesisvideo(no_such_option=1)


def test_accounts_option_maps_access_keys_to_accounts() -> None:
    with mock_kinesisvideo(accounts={"AKIAOTHERACCOUNT": "555555555555"}) as mock:
        other = boto3.client(
            "kinesisvideo",
            region_name=REGION,
            aws_access_key_id="AKIAOTHERACCOUNT",
            aws_secret_access_key="x",
        )
        other.create_stream(StreamName="theirs")
        kvs().create_stream(StreamName="ours")
        assert stream_names(other) == ["theirs"]
        assert stream_names(kvs()) == ["ours"]
        assert [s.name for s in mock.state("555555555555").streams] == ["theirs"]


# -- a decorated call inside an active mock shares its state (new-user report) ----------------


def _names() -> List[str]:
    return [s["StreamName"] for s in kvs().list_streams()["StreamInfoList"]]


def test_decorated_call_inside_the_same_active_mock_keeps_its_state() -> None:
    mock = mock_kinesisvideo()

    @mock
    def inner() -> None:
        kvs().create_stream(StreamName="inner")

    @mock
    def outer() -> List[str]:
        kvs().create_stream(StreamName="outer")
        inner()
        return _names()

    @mock
    def add(name: str) -> None:
        kvs().create_stream(StreamName=name)

    assert outer() == ["inner", "outer"]
    with mock:  # a with block keeps the state it finds, and so do decorated calls inside
        add("with-block")
        assert _names() == ["inner", "outer", "with-block"]
    assert outer() == ["inner", "outer"]  # a new outermost call starts afresh


def test_decorated_coroutine_runs_at_once_share_one_state() -> None:
    @mock_kinesisvideo()
    async def job(name: str) -> List[str]:
        kvs().create_stream(StreamName=name)
        await asyncio.sleep(0.01)
        return _names()

    async def both() -> List[List[str]]:
        return list(await asyncio.gather(job("a"), job("b")))

    assert asyncio.run(both()) == [["a", "b"], ["a", "b"]]
    assert asyncio.run(job("c")) == ["c"]


# -- options are checked when the mock is made -----------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"account_id": "abc"}, ValueError, "account_id must be a 12-digit AWS account id"),
        ({"account_id": "1234567890123"}, ValueError, "12-digit"),
        ({"account_id": 123456789012}, ValueError, "12-digit"),
        ({"accounts": {"AKIAK": 5}}, ValueError, "accounts['AKIAK'] must be a 12-digit"),
        ({"transition_seconds": -1}, ValueError, "finite and at least 0"),
        ({"transition_seconds": float("nan")}, ValueError, "finite and at least 0"),
        ({"transition_seconds": float("inf")}, ValueError, "finite and at least 0"),
        ({"transition_seconds": 10**400}, ValueError, "timedelta's range"),
        ({"transition_seconds": 1e308}, ValueError, "timedelta's range"),
        ({"transition_seconds": 10**20}, ValueError, "finite and at least 0"),
        ({"transition_seconds": "5"}, TypeError, "must be a number of seconds"),
        ({"transition_seconds": None}, TypeError, "must be a number of seconds"),
        ({"stream_limit": "3"}, TypeError, "stream_limit must be an int"),
        ({"stream_limit": None}, TypeError, "stream_limit must be an int"),
        ({"channel_limit": -1}, ValueError, "channel_limit must be at least 0"),
    ],
)
def test_bad_options_are_refused_when_the_mock_is_made(
    options: Dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        mock_kinesisvideo(**options)


def test_a_single_allowed_host_is_one_pattern() -> None:
    assert mock_kinesisvideo(allow_network="*.example.com").allow_network == ("*.example.com",)
    assert mock_kinesisvideo(transition_seconds=2).transition_seconds == 2.0
