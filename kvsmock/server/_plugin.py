"""The ``kvsmock_server`` pytest fixture (a pytest11 entry point; imports aiohttp only when
a test uses the fixture)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from kvsmock.server import ThreadedServer


@pytest.fixture
def kvsmock_server() -> Iterator[ThreadedServer]:
    """A kvsmock server on a free loopback port for one test (``.endpoint_url``, ``.mock``).

    Needs the ``server`` extra. Clients in other processes reach it at ``endpoint_url`` with
    any credentials; state is fresh for every test.
    """
    from kvsmock.server import ThreadedServer

    with ThreadedServer() as server:
        yield server
