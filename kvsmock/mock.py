"""``mock_kinesisvideo``: the decorator, context manager and start/stop object.

State lives on the mock instance, one :class:`kvsmock.state.Store` per (account, region).
Starting a mock provides fake credentials through the environment and makes it the
innermost active mock; stopping it restores the environment exactly, also when the body
raised. Only the stack of active mocks is process-wide.
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
import os
import sys
import threading
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    Union,
    cast,
)

from kvsmock import _clock, _http, _intercept, _model
from kvsmock.state import DEFAULT_CHANNEL_LIMIT, DEFAULT_STREAM_LIMIT, Store

if TYPE_CHECKING:  # imported lazily: unittest costs ~5 ms of import time
    import unittest

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
#: Fake credentials set in the environment while a mock is active.
FAKE_CREDENTIALS: Mapping[str, str] = MappingProxyType(
    {
        "AWS_ACCESS_KEY_ID": "AKIAKVSMOCKTESTING00",
        "AWS_SECRET_ACCESS_KEY": "kvsmock-fake-secret-access-key",
    }
)
#: Removed from the environment while a mock is active, so that a real session token never
#: pairs with the fake key (and no request carries ``X-Amz-Security-Token``).
HIDDEN_CREDENTIALS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
#: What the first start found, to put back on the last stop: (the mapping it changed,
#: whether it wrote ``os.environ``'s store directly, and per variable its name, its key in
#: that store and the value found there, ``None`` when unset).
_saved_env: List[Tuple[Any, bool, List[Tuple[str, Any, Any]]]] = []
#: ``os.environ``'s own encoding of the names and values the mock writes, made once:
#: ((name, key, value) of each fake credential, (name, key) of each hidden variable).
_env_codes: Optional[Tuple[Tuple[Tuple[str, Any, Any], ...], Tuple[Tuple[str, Any], ...]]] = None
#: The (``FAKE_CREDENTIALS``, ``HIDDEN_CREDENTIALS``) the codes were made of.
_env_codes_of: Optional[Tuple[Mapping[str, str], Tuple[str, ...]]] = None
_ENVIRON_CLASS = getattr(os, "_Environ", None)


def _codes_for(environ: Any) -> Optional[Tuple[Any, ...]]:
    """The encoded names and values, if ``environ`` is CPython's or PyPy's ``os._Environ``.

    ``os.environ[key] = value`` is ``putenv(encodekey(key), encodevalue(value))`` plus the
    same pair in its ``_data`` dict, and ``del`` is ``unsetenv`` plus the removal; the mock
    writes the same constants on every start and stop, so it encodes them once and does
    the two steps itself (a third of the cost). Any other mapping is written through.
    """
    global _env_codes, _env_codes_of
    if _ENVIRON_CLASS is None or environ.__class__ is not _ENVIRON_CLASS:
        return None
    made_of = _env_codes_of
    if (  # redone if either constant is replaced
        _env_codes is None
        or made_of is None
        or made_of[0] is not FAKE_CREDENTIALS
        or made_of[1] is not HIDDEN_CREDENTIALS
    ):
        try:
            key, value = environ.encodekey, environ.encodevalue
            _env_codes = (
                tuple((k, key(k), value(v)) for k, v in FAKE_CREDENTIALS.items()),
                tuple((k, key(k)) for k in HIDDEN_CREDENTIALS),
            )
            environ._data  # noqa: B018 - the store must be there too
        except AttributeError:  # pragma: no cover - another os module
            return None
        _env_codes_of = (FAKE_CREDENTIALS, HIDDEN_CREDENTIALS)
    return _env_codes


def _install_env() -> None:
    environ: Any = os.environ  # os._Environ's private store is used below
    codes = _codes_for(environ)
    saved: List[Tuple[str, Any, Any]] = []
    if codes is None:
        for key, value in FAKE_CREDENTIALS.items():
            saved.append((key, key, environ.get(key)))
            environ[key] = value
        for key in HIDDEN_CREDENTIALS:
            saved.append((key, key, environ.pop(key, None)))
    else:
        data = environ._data
        putenv = os.putenv
        fake, hidden = codes
        for name, key, value in fake:
            saved.append((name, key, data.get(key)))
            putenv(key, value)
            data[key] = value
        for name, key in hidden:
            found = data.pop(key, None)
            if found is not None:
                os.unsetenv(key)
            saved.append((name, key, found))
    _saved_env.append((environ, codes is not None, saved))


def _restore_env() -> None:
    if not _saved_env:
        return
    environ, direct, saved = _saved_env.pop()
    if direct:
        data = environ._data
        for _, key, value in saved:
            if value is None:
                if data.pop(key, None) is not None:
                    os.unsetenv(key)
            else:
                os.putenv(key, value)
                data[key] = value
    else:
        for name, _, value in saved:
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value
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
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None)
    core = getattr(session, "_session", None)
    credentials = getattr(core, "_credentials", None)
    # Read the plain attribute: RefreshableCredentials.access_key is a property that may
    # refresh (a network call); ours, from the environment, are plain Credentials.
    access_key = getattr(credentials, "__dict__", {}).get("access_key")
    if core is not None and access_key == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]:
        core._credentials = None


def _account_id(value: Any, option: str) -> str:
    """A 12-digit AWS account id, or ``ValueError`` (ARNs and scopes carry it)."""
    if not (isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValueError(f"{option} must be a 12-digit AWS account id, not {value!r}")
    return value


def _transition_seconds(value: Any) -> float:
    """A finite, non-negative number of seconds, or ``ValueError`` / ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"transition_seconds must be a number of seconds, not {value!r}")
    seconds = float(value)
    try:
        valid = seconds >= 0 and _dt.timedelta(seconds=seconds) is not None
    except (OverflowError, ValueError):  # inf, nan, past timedelta's range
        valid = False
    if not valid:
        raise ValueError(f"transition_seconds must be finite and at least 0, not {value!r}")
    return seconds


def _limit(value: Any, option: str) -> int:
    """A count of resources (an int, at least 0), or ``ValueError`` / ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{option} must be an int, not {value!r}")
    if value < 0:
        raise ValueError(f"{option} must be at least 0, not {value!r}")
    return value


class KinesisVideoMock:
    """An in-process fake of the five Kinesis Video Streams services.

    Use it as a decorator (functions, ``async`` functions, ``unittest.TestCase`` and other
    test classes: fresh state for every call or test method), as a context manager
    (``with mock_kinesisvideo() as m:``), or with :meth:`start` / :meth:`stop`.

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

    Raises:
        ValueError: an account id that is not 12 digits, a negative or non-finite
            ``transition_seconds``, a negative limit.
        TypeError: a ``transition_seconds`` or limit that is not a number or int.
    """

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
    ) -> None:
        # Options are checked here (the defaults, which every test without options uses,
        # need no check).
        self.account_id = (
            account_id
            if account_id is DEFAULT_ACCOUNT_ID
            else _account_id(account_id, "account_id")
        )
        self.accounts: Dict[str, str] = (
            {
                str(key): _account_id(value, f"accounts[{key!r}]")
                for key, value in dict(accounts).items()
            }
            if accounts
            else {}
        )
        self.seed = seed
        self.transition_seconds = (
            0.0
            if transition_seconds.__class__ is float and not transition_seconds
            else _transition_seconds(transition_seconds)
        )
        self.strict = strict
        self.allow_network: Union[bool, Tuple[str, ...]] = (
            allow_network
            if isinstance(allow_network, bool)
            else (allow_network,)
            if isinstance(allow_network, str)
            else tuple(allow_network)
        )
        self.stream_limit = (
            stream_limit
            if stream_limit.__class__ is int and stream_limit >= 0
            else _limit(stream_limit, "stream_limit")
        )
        self.channel_limit = (
            channel_limit
            if channel_limit.__class__ is int and channel_limit >= 0
            else _limit(channel_limit, "channel_limit")
        )
        self.require_data_endpoint = require_data_endpoint
        self._lock = threading.Lock()
        self._depth = 0
        self.reset()

    # -- state -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every resource in every account and region, and re-seed the ids."""
        self.rng = _clock.seeded_random(self.seed)
        # Request ids have a source of their own, so that adding or removing a call (a read,
        # a failing call) never shifts the ids of resources created after it.
        self._request_ids = _clock.RequestIds(
            None if self.seed is None else f"requests-{self.seed}"
        )
        self._stores: Dict[Tuple[str, str], Store] = {}

    def state(self, account_id: Optional[str] = None, region: str = DEFAULT_REGION) -> Store:
        """The :class:`~kvsmock.state.Store` of one account and region, to seed or inspect.

        Example: ``mock.state().create_stream("cam-1", data_retention_in_hours=24)`` creates
        a stream exactly as ``CreateStream`` would, without an API call.
        """
        key = (account_id or self.account_id, region)
        store = self._stores.get(key)
        if store is None:
            with self._lock:
                store = self._stores.get(key)
                if store is None:
                    partition, dns_suffix = _model.partition_of(region)
                    store = Store(
                        key[0],
                        region,
                        rng=self.rng,
                        partition=partition,
                        dns_suffix=dns_suffix,
                        transition_seconds=self.transition_seconds,
                        stream_limit=self.stream_limit,
                        channel_limit=self.channel_limit,
                    )
                    self._stores[key] = store
        return store

    def stores(self, region: Optional[str] = None) -> List[Store]:
        """Every :class:`~kvsmock.state.Store` created so far (of ``region`` when given)."""
        with self._lock:
            found = list(self._stores.values())
        return [s for s in found if region is None or s.region == region]

    def account_for(self, access_key_id: Optional[str]) -> str:
        """The account id an access key id maps to (``accounts`` option, else default)."""
        if access_key_id is None:
            return self.account_id
        return self.accounts.get(access_key_id, self.account_id)

    def new_request_id(self) -> str:
        """A fresh ``x-amzn-RequestId`` from the seeded source of request ids."""
        return self._request_ids.next()

    def put_media(
        self,
        *,
        Payload: Any,
        StreamName: Optional[str] = None,
        StreamARN: Optional[str] = None,
        FragmentTimecodeType: str = "RELATIVE",
        ProducerStartTimestamp: Any = None,
        account_id: Optional[str] = None,
        region: str = DEFAULT_REGION,
    ) -> List[Dict[str, Any]]:
        """PutMedia, which no botocore model has: ingest Matroska and return the acks.

        ``Payload`` is bytes, a binary file or an iterable of bytes; each cluster becomes a
        fragment. ``ProducerStartTimestamp`` (datetime or epoch seconds, default now) plus
        each cluster's timecode gives the producer timestamp when ``FragmentTimecodeType``
        is ``RELATIVE``; ``ABSOLUTE`` timecodes are epoch milliseconds. Returns the
        acknowledgement events (``EventType``, ``FragmentTimecode``, ``FragmentNumber``,
        ``ErrorId`` / ``ErrorCode`` on ``ERROR``). See API_dataplane_PutMedia.html and
        :func:`kvsmock.media.put_media`.

        Raises:
            kvsmock.ServiceError: ``ResourceNotFoundException`` for an unknown stream,
                ``InvalidArgumentException`` for bad arguments.
        """
        from kvsmock import media

        return media.put_media(
            self.state(account_id, region),
            stream_name=StreamName,
            stream_arn=StreamARN,
            payload=Payload,
            fragment_timecode_type=FragmentTimecodeType,
            producer_start_timestamp=ProducerStartTimestamp,
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
        region: str = DEFAULT_REGION,
    ) -> Any:
        """Attach a simulated producer to a stream; returns it (``.stop()`` stops it).

        Whenever the stream is read, the fragments a camera started now would have put by
        the mock clock's now exist (``fragment_seconds`` each, H.264 or H.265 test pattern,
        AAC with ``audio``), with equal producer and server timestamps: freezegun and
        time-machine drive it, no thread runs. See :mod:`kvsmock.media.camera`.

        Raises:
            kvsmock.ServiceError: ``ResourceNotFoundException`` for an unknown stream.
            ValueError: a bad size, rate, codec or ``fragment_seconds`` (0-10).
        """
        from kvsmock.media import camera

        return camera.attach(
            self.state(account_id, region),
            stream_name=StreamName,
            stream_arn=StreamARN,
            fps=fps,
            width=width,
            height=height,
            fragment_seconds=fragment_seconds,
            audio=audio,
            codec=codec,
        )

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

    def _reset_unless_active(self) -> None:
        # A decorated call starts from fresh state, unless this mock is already active (a
        # decorated function called inside another, or inside ``with mock:``, or two runs
        # of a decorated coroutine at once): then it shares the state in use, as moto does.
        with self._lock:
            if self._depth == 0:
                self.reset()

    def __call__(self, target: F) -> F:
        """Decorate a function, coroutine function or test class (fresh state per call,
        or the state in use when this mock is already active)."""
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                self._reset_unless_active()
                with self:
                    return await target(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            self._reset_unless_active()
            with self:
                return target(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        # A TestCase subclass implies unittest is imported; not importing it ourselves keeps
        # ``import kvsmock`` cheap.
        unittest_module = sys.modules.get("unittest")
        test_case: Optional[type] = getattr(unittest_module, "TestCase", None)
        if test_case is not None and issubclass(cls, test_case):
            case_cls = cast("type[unittest.TestCase]", cls)
            original = case_cls.setUp
            mock = self

            def setUp(case: unittest.TestCase) -> None:
                mock._reset_unless_active()
                mock.start()
                case.addCleanup(mock.stop)
                original(case)

            case_cls.setUp = setUp  # type: ignore[method-assign,assignment]
            return cls
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and callable(value):
                setattr(cls, name, self(value))
        return cls


def mock_kinesisvideo(**options: Any) -> KinesisVideoMock:
    """A new :class:`KinesisVideoMock`; see it for the options.

    Example::

        @mock_kinesisvideo()
        def test_create():
            client = boto3.client("kinesisvideo", region_name="us-east-1")
            arn = client.create_stream(StreamName="cam")["StreamARN"]
    """
    return KinesisVideoMock(**options)


def patch_client(client: Any) -> Any:
    """Route a client created before ``import kvsmock`` through kvsmock (idempotent).

    Clients created after the import need nothing. Returns the client.
    """
    _intercept.patch_emitter(client.meta.events)
    return client
