"""Restoration in every order (issue 17, item 4): after the last stop, ``os.environ`` is as it
was, whatever order moto and kvsmock were started and stopped in."""

from __future__ import annotations

import os
from typing import Dict, Optional

import pytest

from kvsmock import mock_kinesisvideo

moto = pytest.importorskip("moto")

NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def credentials() -> Dict[str, Optional[str]]:
    return {name: os.environ.get(name) for name in NAMES}


@pytest.mark.parametrize("moto_stops_first", [True, False])
def test_moto_and_kvsmock_in_either_stop_order(
    monkeypatch: pytest.MonkeyPatch, moto_stops_first: bool
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY00001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "users-own-secret")
    before = credentials()
    aws = moto.mock_aws()
    aws.start()
    kvs = mock_kinesisvideo()
    kvs.start()
    if moto_stops_first:
        aws.stop()
        kvs.stop()
    else:
        kvs.stop()
        aws.stop()
    assert credentials() == before
