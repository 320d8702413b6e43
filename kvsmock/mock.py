"""``mock_kinesisvideo``: the decorator, context manager and start/stop object.

Reading order: the options a mock takes and their checks; :class:`KinesisVideoMock` (its
options, its state helpers, activation, the decorator); the environment while a mock is
active; the public functions :func:`mock_kinesisvideo` and :func:`patch_client`.

State lives on the mock instance, one :class:`kvsmock.state.Store` per (account, region).
Starting the first mock provides fake credentials through the environment; stopping the
last one restores the environment exactly, also when the body raised. Only the stack of
active mocks (in :mod:`kvsmock._intercept`) is process-wide.
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
import os
import sys
import threading
from collections import abc
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    ParamSpec,
    Tuple,
    TypeVar,
    Union,
    overload,
)

from kvsmock import _clock, _http, _intercept, _model, _scope
from kvsmock._quotas import Quotas
from kvsmock.errors import ServiceError, not_found
from kvsmock.faults import Faults
from kvsmock.state import DEFAULT_CHANNEL_LIMIT, DEFAULT_STREAM_LIMIT, Store

if TYPE_CHECKING:  # imported on first use: PyAV is an optional extra
    from kvsmock.media.camera import Camera

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T", bound=type)

DEFAULT_ACCOUNT_ID = "123456789012"
#: Fake credentials set in the environment while a mock is active.
FAKE_CREDENTIALS: Mapping[str, str] = MappingProxyType(
    {
        "AWS_ACCESS_KEY_ID": _intercept.FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": _intercept.FAKE_SECRET_ACCESS_KEY,
    }
)
#: Removed from the environment while a mock is active, so that a real session token never
#: pairs with the fake key (and no request carries ``X-Amz-Security-Token``).
HIDDEN_CREDENTIALS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
#: The keyword options of :class:`KinesisVideoMock`, :func:`mock_kinesisvideo`, the
#: ``@pytest.mark.kvsmock`` marker and the ``kvsmock_options`` fixture.
OPTIONS = (
    "account_id",
    "accounts",
    "seed",
    "transition_seconds",
    "strict",
    "allow_network",
    "stream_limit",
    "channel_limit",
    "require_data_endpoint",
    "quotas",
)


# -- the options' checks -------------------------------------------------------------------


def check_options(options: Mapping[str, Any], where: str = "mock_kinesisvideo()") -> None:
    """``TypeError`` naming the valid options when ``options`` has a name that is none."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(
            f"{where} got unknown option(s) {', '.join(unknown)}; "
            f"the options are: {', '.join(OPTIONS)}"
        )


def _transition_seconds(value: Any) -> float:
    """A finite, non-negative number of seconds, or ``ValueError`` / ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"transition_seconds must be a number of seconds, not {value!r}")
    try:
        seconds = float(value)
        valid = seconds >= 0 and _dt.timedelta(seconds=seconds) is not None
    except (OverflowError, ValueError):  # inf, nan, past float's or timedelta's range
        valid = False
    if not valid:
        raise ValueError(
            "transition_seconds must be finite and at least 0, within datetime.timedelta's "
            f"range (999,999,999 days), not {value!r}"
        )
    return float(value)


def _limit(value: Any, option: str) -> int:
    """A count of resources (an int, at least 0), or ``ValueError`` / ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{option} must be an int, not {value!r}")
    if value < 0:
        raise ValueError(f"{option} must be at least 0, not {value!r}")
    return value


def _allowed_hosts(value: Union[bool, str, Iterable[str]]) -> Union[bool, Tuple[str, ...]]:
    """``True`` / ``False``, or the host patterns as a tuple; ``TypeError`` for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return (value,)
    try:
        hosts: Optional[Tuple[Any, ...]] = tuple(value)
    except TypeError:  # not iterable
        hosts = None
    if hosts is None or not all(isinstance(host, str) for host in hosts):
        raise TypeError(
            "allow_network must be True, False, a host pattern or a list of host patterns "
            f"(str), not {value!r}"
        )
    return hosts


def _flag(value: Any, option: str) -> bool:
    """``value`` when it is a bool, else ``TypeError`` naming the option."""
    if not isinstance(value, bool):
        raise TypeError(f"{option} must be True or False, not {value!r}")
    return value


def _seed(value: Any) -> Optional[int]:
    """An int or ``None`` (seed from the OS), else ``TypeError``."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"seed must be an int or None, not {value!r}")
    return value


def _accounts(value: Any) -> Dict[str, str]:
    """The ``accounts`` map (access key id -> 12-digit account id), checked."""
    if value is None:
        return {}
    if not isinstance(value, abc.Mapping):
        raise TypeError(
            "accounts must be a mapping of access key id to account id, such as "
            f"{{'AKIAEXAMPLE': '111122223333'}}, not {value!r}"
        )
    checked: Dict[str, str] = {}
    for key, account in value.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"accounts keys must be access key ids (non-empty str), not {key!r}")
        checked[key] = _scope.check_account_id(account, f"accounts[{key!r}]")
    return checked


def _check_payload(payload: Any) -> None:
    """``TypeError`` naming the accepted types for a PutMedia ``Payload`` of another type."""
    binary = isinstance(payload, (bytes, bytearray, memoryview))
    if binary or hasattr(payload, "read"):
        return
    if isinstance(payload, str) or not hasattr(payload, "__iter__"):
        raise TypeError(
            "Payload must be Matroska (MKV) data: bytes, bytearray or memoryview, a file "
            f"opened in binary mode ('rb'), or an iterable of bytes; got {type(payload).__name__}"
        )


class KinesisVideoMock:
    """An in-process fake of the five Kinesis Video Streams services.

    Use it as a decorator (functions, ``async`` functions, generator functions such as
    pytest fixtures, ``unittest.TestCase`` and other test classes: fresh state for every
    call or test method), as a context manager (``with mock_kinesisvideo() as m:``), or with
    :meth:`start` / :meth:`stop`.

    Args:
        account_id: account of requests whose access key is not in ``accounts``
            (default ``123456789012``).
        accounts: access key id -> account id, to test several accounts in one mock.
        seed: seed of the random source behind versions, endpoint ids and request ids; the
            same seed and calls give the same ids. ``None`` seeds from the OS.
        transition_seconds: how long CREATING, UPDATING and DELETING last, in seconds of the
            (freezable) clock; 0 (default) completes them at once.
        strict: check every result against the operation's output shape and every error
            against its modeled errors, raising :class:`kvsmock.errors.ModelConformanceError`
            on a kvsmock bug (default on).
        allow_network: hosts (``fnmatch`` patterns) that non-KVS botocore requests may reach
            while the mock is active, or ``True`` for all. Loopback is always allowed.
        stream_limit: streams per account and region before
            ``AccountStreamLimitExceededException`` (default 10,000, the documented quota).
        channel_limit: signaling channels per account and region before
            ``AccountChannelLimitExceededException`` (default 10,000, the documented quota in
            us-east-1 and us-west-2).
        require_data_endpoint: answer data-plane calls (GetMedia, the archived-media,
            signaling and webrtc-storage operations) sent to the control-plane host (a client
            made without the GetDataEndpoint or GetSignalingChannelEndpoint URL) with the
            error AWS gives (default on); ``False`` serves them anywhere.
        quotas: enforce the per-second request limits of the quotas pages (per account,
            per stream, per channel) on the mock clock, answering
            ``ClientLimitExceededException`` (default off; see :mod:`kvsmock._quotas`).

    Raises:
        ValueError: an account id that is not 12 digits, a negative or non-finite
            ``transition_seconds``, a negative limit.
        TypeError: an option of the wrong type (the message names it): a ``seed`` that is
            not an int or None, ``strict`` / ``require_data_endpoint`` / ``quotas`` that are
            not bools, ``accounts`` that is not a mapping of str, ``allow_network`` that is
            not a bool, str or list of str, a ``transition_seconds`` or limit that is not a
            number or int.
    """

    # -- options ---------------------------------------------------------------------------

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        accounts: Optional[Mapping[str, str]] = None,
        seed: Optional[int] = 0,
        transition_seconds: float = 0.0,
        strict: bool = True,
        allow_network: Union[bool, Iterable[str]] = False,
        stream_limit: int = DEFAULT_STREAM_LIMIT,
        channel_limit: int = DEFAULT_CHANNEL_LIMIT,
        require_data_endpoint: bool = True,
        quotas: bool = False,
    ) -> None:
        self.account_id = _scope.check_account_id(account_id, "account_id")
        self.accounts: Dict[str, str] = _accounts(accounts)
        self.seed = _seed(seed)
        self.transition_seconds = _transition_seconds(transition_seconds)
        self.strict = _flag(strict, "strict")
        self.allow_network = _allowed_hosts(allow_network)
        self.stream_limit = _limit(stream_limit, "stream_limit")
        self.channel_limit = _limit(channel_limit, "channel_limit")
        self.require_data_endpoint = _flag(require_data_endpoint, "require_data_endpoint")
        #: The request counts when ``quotas=True`` (:class:`kvsmock._quotas.Quotas`).
        self.quotas: Optional[Quotas] = Quotas() if _flag(quotas, "quotas") else None
        self._lock = threading.Lock()
        self._depth = 0
        self.reset()

    def __repr__(self) -> str:
        with self._lock:
            stores = list(self._stores.values())
        streams = sum(len(store.streams) for store in stores)
        channels = sum(len(store.channels) for store in stores)
        scopes = ", ".join(f"{s.account_id}/{s.region}" for s in stores) or "none"
        return (
            f"<KinesisVideoMock {'active' if self.active else 'inactive'} "
            f"account_id={self.account_id!r} seed={self.seed!r}: {len(stores)} store(s) "
            f"({scopes}), {streams} stream(s), {channels} signaling channel(s)>"
        )

    # -- state helpers ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every resource in every account and region, and re-seed the ids."""
        self.rng = _clock.seeded_random(self.seed)
        # Request ids have a source of their own, so that adding or removing a call (a read,
        # a failing call) never shifts the ids of resources created after it.
        self._request_ids = _clock.RequestIds(
            None if self.seed is None else f"requests-{self.seed}"
        )
        self._stores: Dict[Tuple[str, str], Store] = {}
        #: Injected faults (:class:`kvsmock.faults.Faults`); a reset removes them.
        self.faults = Faults(self.seed)

    def state(self, account_id: Optional[str] = None, *, region: Optional[str] = None) -> Store:
        """The :class:`~kvsmock.state.Store` of one account and region, to seed or inspect.

        Args:
            account_id: a 12-digit account id, or the ARN of a stream or channel (whose
                account and region are used). Default: the mock's ``account_id``.
            region: a region name (keyword only). Default: the region a new
                ``boto3.client("kinesisvideo")`` would get (boto3's default session's, else
                botocore's chain: ``AWS_DEFAULT_REGION``, the profile's ``region``), else
                ``us-east-1``.

        The store is created, empty, when that account and region have none yet (as every
        account has every region on AWS), so that tests can seed it:
        ``mock.state().create_stream("cam-1", data_retention_in_hours=24)`` creates a stream
        exactly as ``CreateStream`` would, without an API call. To look without creating,
        use :meth:`stores`.

        Raises:
            ValueError: an account id that is not 12 digits, a region botocore does not
                know (with the closest known one), a malformed ARN.
        """
        account, name = _scope.resolve(self.account_id, account_id, region)
        return self.store_for(account, name)

    def stores(
        self, region: Optional[str] = None, *, account_id: Optional[str] = None
    ) -> List[Store]:
        """The stores created so far (by requests or :meth:`state`), of ``region`` and
        ``account_id`` when given; never creates one. ``account_id`` may be the ARN of a
        stream or channel, as for :meth:`state`: its account and region are used.

        Raises:
            ValueError: an unknown region, a malformed account id or ARN, a region that
                contradicts the ARN's.
        """
        account_id, region = _scope.selection(account_id, region)
        with self._lock:
            found = list(self._stores.values())
        return [
            s
            for s in found
            if (region is None or s.region == region)
            and (account_id is None or s.account_id == account_id)
        ]

    def _existing_store(
        self, account_id: Optional[str], region: Optional[str], arn: Optional[str]
    ) -> Store:
        """The store a helper's stream lives in (the rule of :meth:`state`), never made here:
        ``ResourceNotFoundException`` when no request or seed ever touched it."""
        account, name = _scope.resolve(self.account_id, account_id, region, arn)
        with self._lock:
            store = self._stores.get((account, name))
        if store is None:
            raise not_found()
        return store

    def put_media(
        self,
        *,
        Payload: Any,
        StreamName: Optional[str] = None,
        StreamARN: Optional[str] = None,
        FragmentTimecodeType: str = "RELATIVE",
        ProducerStartTimestamp: Any = None,
        account_id: Optional[str] = None,
        region: Optional[str] = None,
    ) -> List[Dict[str, Any]]:
        """PutMedia, which no botocore model has: ingest Matroska and return the acks.

        ``Payload`` is bytes, a binary file or an iterable of bytes; each cluster becomes a
        fragment. ``ProducerStartTimestamp`` (datetime or epoch seconds, default now) plus
        each cluster's timecode gives the producer timestamp when ``FragmentTimecodeType``
        is ``RELATIVE``; ``ABSOLUTE`` timecodes are epoch milliseconds. Returns the
        acknowledgement events (``EventType``, ``FragmentTimecode``, ``FragmentNumber``,
        ``ErrorId`` / ``ErrorCode`` on ``ERROR``). See API_dataplane_PutMedia.html and
        :func:`kvsmock.media.put_media`.

        The stream is looked up in ``StreamARN``'s account and region; with ``StreamName``,
        in ``account_id`` / ``region`` (defaults as for :meth:`state`).

        Raises:
            kvsmock.ServiceError: ``ResourceNotFoundException`` (404) for an unknown stream,
                ``InvalidArgumentException`` (400) for bad arguments (a stream name or ARN
                breaking the documented length or pattern too), as PutMedia over HTTP answers;
                the ``error`` of an injected PutMedia fault (``mock.faults``).
            TypeError: a ``Payload`` that is not binary data (the message lists the types).
            ValueError: an unknown region, a malformed account id or ARN.
        """
        from kvsmock import media
        from kvsmock.media import fragments

        _check_payload(Payload)
        # Where to look is the helper's own argument (ValueError for a malformed one); then
        # PutMedia's arguments, as on the wire: a bad name is InvalidArgumentException
        # whether or not that account and region have a store.
        scope = _scope.resolve(self.account_id, account_id, region, StreamARN)
        fragments.check_put_media_arguments(StreamName, StreamARN, FragmentTimecodeType)
        injected = self.faults.before_put_media(StreamName, StreamARN)
        if injected is not None:
            raise ServiceError(*injected)
        return media.put_media(
            self._existing_store(*scope, None),
            stream_name=StreamName,
            stream_arn=StreamARN,
            payload=Payload,
            fragment_timecode_type=FragmentTimecodeType,
            producer_start_timestamp=ProducerStartTimestamp,
            ack_fault=self.faults.ack_error,
        )

    def camera(
        self,
        *,
        StreamName: Optional[str] = None,
        StreamARN: Optional[str] = None,
        fps: int = 10,
        width: int = 320,
        height: int = 240,
        fragment_seconds: float = 2.0,
        audio: bool = False,
        codec: str = "h264",
        account_id: Optional[str] = None,
        region: Optional[str] = None,
    ) -> Camera:
        """Attach a simulated producer to a stream; returns it (``.stop()`` stops it).

        Whenever the stream is read, the fragments a camera started now would have put by
        the mock clock's now exist (``fragment_seconds`` each, H.264 or H.265 test pattern,
        AAC with ``audio``), with equal producer and server timestamps: freezegun and
        time-machine drive it, no thread runs. See :mod:`kvsmock.media.camera`.

        The stream is looked up as by :meth:`put_media`.

        Raises:
            kvsmock.ServiceError: ``ResourceNotFoundException`` for an unknown stream,
                ``InvalidArgumentException`` for a name or ARN PutMedia would refuse.
            TypeError: a size, rate, codec or ``fragment_seconds`` of the wrong type.
            ValueError: a bad size, rate, codec or ``fragment_seconds`` (0-10); an unknown
                region, a malformed account id or ARN.
        """
        from kvsmock.media import camera

        camera.check_stream(StreamName, StreamARN)  # before the store is looked up
        return camera.attach(
            self._existing_store(account_id, region, StreamARN),
            stream_name=StreamName,
            stream_arn=StreamARN,
            fps=fps,
            width=width,
            height=height,
            fragment_seconds=fragment_seconds,
            audio=audio,
            codec=codec,
        )

    # -- what the request pipeline asks of the mock (kvsmock._dispatch.MockLike) ------------

    def store_for(self, account_id: str, region: str) -> Store:
        """The store of a request's account and region (its SigV4 scope), made on first use.

        Unchecked: the region is whatever the client was made with, as AWS would route it.
        """
        with self._lock:
            store = self._stores.get((account_id, region))
            if store is None:
                partition, dns_suffix = _model.partition_of(region)
                store = Store(
                    account_id,
                    region,
                    rng=self.rng,
                    partition=partition,
                    dns_suffix=dns_suffix,
                    transition_seconds=self.transition_seconds,
                    stream_limit=self.stream_limit,
                    channel_limit=self.channel_limit,
                )
                self._stores[(account_id, region)] = store
        return store

    def account_for(self, access_key_id: Optional[str]) -> str:
        """The account id an access key id maps to (``accounts`` option, else default)."""
        if access_key_id is None:
            return self.account_id
        return self.accounts.get(access_key_id, self.account_id)

    def new_request_id(self) -> str:
        """A fresh ``x-amzn-RequestId`` from the seeded source of request ids."""
        return self._request_ids.next()

    # -- activation ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether this mock is started (and not yet stopped)."""
        return self._depth > 0

    def start(self) -> KinesisVideoMock:
        """Activate the mock (re-entrant: each start needs a matching stop)."""
        # The activation happens under the lock: a second thread's start() of this mock
        # returns only once the mock answers (and the guard is up).
        with self._lock:
            if self._depth == 0:
                _intercept.push(self, _on_first_start)
            self._depth += 1
        return self

    def stop(self) -> None:
        """Deactivate the mock; restores the environment when no mock is left active."""
        with self._lock:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth == 0:
                _intercept.pop(self, _on_last_stop)

    def __enter__(self) -> KinesisVideoMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the decorator ---------------------------------------------------------------------

    @overload
    def __call__(self, target: T) -> T: ...

    @overload
    def __call__(self, target: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, target: Any) -> Any:
        """Decorate a function, ``async`` function, generator function (the mock stays
        active until the generator is exhausted or closed), async generator function, or
        test class: fresh state per call or test method, or the state in use when this
        mock is already active (as moto does)."""
        if inspect.isclass(target):
            return self._decorate_class(target)
        if inspect.iscoroutinefunction(target):
            return self._decorate_coroutine_function(target)
        if inspect.isasyncgenfunction(target):
            return self._decorate_async_generator_function(target)
        if inspect.isgeneratorfunction(target):
            return self._decorate_generator_function(target)
        if not callable(target):
            raise TypeError(
                f"mock_kinesisvideo decorates functions and classes, not {type(target).__name__}"
            )
        return self._decorate_function(target)

    def _begin(self) -> None:
        """Start, from fresh state unless this mock is already active (a decorated call
        inside another, or inside ``with mock:``: then it shares the state in use)."""
        with self._lock:
            if self._depth == 0:
                self.reset()
        self.start()

    def _decorate_function(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            self._begin()
            try:
                return function(*args, **kwargs)
            finally:
                self.stop()

        return run

    def _decorate_coroutine_function(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        async def run(*args: Any, **kwargs: Any) -> Any:
            self._begin()
            try:
                return await function(*args, **kwargs)
            finally:
                self.stop()

        return run

    def _decorate_generator_function(
        self, function: Callable[..., Iterator[Any]]
    ) -> Callable[..., Iterator[Any]]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Iterator[Any]:
            self._begin()
            try:
                return (yield from function(*args, **kwargs))
            finally:
                self.stop()

        return run

    def _decorate_async_generator_function(
        self, function: Callable[..., AsyncIterator[Any]]
    ) -> Callable[..., AsyncIterator[Any]]:
        @functools.wraps(function)
        async def run(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            self._begin()
            try:
                async for item in function(*args, **kwargs):
                    yield item
            finally:
                self.stop()

        return run

    def _decorate_class(self, cls: T) -> T:
        # A TestCase subclass implies unittest is imported; not importing it ourselves keeps
        # ``import kvsmock`` cheap.
        test_case = getattr(sys.modules.get("unittest"), "TestCase", None)
        if test_case is not None and issubclass(cls, test_case):
            case_class: Any = cls
            original_set_up = case_class.setUp
            mock = self

            def setUp(case: Any) -> None:
                mock._begin()
                case.addCleanup(mock.stop)
                original_set_up(case)

            functools.update_wrapper(setUp, original_set_up)
            case_class.setUp = setUp
            return cls
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(value):
                setattr(cls, name, self(value))
        return cls


# -- the environment while a mock is active ------------------------------------------------

#: What the first start found, per variable (``None`` when unset), to put back on the last
#: stop. Guarded by ``kvsmock._intercept``'s lock (the first start and the last stop run
#: under it).
_saved_env: Dict[str, Optional[str]] = {}


def _install_env() -> None:
    _saved_env.clear()
    for name, value in FAKE_CREDENTIALS.items():
        _saved_env[name] = os.environ.get(name)
        os.environ[name] = value
    for name in HIDDEN_CREDENTIALS:
        _saved_env[name] = os.environ.pop(name, None)


#: The credentials moto's ``mock_aws`` puts in the environment while it is active.
_MOTO_FAKE_VALUES = frozenset({"FOOBARKEY", "FOOBARSECRET"})


def _restore_env() -> None:
    for name, value in _saved_env.items():
        if value in _MOTO_FAKE_VALUES and os.environ.get(name) != FAKE_CREDENTIALS.get(name):
            # Saved from moto's environment, and changed since: moto, started before kvsmock,
            # stopped before it and put back the environment it had saved. Putting moto's
            # fake keys back now would leave them after both mocks stopped.
            continue
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved_env.clear()
    _forget_fake_credentials()


def _on_first_start() -> None:
    _install_env()
    _http.activate()


def _on_last_stop() -> None:
    _http.deactivate()
    _restore_env()


def _forget_fake_credentials() -> None:
    # boto3.DEFAULT_SESSION caches the credentials it first resolves. If that happened while
    # a mock was active, they are our fake ones: drop them so the session resolves afresh.
    # botocore has no public way to forget resolved credentials, so this one place reads
    # boto3's and botocore's private attributes (a correctness need, not a speed-up).
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None)
    core = getattr(session, "_session", None)
    credentials = getattr(core, "_credentials", None)
    # Read the plain attribute: RefreshableCredentials.access_key is a property that may
    # refresh (a network call); ours, from the environment, are plain Credentials.
    access_key = getattr(credentials, "__dict__", {}).get("access_key")
    if core is not None and access_key == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]:
        core._credentials = None


# -- the public functions ------------------------------------------------------------------


@overload
def mock_kinesisvideo(target: T, /) -> T: ...


@overload
def mock_kinesisvideo(target: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def mock_kinesisvideo(target: None = None, /, **options: Any) -> KinesisVideoMock: ...


def mock_kinesisvideo(target: Any = None, /, **options: Any) -> Any:
    """A new :class:`KinesisVideoMock` (see it for the options), or, used bare as a
    decorator, the decorated function or class.

    Examples::

        @mock_kinesisvideo
        def test_create():
            client = boto3.client("kinesisvideo", region_name="us-east-1")
            arn = client.create_stream(StreamName="cam")["StreamARN"]

        @mock_kinesisvideo(seed=7)
        class TestStreams(unittest.TestCase): ...

        with mock_kinesisvideo() as mock: ...

    Raises:
        TypeError: an option that is not one of :data:`OPTIONS` (the message lists them),
            or options together with a decorated target.
    """
    check_options(options)
    if target is None:
        return KinesisVideoMock(**options)
    if options:
        raise TypeError("use @mock_kinesisvideo(**options) or @mock_kinesisvideo, not both")
    return KinesisVideoMock()(target)


def patch_client(client: Any) -> Any:
    """Route a client created before ``import kvsmock`` through kvsmock (idempotent).

    Clients created after the import need nothing. Returns the client.
    """
    _intercept.patch_emitter(client.meta.events)
    return client
