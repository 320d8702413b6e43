"""The pytest plugin (entry point ``pytest11``): the ``kvsmock`` fixture and marker, and the
``kvsmock_server`` fixture.

``def test_x(kvsmock): ...`` runs the test inside an active mock and gives it the mock.
``@pytest.mark.kvsmock(**options)`` passes options to :func:`kvsmock.mock_kinesisvideo`
and activates the mock even when the test does not ask for the fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

from kvsmock.mock import KinesisVideoMock

if TYPE_CHECKING:  # aiohttp is imported only when a test asks for the server
    from kvsmock.server import ThreadedServer


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``kvsmock`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        "kvsmock(**options): run the test inside kvsmock.mock_kinesisvideo(**options)",
    )


@pytest.fixture
def kvsmock(request: pytest.FixtureRequest) -> Iterator[KinesisVideoMock]:
    """An active :class:`kvsmock.KinesisVideoMock` for one test, fresh state each test."""
    marker = request.node.get_closest_marker("kvsmock")
    if marker is not None and marker.args:
        raise TypeError(
            "@pytest.mark.kvsmock takes keyword options only, as mock_kinesisvideo() does; "
            f"got positional arguments {marker.args!r}"
        )
    options = dict(marker.kwargs) if marker is not None else {}
    with KinesisVideoMock(**options) as mock:
        yield mock


@pytest.fixture(autouse=True)
def _kvsmock_marker(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("kvsmock") is not None:
        request.getfixturevalue("kvsmock")


@pytest.fixture
def kvsmock_server() -> Iterator[ThreadedServer]:
    """A ``kvsmock serve`` server on a free loopback port for one test, in a background
    thread (``.endpoint_url``, ``.mock``); fresh state each test. Needs ``kvsmock[server]``."""
    from kvsmock.server import ThreadedServer

    with ThreadedServer() as server:
        yield server
