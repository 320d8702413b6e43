"""Every implemented operation, fed generated input through real boto3 clients.

The operation list comes from the models and ``kvsmock.services.handler_for``, so an
operation is fuzzed as soon as its handler lands. See :mod:`fuzz.harness` for the invariants
and budgets.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .harness import (
    IDENTITIES,
    SETTINGS,
    Harness,
    World,
    implemented_operations,
    resolve,
    write_report,
)
from .shapes import invalid_input, valid_input

OPERATIONS = implemented_operations()
IDS = [f"{service}.{operation}" for service, operation in OPERATIONS]


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with Harness() as h:
        yield h
    write_report()


def test_every_implemented_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 35
    assert ("kinesisvideo", "CreateStream") in OPERATIONS
    assert ("kinesis-video-media", "GetMedia") in OPERATIONS


def _mode(service: str) -> Any:
    if service == "kinesisvideo":
        return st.just("data")
    # Mostly the GetDataEndpoint URL; sometimes the control-plane host, which the endpoint
    # discipline refuses (or serves, with require_data_endpoint=False).
    return st.sampled_from(["data", "data", "data", "control", "relaxed"])


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_valid_input(harness: Harness, service: str, operation: str, data: Any) -> None:
    """Valid input: a result that fits the output shape, or a modeled error; a failure
    changes nothing."""
    world = data.draw(st.builds(World, st.booleans(), st.booleans()), label="world")
    params = data.draw(valid_input(service, operation), label="params")
    access_key, region = data.draw(st.sampled_from(IDENTITIES), label="identity")
    mode = data.draw(_mode(service), label="endpoint")
    pool = harness.prepare(world)
    harness.mock.require_data_endpoint = mode != "relaxed"
    try:
        harness.call(
            service,
            operation,
            resolve(params, pool),
            access_key,
            region,
            "control" if mode == "relaxed" else mode,
        )
    finally:
        harness.mock.require_data_endpoint = True


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_invalid_input(harness: Harness, service: str, operation: str, data: Any) -> None:
    """One broken constraint: InvalidArgumentException (400) naming the member; no change."""
    world = data.draw(st.builds(World, st.booleans(), st.just(False)), label="world")
    bad = data.draw(invalid_input(service, operation), label="invalid")
    access_key, region = data.draw(st.sampled_from(IDENTITIES), label="identity")
    pool = harness.prepare(world)
    outcome = harness.call(service, operation, resolve(bad.value, pool), access_key, region)
    assert outcome.code == "InvalidArgumentException", (bad, outcome)
    assert outcome.status == 400
    assert f"at '{bad.path}'" in outcome.message, (bad, outcome)
