"""The pytest plugin (entry point ``pytest11``): the ``kvsmock`` fixture and marker.

``def test_x(kvsmock): ...`` runs the test inside an active mock and gives it the mock.
``@pytest.mark.kvsmock(**options)`` passes options to :func:`kvsmock.mock_kinesisvideo`
and activates the mock even when the test does not ask for the fixture.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from kvsmock.mock import KinesisVideoMock


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
