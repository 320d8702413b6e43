"""The four backends behind one small interface, each driving a real boto3 client.

* ``stubber``: ``botocore.stub.Stubber`` with canned parsed responses; the client skips
  serializing, signing, sending and parsing: botocore's client floor.
* ``before-send``: a minimal ``before-send`` handler returning a prebuilt ``AWSResponse``;
  the client serializes, signs and parses: the floor of any mock that answers where kvsmock
  does.
* ``moto``: ``moto.mock_aws``.
* ``kvsmock``: ``kvsmock.mock_kinesisvideo``.

A worker process imports exactly one backend, so no backend pays for another's hooks.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any, Callable, ContextManager, Dict, Iterator, List, Tuple

import canned

REGION = canned.REGION


def new_client() -> Any:
    import boto3

    return boto3.client("kinesisvideo", region_name=REGION)


class Backend:
    """Process-wide mock for the call workloads, per-test scopes, and canned responses."""

    name = ""

    def start(self) -> None:
        """Start the mock that serves the call workloads (a long-lived one)."""

    def stop(self) -> None:
        """Stop it; per-test workloads follow with their own scopes."""

    def fresh(self) -> None:
        """Empty the long-lived mock's state between repeats (outside the timing)."""

    def expect(self, client: Any, operation: str, count: int, n_streams: int = 0) -> None:
        """Prepare the next ``count`` calls of ``operation`` on ``client`` (floors only).

        ``operation`` may name several operations joined by ``+``, called in that order.
        """

    def scope(self) -> ContextManager[Any]:
        """One test's mock: entered and exited around each test body."""
        return contextlib.nullcontext()

    def prime(self, scope: Any, client: Any) -> None:
        """Inside a test, once it has its client: what the test must set up (Stubber)."""

    def start_stop(self) -> Callable[[], None]:
        """A callable that starts and stops one mock (already constructed)."""
        raise NotImplementedError

    def construct_start_stop(self) -> Callable[[], None]:
        """A callable that constructs, starts and stops a new mock."""
        raise NotImplementedError


class KvsmockBackend(Backend):
    name = "kvsmock"

    def __init__(self) -> None:
        import kvsmock

        self._kvsmock = kvsmock
        self.mock = kvsmock.mock_kinesisvideo()

    def start(self) -> None:
        self.mock.start()

    def stop(self) -> None:
        self.mock.stop()

    def fresh(self) -> None:
        self.mock.reset()

    def scope(self) -> ContextManager[Any]:
        return self._kvsmock.mock_kinesisvideo()

    def start_stop(self) -> Callable[[], None]:
        mock = self._kvsmock.mock_kinesisvideo()

        def run() -> None:
            mock.start()
            mock.stop()

        return run

    def construct_start_stop(self) -> Callable[[], None]:
        factory = self._kvsmock.mock_kinesisvideo

        def run() -> None:
            mock = factory()
            mock.start()
            mock.stop()

        return run


class MotoBackend(Backend):
    name = "moto"

    def __init__(self) -> None:
        from moto import mock_aws

        self._mock_aws = mock_aws
        self.mock: Any = None

    def start(self) -> None:
        self.mock = self._mock_aws()
        self.mock.start()

    def stop(self) -> None:
        self.mock.stop()

    def fresh(self) -> None:
        self.mock.stop()  # stopping the last mock_aws resets every moto backend
        self.mock = self._mock_aws()
        self.mock.start()

    def scope(self) -> ContextManager[Any]:
        cm: ContextManager[Any] = self._mock_aws()
        return cm

    def start_stop(self) -> Callable[[], None]:
        mock = self._mock_aws()

        def run() -> None:
            mock.start()
            mock.stop()

        return run

    def construct_start_stop(self) -> Callable[[], None]:
        factory = self._mock_aws

        def run() -> None:
            mock = factory()
            mock.start()
            mock.stop()

        return run


class StubberBackend(Backend):
    name = "stubber"

    def __init__(self) -> None:
        from botocore.stub import Stubber

        self._Stubber = Stubber
        self._stubbers: Dict[int, Any] = {}
        self._parsed: Dict[Tuple[str, int], List[Dict[str, Any]]] = {}

    def _responses(self, operation: str, n_streams: int) -> List[Dict[str, Any]]:
        key = (operation, n_streams)
        if key not in self._parsed:
            self._parsed[key] = [canned.parsed(r) for r in canned.wire(operation, n_streams)]
        return self._parsed[key]

    def expect(self, client: Any, operation: str, count: int, n_streams: int = 0) -> None:
        stubber = self._stubbers.get(id(client))
        if stubber is None:
            stubber = self._stubbers[id(client)] = self._Stubber(client)
            stubber.activate()
        unit = [
            (op, page) for op in operation.split("+") for page in self._responses(op, n_streams)
        ]
        for _ in range(count):
            for op, page in unit:
                stubber.add_response(op, page)

    def stop(self) -> None:
        for stubber in self._stubbers.values():
            stubber.deactivate()
        self._stubbers.clear()

    def scope(self) -> ContextManager[Any]:
        return _StubberScope(self)

    def prime(self, scope: Any, client: Any) -> None:
        scope.bind(client)

    def start_stop(self) -> Callable[[], None]:
        stubber = self._Stubber(new_client())

        def run() -> None:
            stubber.activate()
            stubber.deactivate()

        return run

    def construct_start_stop(self) -> Callable[[], None]:
        client = new_client()
        factory = self._Stubber

        def run() -> None:
            stubber = factory(client)
            stubber.activate()
            stubber.deactivate()

        return run


class _StubberScope:
    """``with Stubber(client)`` with the one canned create_stream response the test needs."""

    def __init__(self, backend: StubberBackend) -> None:
        self.backend = backend

    def __enter__(self) -> Any:
        return self

    def bind(self, client: Any) -> None:
        """Called by the test body once it has its client (boto3.client() inside the test)."""
        self.stubber = self.backend._Stubber(client)
        self.stubber.activate()
        self.stubber.add_response("create_stream", self.backend._responses("create_stream", 0)[0])

    def __exit__(self, *exc: object) -> None:
        self.stubber.deactivate()


class BeforeSendBackend(Backend):
    """One handler on the default session's ``before-send.kinesis-video`` event."""

    name = "before-send"

    def __init__(self) -> None:
        import boto3
        from botocore.awsrequest import AWSResponse, HTTPHeaders

        self._AWSResponse = AWSResponse
        self._HTTPHeaders = HTTPHeaders
        self.active = False
        self.responses: Iterator[Any] = iter(())
        self._built: Dict[Tuple[str, int], List[Any]] = {}
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-send.kinesis-video", self.handler)
        self._create = self._prebuilt("create_stream", 0)[0]

    def handler(self, request: Any, **_: Any) -> Any:
        if not self.active:
            return None
        return next(self.responses)

    def _prebuilt(self, operation: str, n_streams: int) -> List[Any]:
        key = (operation, n_streams)
        if key not in self._built:
            built = []
            for result in canned.wire(operation, n_streams):
                data, headers = canned.body(result)
                http_headers = self._HTTPHeaders()
                for k, v in headers.items():
                    http_headers[k] = v
                response = self._AWSResponse("https://kinesisvideo", 200, http_headers, None)
                response._content = data  # prebuilt: botocore reads .content
                built.append(response)
            self._built[key] = built
        return self._built[key]

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def expect(self, client: Any, operation: str, count: int, n_streams: int = 0) -> None:
        unit = [r for op in operation.split("+") for r in self._prebuilt(op, n_streams)]
        self.responses = itertools.cycle(unit)

    def scope(self) -> ContextManager[Any]:
        return _FloorScope(self)

    def start_stop(self) -> Callable[[], None]:
        scope = _FloorScope(self)

        def run() -> None:
            scope.__enter__()
            scope.__exit__(None, None, None)

        return run

    def construct_start_stop(self) -> Callable[[], None]:
        def run() -> None:
            scope = _FloorScope(self)
            scope.__enter__()
            scope.__exit__(None, None, None)

        return run


class _FloorScope:
    """The least a per-test mock can do: switch the handler on and off."""

    def __init__(self, backend: BeforeSendBackend) -> None:
        self.backend = backend

    def __enter__(self) -> Any:
        self.backend.active = True
        self.backend.responses = itertools.repeat(self.backend._create)
        return self

    def __exit__(self, *exc: object) -> None:
        self.backend.active = False


BACKENDS: Dict[str, Callable[[], Backend]] = {
    "stubber": StubberBackend,
    "before-send": BeforeSendBackend,
    "moto": MotoBackend,
    "kvsmock": KvsmockBackend,
}
