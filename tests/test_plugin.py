"""The pytest plugin (``pytest11`` entry point): the ``kvsmock`` fixture and marker."""

from __future__ import annotations

import pytest

INI = """
[pytest]
addopts = -p no:cacheprovider --strict-markers --strict-config
filterwarnings =
    error
"""

HELPERS = """
import os

import boto3
import pytest

from kvsmock import KinesisVideoMock, _intercept
from kvsmock.mock import FAKE_CREDENTIALS


def kvs():
    return boto3.client("kinesisvideo", region_name="us-east-1")


def names(client):
    return [s["StreamName"] for s in client.list_streams()["StreamInfoList"]]
"""


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makepyfile(helpers=HELPERS)
    return pytester


def test_plugin_is_registered_through_the_entry_point(inner: pytest.Pytester) -> None:
    result = inner.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.kvsmock(**options):*mock_kinesisvideo*"])
    fixtures = inner.runpytest("--fixtures")
    fixtures.stdout.fnmatch_lines(["kvsmock*", "*active*KinesisVideoMock*"])


def test_fixture_gives_an_active_mock_and_fresh_state_per_test(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(
        test_fixture="""
        from helpers import *
        from kvsmock import _intercept


        def test_first(kvsmock):
            assert isinstance(kvsmock, KinesisVideoMock)
            assert kvsmock.active
            assert _intercept.active_mock() is kvsmock
            assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
            client = kvs()
            client.create_stream(StreamName="shared-name")
            assert names(client) == ["shared-name"]
            assert [s.name for s in kvsmock.state().streams] == ["shared-name"]


        def test_second(kvsmock):
            client = kvs()
            assert names(client) == []
            client.create_stream(StreamName="shared-name")


        def test_fails_inside_the_mock(kvsmock):
            kvs().create_stream(StreamName="x")
            raise AssertionError("deliberate")


        def test_no_mock_afterwards():
            assert _intercept.active_mock() is None
            assert os.environ.get("AWS_ACCESS_KEY_ID") == "AKIAOUTER"
            assert "AWS_SESSION_TOKEN" not in os.environ
        """
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOUTER")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    result = inner.runpytest()
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*test_fails_inside_the_mock*deliberate*"])


def test_marker_passes_options_to_the_fixture(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_marker="""
        from helpers import *
        from kvsmock import _intercept


        @pytest.mark.kvsmock(account_id="111111111111", seed=42, transition_seconds=5)
        def test_options(kvsmock):
            assert kvsmock.account_id == "111111111111"
            assert kvsmock.seed == 42
            assert kvsmock.transition_seconds == 5.0
            arn = kvs().create_stream(StreamName="cam")["StreamARN"]
            assert arn.startswith("arn:aws:kinesisvideo:us-east-1:111111111111:stream/cam/")
            status = kvs().describe_stream(StreamARN=arn)["StreamInfo"]["Status"]
            assert status == "CREATING"


        @pytest.mark.kvsmock(account_id="222222222222")
        class TestOnAClass:
            def test_method(self, kvsmock):
                assert kvsmock.account_id == "222222222222"


        def test_default_options(kvsmock):
            assert kvsmock.account_id == "123456789012"
            arn = kvs().create_stream(StreamName="cam")["StreamARN"]
            assert ":123456789012:stream/cam/" in arn
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=3)


def test_marker_without_the_fixture_still_activates_a_mock(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_marker_only="""
        from helpers import *
        from kvsmock import _intercept


        @pytest.mark.kvsmock(account_id="333333333333")
        def test_marked():
            mock = _intercept.active_mock()
            assert mock is not None and mock.account_id == "333333333333"
            arn = kvs().create_stream(StreamName="m")["StreamARN"]
            assert ":333333333333:stream/m/" in arn


        @pytest.mark.kvsmock()
        def test_marked_again_is_fresh():
            assert names(kvs()) == []


        def test_unmarked():
            assert _intercept.active_mock() is None
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=3)


def test_invalid_marker_options_error_clearly(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_bad_marker="""
        from helpers import *
        from kvsmock import _intercept


        @pytest.mark.kvsmock(acount_id="111111111111")
        def test_typo(kvsmock):
            pass


        @pytest.mark.kvsmock("111111111111")
        def test_positional():
            pass


        def test_next_is_clean():
            assert _intercept.active_mock() is None
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_typo*",
            "*TypeError: @pytest.mark.kvsmock got unknown option(s) acount_id; the options are: "
            "account_id, accounts, seed, transition_seconds, strict, allow_network, "
            "stream_limit, channel_limit, require_data_endpoint*",
            "*ERROR at setup of test_positional*",
            "*TypeError*@pytest.mark.kvsmock takes keyword options only*",
        ]
    )


def test_fixture_works_under_a_subprocess_run(inner: pytest.Pytester) -> None:
    """The entry point also loads in a fresh interpreter (as CI runs it)."""
    inner.makepyfile(
        test_sub="""
        from helpers import *
        from kvsmock import _intercept


        @pytest.mark.kvsmock(account_id="444444444444")
        def test_sub(kvsmock):
            assert ":444444444444:" in kvs().create_stream(StreamName="s")["StreamARN"]
        """
    )
    result = inner.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_kvsmock_options_fixture_sets_options_and_the_marker_wins(inner: pytest.Pytester) -> None:
    inner.makeconftest(
        """
        import pytest


        @pytest.fixture
        def kvsmock_options():
            return {"account_id": "111111111111", "seed": 3}
        """
    )
    inner.makepyfile(
        test_options="""
        from helpers import *


        def test_from_the_fixture(kvsmock):
            assert (kvsmock.account_id, kvsmock.seed) == ("111111111111", 3)
            arn = kvs().create_stream(StreamName="cam")["StreamARN"]
            assert ":111111111111:stream/cam/" in arn


        @pytest.mark.kvsmock(account_id="222222222222")
        def test_marker_wins(kvsmock):
            assert (kvsmock.account_id, kvsmock.seed) == ("222222222222", 3)


        @pytest.mark.kvsmock(transition_seconds=5, stream_limit=1, channel_limit=2,
                             strict=False, allow_network=["*.example.invalid"],
                             require_data_endpoint=False, accounts={"AKIAX": "333333333333"})
        def test_every_option(kvsmock):
            assert kvsmock.transition_seconds == 5.0
            assert (kvsmock.stream_limit, kvsmock.channel_limit) == (1, 2)
            assert kvsmock.strict is False and kvsmock.require_data_endpoint is False
            assert kvsmock.allow_network == ("*.example.invalid",)
            assert kvsmock.accounts == {"AKIAX": "333333333333"}
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=3)


def test_unknown_option_in_the_options_fixture_lists_the_valid_ones(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(
        test_bad_fixture="""
        from helpers import *


        @pytest.fixture
        def kvsmock_options():
            return {"region": "eu-west-1"}


        def test_x(kvsmock):
            pass
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: the kvsmock_options fixture got unknown option(s) region; the options are:*"]
    )
