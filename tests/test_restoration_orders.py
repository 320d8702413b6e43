"""Restoration in every order (issue 17, item 4), beyond the environment: ``requests``'
``HTTPAdapter.send`` and ``responses``, a default session made before ``import kvsmock``,
clients made before the first start, and moto in non-LIFO orders."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Tuple

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from kvsmock import mock_kinesisvideo

ROOT = Path(__file__).resolve().parent.parent

#: Every interleaving of two start/stop pairs: (first started, first stopped).
ORDERS = list(itertools.product(("kvsmock", "responses"), repeat=2))


def _adapter_send() -> Tuple[Any, Any]:
    """``HTTPAdapter.send`` as stored in the class, and as looked up."""
    return HTTPAdapter.__dict__["send"], HTTPAdapter.send


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
