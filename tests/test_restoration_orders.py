"""Restoration in every order (issue 17, item 4), beyond the environment: ``requests``'
``HTTPAdapter.send`` and ``responses``, a default session made before ``import kvsmock``,
clients made before the first start, and moto in non-LIFO orders."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from kvsmock import mock_kinesisvideo

ROOT = Path(__file__).resolve().parent.parent

#: Every interleaving of two start/stop pairs: (first started, first stopped).
ORDERS = list(itertools.product(("kvsmock", "responses"), repeat=2))


@pytest.mark.parametrize(("started_first", "stopped_first"), ORDERS)
def test_responses_and_kvsmock_in_any_order_leave_the_adapter_as_it_was(
    started_first: str, stopped_first: str
) -> None:
    before = HTTPAdapter.__dict__["send"]
    kvs = mock_kinesisvideo()
    user = responses.RequestsMock(assert_all_requests_are_fired=False)
    user.add(responses.GET, "https://api.example.com/x", body="mine")
    mocks = {"kvsmock": kvs, "responses": user}
    second = "responses" if started_first == "kvsmock" else "kvsmock"
    mocks[started_first].start()
    mocks[second].start()
    assert requests.get("https://api.example.com/x", timeout=5).text == "mine"
    other = second if stopped_first == started_first else started_first
    mocks[stopped_first].stop()
    mocks[other].stop()
    # Looked up first: a hook left behind by responses' stop removes itself on lookup.
    assert HTTPAdapter.send is before
    assert HTTPAdapter.__dict__["send"] is before


def test_the_hook_left_behind_never_answers_and_is_gone_after_one_request(
    loopback: str,
) -> None:
    before = HTTPAdapter.__dict__["send"]
    kvs = mock_kinesisvideo().start()
    user = responses.RequestsMock(assert_all_requests_are_fired=False)
    user.add_passthru(loopback)
    user.start()
    kvs.stop()
    user.stop()
    # Used before anything looks the class up: the request goes where it went before.
    assert requests.get(loopback + "/after", timeout=5).text == "hello from loopback /after"
    assert HTTPAdapter.__dict__["send"] is before


# -- sessions and clients made before import or start (subprocesses: a fresh import) -------

_NO_CREDENTIALS = {
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _run(script: str, **env: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    clean.update(_NO_CREDENTIALS, PYTHONPATH=str(ROOT), **env)
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env=clean,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


_HANDLERS_OF = """
def handlers(session):
    # botocore's emitter, read privately here only to compare what is registered.
    trie = session.events._emitter._handlers
    return {
        event: list(trie.prefix_search(event))
        for event in ("before-send.kinesis-video.CreateStream",
                      "before-sign.kinesis-video.CreateStream")
    }
"""


def test_a_default_session_made_before_the_import_is_answered_then_clean() -> None:
    _run(
        _HANDLERS_OF
        + """
import sys
import boto3
boto3.setup_default_session(region_name="us-east-1", aws_access_key_id="AKIAUSERS00000000001",
                            aws_secret_access_key="user-secret")
session = boto3.DEFAULT_SESSION
before = handlers(session)
early = boto3.Session(region_name="us-east-1", aws_access_key_id="AKIAUSERS00000000002",
                      aws_secret_access_key="user-secret")
early_before = handlers(early)
assert "kvsmock" not in sys.modules
import kvsmock
for _ in range(2):  # twice: a second start patches it again
    with kvsmock.mock_kinesisvideo() as mock:
        assert boto3.DEFAULT_SESSION is session
        client = boto3.client("kinesisvideo")
        client.create_stream(StreamName="cam")
        assert [s.name for s in mock.state().streams] == ["cam"]
        assert handlers(session) != before
    assert boto3.DEFAULT_SESSION is session
    assert handlers(session) == before, (handlers(session), before)
# A session made before the import, made the default while a mock is active: patched at the
# next start, clean after its stop.
with kvsmock.mock_kinesisvideo():
    boto3.DEFAULT_SESSION = early
with kvsmock.mock_kinesisvideo() as mock:
    boto3.client("kinesisvideo").create_stream(StreamName="early")
    assert [s.name for s in mock.state().streams] == ["early"]
assert handlers(early) == early_before
print("ok")
"""
    )


def test_a_client_made_before_the_first_start_without_credentials_is_answered() -> None:
    _run(
        """
import boto3
from botocore.exceptions import NoCredentialsError
import kvsmock
client = boto3.client("kinesisvideo", region_name="us-east-1")  # resolves no credentials
with kvsmock.mock_kinesisvideo() as mock:
    client.create_stream(StreamName="early")
    assert [s.name for s in mock.state().streams] == ["early"]
    assert mock.state().streams[0].arn.split(":")[4] == "123456789012"
    # A client with credentials of its own keeps them (its account by the accounts map).
    mine = boto3.client("kinesisvideo", region_name="us-east-1",
                        aws_access_key_id="AKIAOTHERACCOUNT0001", aws_secret_access_key="x")
    mock.accounts["AKIAOTHERACCOUNT0001"] = "111122223333"
    mine.create_stream(StreamName="other")
    assert [s.name for s in mock.state("111122223333").streams] == ["other"]
try:
    client.list_streams()  # after the stop: as before, botocore's own error, never sent
except NoCredentialsError:
    print("ok")
"""
    )


def test_responses_first_imported_by_kvsmock_keeps_the_real_send() -> None:
    _run(
        """
import sys
import requests
from requests.adapters import HTTPAdapter
real = HTTPAdapter.send
sys.path.insert(0, "tests")
from media_support import H264
import boto3
import kvsmock
with kvsmock.mock_kinesisvideo() as mock:
    assert "responses" not in sys.modules
    control = boto3.client("kinesisvideo")
    control.create_stream(StreamName="cam", DataRetentionInHours=1)
    url = control.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"]
    headers = {"x-amzn-stream-name": "cam", "x-amzn-fragment-timecode-type": "RELATIVE",
               "x-amzn-producer-start-timestamp": "1767225600"}
    reply = requests.post(url + "/putMedia", data=H264.data, headers=headers, timeout=5)
    assert reply.status_code == 200, reply.text
    assert "responses" in sys.modules  # kvsmock imported it, while its send was installed
import responses
assert HTTPAdapter.send is real and HTTPAdapter.__dict__["send"] is real
# What responses' mocks pass through to (a module attribute of responses, read at its
# import): the real send, not kvsmock's.
assert responses._real_send is real, responses._real_send
print("ok")
"""
    )
