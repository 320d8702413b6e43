"""The pytest plugin (entry point ``pytest11``): the ``kvsmock`` fixture and marker, and the
``kvsmock_server`` fixture.

``def test_x(kvsmock): ...`` runs the test inside an active mock and gives it the mock.
``@pytest.mark.kvsmock(**options)`` passes options to :func:`kvsmock.mock_kinesisvideo`
and activates the mock even when the test does not ask for the fixture. Options also come
from the ``kvsmock_options`` fixture (a dict; override it in a ``conftest.py`` or a module
to set options for many tests); the marker's win over the fixture's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

import pytest

from kvsmock.mock import KinesisVideoMock, check_options

if TYPE_CHECKING:  # aiohttp is imported only when a test asks for the server
    from kvsmock.server import ThreadedServer


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``kvsmock`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        "kvsmock(**options): run the test inside kvsmock.mock_kinesisvideo(**options)",
    )


@pytest.fixture
def kvsmock_options() -> Dict[str, Any]:
    """Options of the ``kvsmock`` fixture's mock (none: the defaults). Override to set some."""
    return {}


@pytest.fixture
def kvsmock(
    request: pytest.FixtureRequest, kvsmock_options: Dict[str, Any]
) -> Iterator[KinesisVideoMock]:
    """An active :class:`kvsmock.KinesisVideoMock` for one test, fresh state each test.

    Raises:
        TypeError: a positional marker argument, or an option the mock does not take
            (the message lists the options).
    """
    marker = request.node.get_closest_marker("kvsmock")
    if marker is not None and marker.args:
        raise TypeError(
            "@pytest.mark.kvsmock takes keyword options only, as mock_kinesisvideo() does; "
            f"got positional arguments {marker.args!r}"
        )
    check_options(kvsmock_options, "the kvsmock_options fixture")
    options = dict(kvsmock_options)
    if marker is not None:
        check_options(marker.kwargs, "@pytest.mark.kvsmock")
        options.update(marker.kwargs)
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
