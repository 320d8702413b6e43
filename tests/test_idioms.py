"""Tests written the way users already write them (issue 13): the bare decorator on functions,
generator fixtures and classes, and the region botocore would pick for the helpers."""

from __future__ import annotations

import asyncio
import inspect
import unittest
from typing import Any, Iterator, List

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock, ServiceError, _intercept, mock_kinesisvideo
from kvsmock.mock import OPTIONS
from kvsmock.state import Store

H264 = __import__("pathlib").Path(__file__).parent / "data" / "h264_320x240_10fps_6s_gop2s.mkv"


@pytest.fixture(autouse=True)
def _no_region_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/kvsmock-config")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


# -- the file a user writes --------------------------------------------------------------------

USER_TEST_FILE = """
import unittest

import boto3
import pytest

from kvsmock import mock_kinesisvideo


@mock_kinesisvideo
def test_bare_function():
    client = boto3.client("kinesisvideo", region_name="us-east-1")
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    assert arn.startswith("arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/")


@mock_kinesisvideo()
def test_called_without_options():
    client = boto3.client("kinesisvideo", region_name="us-east-1")
    assert client.list_streams()["StreamInfoList"] == []


@mock_kinesisvideo(account_id="111111111111")
def test_called_with_options():
    client = boto3.client("kinesisvideo", region_name="eu-west-1")
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    assert arn.startswith("arn:aws:kinesisvideo:eu-west-1:111111111111:stream/cam/")


@pytest.fixture
@mock_kinesisvideo
def kvs():
    yield boto3.client("kinesisvideo", region_name="us-east-1")


def test_decorated_generator_fixture(kvs):
    kvs.create_stream(StreamName="from-fixture")
    names = [s["StreamName"] for s in kvs.list_streams()["StreamInfoList"]]
    assert names == ["from-fixture"]


@mock_kinesisvideo
class TestCase(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("kinesisvideo", region_name="us-east-1")

    def test_one(self):
        self.client.create_stream(StreamName="same")

    def test_two(self):
        self.client.create_stream(StreamName="same")  # fresh state per test


@mock_kinesisvideo
class TestPlain:
    def test_one(self):
        boto3.client("kinesisvideo", region_name="us-east-1").create_stream(StreamName="same")

    def test_two(self):
        boto3.client("kinesisvideo", region_name="us-east-1").create_stream(StreamName="same")


def test_nothing_leaks():
    with pytest.raises(Exception):
        boto3.client(
            "kinesisvideo", region_name="us-east-1", endpoint_url="http://127.0.0.1:9"
        ).list_streams()
"""


def test_a_users_test_file_passes_unchanged(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST_FILE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=9)


# -- the decorator's forms ---------------------------------------------------------------------


def _stream_names() -> List[str]:
    client = boto3.client("kinesisvideo", region_name="us-east-1")
    return [s["StreamName"] for s in client.list_streams()["StreamInfoList"]]


def test_bare_decorator_keeps_the_function_and_gives_fresh_state() -> None:
    @mock_kinesisvideo
    def body(name: str) -> List[str]:
        boto3.client("kinesisvideo", region_name="us-east-1").create_stream(StreamName=name)
        return _stream_names()

    assert body.__name__ == "body"
    assert inspect.signature(body) == inspect.signature(body.__wrapped__)  # type: ignore[attr-defined]
    assert body("a") == ["a"]
    assert body("b") == ["b"]
    assert _intercept.active_mock() is None


def test_options_and_a_target_together_are_refused() -> None:
    with pytest.raises(TypeError, match="not both"):
        mock_kinesisvideo(lambda: None, seed=7)  # type: ignore[call-overload]


def test_unknown_option_lists_the_valid_ones() -> None:
    with pytest.raises(TypeError) as err:
        mock_kinesisvideo(acount_id="111111111111")
    assert str(err.value) == (
        "mock_kinesisvideo() got unknown option(s) acount_id; the options are: account_id, "
        "accounts, seed, transition_seconds, strict, allow_network, stream_limit, "
        "channel_limit, require_data_endpoint, quotas"
    )


def test_options_name_every_constructor_parameter() -> None:
    assert tuple(inspect.signature(KinesisVideoMock).parameters) == OPTIONS


def test_generator_function_is_active_until_exhausted_or_closed() -> None:
    mock = mock_kinesisvideo()

    @mock
    def producer() -> Iterator[int]:
        yield 1
        yield 2

    gen = producer()
    assert not mock.active  # nothing runs before the first next()
    assert next(gen) == 1
    assert _intercept.active_mock() is mock
    assert list(gen) == [2]
    assert not mock.active
    gen = producer()
    next(gen)
    gen.close()
    assert not mock.active


def test_async_function_and_async_generator() -> None:
    mock = mock_kinesisvideo()

    @mock
    async def coroutine() -> bool:
        await asyncio.sleep(0)
        return _intercept.active_mock() is mock

    @mock
    async def agen() -> Any:
        yield _intercept.active_mock() is mock
        yield _intercept.active_mock() is mock

    async def collect() -> List[bool]:
        return [item async for item in agen()]

    assert asyncio.run(coroutine()) is True
    assert asyncio.run(collect()) == [True, True]
    assert not mock.active


def test_testcase_setup_error_still_stops() -> None:
    @mock_kinesisvideo
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp failed")

        def test_x(self) -> None:
            raise AssertionError("not reached")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert len(result.errors) == 1
    assert _intercept.active_mock() is None


# -- one rule for account and region -------------------------------------------------------------


def test_helpers_follow_aws_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_kinesisvideo() as mock:
        client = boto3.client("kinesisvideo")
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=1)["StreamARN"]
        assert arn.startswith("arn:aws:kinesisvideo:eu-west-1:123456789012:stream/cam/")
        assert [s.name for s in mock.state().streams] == ["cam"]
        acks = mock.put_media(StreamName="cam", Payload=H264.read_bytes())
        assert [a["EventType"] for a in acks].count("PERSISTED") == 3
        assert [s.region for s in mock.stores()] == ["eu-west-1"]


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_the_region_is_the_one_a_new_client_gets(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    # Whichever of the two this botocore reads (and which wins), the helpers agree with it.
    monkeypatch.setenv(variable, "ap-south-1")
    with mock_kinesisvideo() as mock:
        expected = botocore.session.Session().get_config_variable("region") or "us-east-1"
        if variable == "AWS_DEFAULT_REGION":
            assert expected == boto3.client("kinesisvideo").meta.region_name == "ap-south-1"
        assert mock.state().region == expected
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        assert mock.state().region == expected  # through botocore's own chain this time


def test_profile_region_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = ca-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "dev")
    with mock_kinesisvideo() as mock:
        assert mock.state().region == "ca-central-1"


def test_us_east_1_only_when_nothing_is_set() -> None:
    with mock_kinesisvideo() as mock:
        assert mock.state().region == "us-east-1"


def test_put_media_by_arn_finds_the_stream_in_any_region() -> None:
    with mock_kinesisvideo() as mock:
        client = boto3.client("kinesisvideo", region_name="ap-northeast-1")
        arn = client.create_stream(StreamName="cam", DataRetentionInHours=1)["StreamARN"]
        acks = mock.put_media(StreamARN=arn, Payload=H264.read_bytes())
        assert [a["EventType"] for a in acks].count("PERSISTED") == 3
        with pytest.raises(ServiceError) as err:  # the name alone looks in us-east-1
            mock.put_media(StreamName="cam", Payload=H264.read_bytes())
        assert err.value.code == "ResourceNotFoundException"
        assert [s.region for s in mock.stores()] == ["ap-northeast-1"]  # none was created


def test_state_of_an_arn_is_its_account_and_region() -> None:
    with mock_kinesisvideo(accounts={"AKIAOTHER00000000000": "210987654321"}) as mock:
        client = boto3.client(
            "kinesisvideo",
            region_name="eu-central-1",
            aws_access_key_id="AKIAOTHER00000000000",
            aws_secret_access_key="x",
        )
        arn = client.create_stream(StreamName="cam")["StreamARN"]
        store = mock.state(arn)
        assert (store.account_id, store.region) == ("210987654321", "eu-central-1")
        assert [s.name for s in store.streams] == ["cam"]


def test_a_region_in_the_account_position_is_refused_without_a_store() -> None:
    mock = mock_kinesisvideo()
    with pytest.raises(ValueError) as err:
        mock.state("eu-west-1")
    assert str(err.value) == (
        "account_id must be a 12-digit AWS account id such as '123456789012', not "
        "'eu-west-1' ('eu-west-1' is a region: pass region='eu-west-1')"
    )
    with pytest.raises(TypeError):
        mock.state("123456789012", "eu-west-1")  # type: ignore[misc]
    assert mock.stores() == []


def test_unknown_region_suggests_the_closest_known_one() -> None:
    mock = mock_kinesisvideo()
    for call in (
        lambda: mock.state(region="eu-west1"),
        lambda: mock.stores("eu-west1"),
        lambda: mock.put_media(StreamName="cam", Payload=b"", region="eu-west1"),
    ):
        with pytest.raises(ValueError) as err:
            call()
        assert str(err.value) == (
            "unknown AWS region 'eu-west1': a region is a name from botocore's endpoint data "
            "such as 'us-east-1' or 'eu-west-1'; did you mean 'eu-west-1'?"
        )
    assert mock.stores() == []


def test_malformed_arn_names_the_form() -> None:
    with pytest.raises(ValueError, match=r"arn:aws:kinesisvideo:<region>:<12-digit account id>"):
        mock_kinesisvideo().put_media(StreamARN="arn:aws:s3:::bucket", Payload=b"")


# -- errors and reprs that name the fix ----------------------------------------------------------


@pytest.mark.parametrize("payload", [42, "text", None, 1.5])
def test_wrong_payload_type_lists_the_accepted_types(payload: Any) -> None:
    with pytest.raises(TypeError) as err:
        mock_kinesisvideo().put_media(StreamName="cam", Payload=payload)
    assert str(err.value) == (
        "Payload must be Matroska (MKV) data: bytes, bytearray or memoryview, a file opened in "
        f"binary mode ('rb'), or an iterable of bytes; got {type(payload).__name__}"
    )


def test_blocked_request_message_names_moto_and_patch_client() -> None:
    with mock_kinesisvideo(), pytest.raises(Exception) as err:
        boto3.client("s3", region_name="us-east-1").list_buckets()
    message = str(err.value)
    assert "mock_aws" in message
    assert "kvsmock.patch_client(client)" in message
    assert "allow_network" in message


def test_repr_of_mock_and_store() -> None:
    mock = mock_kinesisvideo(seed=7)
    assert repr(mock) == (
        "<KinesisVideoMock inactive account_id='123456789012' seed=7: 0 store(s) (none), "
        "0 stream(s), 0 signaling channel(s)>"
    )
    with mock:
        client = boto3.client("kinesisvideo", region_name="eu-west-1")
        client.create_stream(StreamName="a")
        client.create_stream(StreamName="b")
        client.create_signaling_channel(ChannelName="c")
        assert repr(mock) == (
            "<KinesisVideoMock active account_id='123456789012' seed=7: 1 store(s) "
            "(123456789012/eu-west-1), 2 stream(s), 1 signaling channel(s)>"
        )
        store: Store = mock.state(region="eu-west-1")
        assert repr(store) == (
            "<Store account_id='123456789012' region='eu-west-1': 2 stream(s), "
            "1 signaling channel(s)>"
        )


def test_client_error_is_still_a_client_error() -> None:
    with mock_kinesisvideo(), pytest.raises(ClientError):
        boto3.client("kinesisvideo", region_name="us-east-1").describe_stream(StreamName="x")


# -- requests-mock users ----------------------------------------------------------------------


def test_requests_mock_with_real_http_lets_kvsmock_answer_putmedia() -> None:
    requests_mock = pytest.importorskip("requests_mock")
    import requests

    headers = {
        "x-amzn-stream-name": "cam",
        "x-amzn-fragment-timecode-type": "RELATIVE",
        "x-amzn-producer-start-timestamp": "1767225600.250",
    }
    with mock_kinesisvideo():
        control = boto3.client("kinesisvideo", region_name="us-east-1")
        control.create_stream(StreamName="cam", DataRetentionInHours=1)
        url = control.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"]
        with requests_mock.Mocker(real_http=True) as mocker:
            mocker.get("https://example.invalid/mine", text="mine")
            assert requests.get("https://example.invalid/mine", timeout=5).text == "mine"
            reply = requests.post(
                url + "/putMedia", data=H264.read_bytes(), headers=headers, timeout=5
            )
        assert reply.status_code == 200
        events = [line for line in reply.text.splitlines() if '"PERSISTED"' in line]
        assert len(events) == 3
        with requests_mock.Mocker() as mocker, pytest.raises(requests_mock.NoMockAddress):
            requests.post(url + "/putMedia", data=b"", headers=headers, timeout=5)
