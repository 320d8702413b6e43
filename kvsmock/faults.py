"""Injected faults: make the next matching calls fail as Kinesis Video Streams fails.

``mock.faults.add("GetDataEndpoint", error="ClientLimitExceededException", times=2)`` makes
the next two GetDataEndpoint calls answer the modeled error, with the status its error shape
declares and the message the service sends. Every entry point goes through one pipeline
(:func:`kvsmock._dispatch.dispatch`), which asks :meth:`Faults.match` once per request, before
the handler runs, so a failed call changes nothing. PutMedia (in no botocore model) asks
:meth:`Faults.before_put_media` once per request, before the stream is looked up (an
``error`` answered before any acknowledgement, a ``delay_seconds``), and
:meth:`Faults.ack_error` once per fragment (an ``ERROR`` acknowledgement): in-process
(``mock.put_media``), through ``requests`` and in ``kvsmock serve`` alike.

Every field is a plain value and :meth:`Faults.add` takes them as keywords, so a server can
expose the same API as JSON: ``add(**fields)`` in, :meth:`Fault.as_dict` and
:attr:`Faults.calls` (lists of dicts) out.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Tuple

from kvsmock import _model

#: The operation name that matches every operation.
ANY = "*"
#: PutMedia has no botocore model: its faults are ERROR acknowledgements
#: (API_dataplane_PutMedia.html), the ids of ``kvsmock.media.fragments.ERROR_NAMES``, or one
#: of its documented errors before any acknowledgement.
PUT_MEDIA = "PutMedia"
#: The errors API_dataplane_PutMedia.html ("Errors") lists; their HTTP statuses are those
#: of the ``kinesis-video-media`` error shapes (400, 401 NotAuthorized, 404 ResourceNotFound).
PUT_MEDIA_ERRORS: FrozenSet[str] = frozenset(
    {
        "ClientLimitExceededException",
        "ConnectionLimitExceededException",
        "InvalidArgumentException",
        "InvalidEndpointException",
        "NotAuthorizedException",
        "ResourceNotFoundException",
    }
)
#: The service PutMedia belongs to (``service=`` matches it).
PUT_MEDIA_SERVICE = "kinesis-video-media"
#: Request members naming a stream or a channel, by kind.
_STREAM_MEMBERS = ("StreamName", "StreamARN")
_CHANNEL_MEMBERS = ("ChannelName", "ChannelARN")


def _services_of(operation: str, service: Optional[str]) -> List[str]:
    services = [service] if service is not None else list(_model.SERVICE_NAMES.values())
    if operation == ANY:
        return services
    return [s for s in services if operation in _model.operation_names(s)]


def _number_between(value: object, low: float, high: float) -> bool:
    """Whether ``value`` is a real number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return low <= float(value) <= high
    except OverflowError:  # an int past float's range
        return False


def _name_of(value: str) -> str:
    """The resource name of an ARN (``...:stream/<name>/<ms>``), or the value itself."""
    if value.startswith("arn:"):
        parts = value.split(":", 5)[-1].split("/")
        return parts[1] if len(parts) > 1 else value
    return value


class Fault:
    """One injected fault (made by :meth:`Faults.add`; see there for the fields)."""

    def __init__(self, owner: Faults, number: int, fields: Dict[str, Any]) -> None:
        self._owner = owner
        self.id = number
        self.operation: str = fields["operation"]
        self.service: Optional[str] = fields["service"]
        self.error: Optional[str] = fields["error"]
        self.message: Optional[str] = fields["message"]
        self.times: Optional[int] = fields["times"]
        self.probability: float = fields["probability"]
        self.stream: Optional[str] = fields["stream"]
        self.channel: Optional[str] = fields["channel"]
        self.delay_seconds: float = fields["delay_seconds"]
        self.disconnect_after_bytes: Optional[int] = fields["disconnect_after_bytes"]
        self.ack_error: Optional[int] = fields["ack_error"]
        #: How many calls this fault has made fail (or slowed, or cut).
        self.fired = 0

    def remove(self) -> None:
        """Stop injecting this fault (a no-op when it is already gone)."""
        self._owner.remove(self)

    @property
    def exhausted(self) -> bool:
        """Whether the fault has hit its ``times`` calls (it is then removed)."""
        return self.times is not None and self.fired >= self.times

    def as_dict(self) -> Dict[str, Any]:
        """The fault's fields as plain values (what :meth:`Faults.add` takes, plus ``id``
        and ``fired``)."""
        return {
            "id": self.id,
            "operation": self.operation,
            "service": self.service,
            "error": self.error,
            "message": self.message,
            "times": self.times,
            "probability": self.probability,
            "stream": self.stream,
            "channel": self.channel,
            "delay_seconds": self.delay_seconds,
            "disconnect_after_bytes": self.disconnect_after_bytes,
            "ack_error": self.ack_error,
            "fired": self.fired,
        }

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.as_dict().items() if v is not None}
        return f"<Fault {shown}>"

    def _matches(
        self, service: str, operation: str, names: Mapping[str, str], errors: FrozenSet[str]
    ) -> bool:
        if self.operation not in (ANY, operation):
            return False
        if self.service is not None and self.service != service:
            return False
        if self.error is not None and self.error not in errors:
            return False  # "*" with an error this operation cannot answer
        for wanted, members in ((self.stream, _STREAM_MEMBERS), (self.channel, _CHANNEL_MEMBERS)):
            if wanted is None:
                continue
            given = [names[m] for m in members if m in names]
            if not any(v == wanted or _name_of(v) == _name_of(wanted) for v in given):
                return False
        return True

    def message_for(self, operation: str, names: Mapping[str, str]) -> str:
        """The error message: ``message`` when given, else the service's text."""
        if self.message is not None:
            return self.message
        resource = next((names[m] for m in (*_STREAM_MEMBERS, *_CHANNEL_MEMBERS) if m in names), "")
        if self.error == "ClientLimitExceededException":
            # AWS_BEHAVIOUR.md, "Throttling text" (parser-library #96).
            return (
                f"Limit exceeded on number of requests for {operation} API for resource "
                f"'{resource}'"
            )
        return f"{self.error} (injected by kvsmock)"


class Faults:
    """The faults of one mock: ``mock.faults``. Thread-safe.

    Probabilities are drawn from a :class:`random.Random` of the mock's seed of their own, so
    a fault never shifts the ids of resources.
    """

    def __init__(self, seed: object) -> None:
        self._lock = threading.Lock()
        self._faults: List[Fault] = []
        self._rng = random.Random(None if seed is None else f"faults-{seed}")
        self._next_id = 1
        self._calls: List[Dict[str, Any]] = []

    def add(
        self,
        operation: str = ANY,
        *,
        error: Optional[str] = None,
        message: Optional[str] = None,
        times: Optional[int] = None,
        probability: float = 1.0,
        service: Optional[str] = None,
        stream: Optional[str] = None,
        channel: Optional[str] = None,
        delay_seconds: float = 0.0,
        disconnect_after_bytes: Optional[int] = None,
        ack_error: Optional[int] = None,
    ) -> Fault:
        """Inject a fault into the calls that match.

        Args:
            operation: an operation name of the five KVS services (``GetDataEndpoint``),
                ``"PutMedia"``, or ``"*"`` for any.
            error: the error code the matching calls answer; one of the operation's modeled
                errors (for ``"*"``, of at least one operation; it then hits only operations
                that declare it). Status and message as the service sends them. For
                PutMedia, one of its documented errors (:data:`PUT_MEDIA_ERRORS`), answered
                before any acknowledgement, the stream not looked up.
            message: the error message instead of the service's text.
            times: how many matching calls the fault hits (default: every one until removed).
            probability: the chance (0..1) that a matching call is hit, drawn from the seed.
            service: only this service (botocore name, ``"kinesis-video-archived-media"``).
            stream: only calls naming this stream (name or ARN).
            channel: only calls naming this signaling channel (name or ARN).
            delay_seconds: wait this long before answering (real time); for PutMedia,
                before the request is read.
            disconnect_after_bytes: the response body of GetMedia, GetClip,
                GetMediaForFragmentList (and any other payload) breaks after this many bytes,
                as a dropped connection does (botocore raises ``ResponseStreamingError``).
            ack_error: PutMedia only: the matching fragment gets an ``ERROR`` acknowledgement
                with this documented error id (4000-4012, 5000) and is not stored (not
                together with ``error`` or ``delay_seconds``).

        Raises:
            TypeError: ``operation``, ``error``, ``message``, ``service``, ``stream`` or
                ``channel`` not a str (None where allowed), ``ack_error`` not an int.
            ValueError: an unknown operation or service, an error the operation does not
                model, an unknown ack error id, a bad ``times``, ``probability``,
                ``delay_seconds`` or ``disconnect_after_bytes``, or a fault that does nothing.
        """
        from kvsmock.media.fragments import ERROR_NAMES  # media loads on first use

        for name, value in (
            ("operation", operation),
            ("error", error),
            ("message", message),
            ("service", service),
            ("stream", stream),
            ("channel", channel),
        ):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a str or None, not {value!r}")
        if ack_error is not None and (
            isinstance(ack_error, bool) or not isinstance(ack_error, int)
        ):
            raise TypeError(f"ack_error must be an int error id, not {ack_error!r}")
        if service is not None and service not in _model.SERVICE_NAMES.values():
            raise ValueError(f"unknown service {service!r}")
        if operation == PUT_MEDIA:
            if service not in (None, PUT_MEDIA_SERVICE):
                raise ValueError(f"PutMedia is an operation of {PUT_MEDIA_SERVICE}, not {service}")
            if disconnect_after_bytes is not None:
                raise ValueError(
                    "PutMedia faults are error (before any acknowledgement), ack_error (an "
                    "ERROR acknowledgement) or delay_seconds, not disconnect_after_bytes"
                )
            if ack_error is not None and (error is not None or delay_seconds):
                raise ValueError(
                    "ack_error hits one fragment: add error or delay_seconds (which hit the "
                    "request) as a fault of their own"
                )
            if ack_error is not None and ack_error not in ERROR_NAMES:
                raise ValueError(f"unknown PutMedia error id {ack_error!r}: {sorted(ERROR_NAMES)}")
            if error is not None and error not in PUT_MEDIA_ERRORS:
                raise ValueError(
                    f"PutMedia does not document {error!r}; its errors: "
                    f"{', '.join(sorted(PUT_MEDIA_ERRORS))}"
                )
        else:
            if ack_error is not None:
                raise ValueError("ack_error is for PutMedia only")
            services = _services_of(operation, service)
            if not services:
                raise ValueError(f"unknown operation {operation!r}")
            if error is not None:
                declared = set().union(
                    *(
                        _model.modeled_errors(s, op)
                        for s in services
                        for op in (_model.operation_names(s) if operation == ANY else [operation])
                    )
                )
                if error not in declared:
                    raise ValueError(
                        f"{operation} does not model {error!r}; its errors: "
                        f"{', '.join(sorted(declared))}"
                    )
        if times is not None and (
            isinstance(times, bool) or not isinstance(times, int) or times < 1
        ):
            raise ValueError(f"times must be a positive int or None, not {times!r}")
        if not _number_between(probability, 0.0, 1.0):
            raise ValueError(f"probability must be from 0 to 1, not {probability!r}")
        if not _number_between(delay_seconds, 0.0, 3600.0) or delay_seconds == 3600:
            raise ValueError(f"delay_seconds must be from 0 to 3600, not {delay_seconds!r}")
        if disconnect_after_bytes is not None and (
            isinstance(disconnect_after_bytes, bool)
            or not isinstance(disconnect_after_bytes, int)
            or disconnect_after_bytes < 0
        ):
            raise ValueError(
                f"disconnect_after_bytes must be an int >= 0, not {disconnect_after_bytes!r}"
            )
        if (
            error is None
            and ack_error is None
            and disconnect_after_bytes is None
            and not delay_seconds
        ):
            raise ValueError(
                "a fault needs error, ack_error, disconnect_after_bytes or delay_seconds"
            )
        fields = {
            "operation": operation,
            "service": service,
            "error": error,
            "message": message,
            "times": times,
            "probability": float(probability),
            "stream": stream,
            "channel": channel,
            "delay_seconds": float(delay_seconds),
            "disconnect_after_bytes": disconnect_after_bytes,
            "ack_error": ack_error,
        }
        with self._lock:
            fault = Fault(self, self._next_id, fields)
            self._next_id += 1
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        """Stop injecting ``fault``."""
        with self._lock:
            self._faults = [f for f in self._faults if f is not fault]

    def clear(self) -> None:
        """Remove every fault and forget :attr:`calls`."""
        with self._lock:
            self._faults = []
            self._calls = []

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    @property
    def calls(self) -> List[Dict[str, Any]]:
        """What the faults hit, in order: ``{"fault": id, "service", "operation", "error",
        "ack_error", "delay_seconds", "disconnect_after_bytes", "stream", "channel"}``."""
        with self._lock:
            return [dict(c) for c in self._calls]

    def match(
        self, service: str, operation: str, params: Mapping[str, Any], errors: Iterable[str] = ()
    ) -> Optional[Fault]:
        """The fault that hits this call (counted and recorded), or None.

        ``errors`` are the operation's modeled errors: a ``"*"`` fault whose error the
        operation does not declare passes it by.
        """
        if not self._faults:
            return None
        names = {k: v for k, v in params.items() if isinstance(v, str)}
        declared = frozenset(errors)
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or fault.ack_error is not None:
                    continue
                if not fault._matches(service, operation, names, declared):
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                self._fire(fault, service, operation, names)
                return fault
        return None

    def before_put_media(
        self, stream_name: Optional[str], stream_arn: Optional[str]
    ) -> Optional[Tuple[str, str]]:
        """A PutMedia request's fault, asked once per request before the stream is looked
        up: sleeps a matching fault's ``delay_seconds``, and returns ``(error code,
        message)`` when it names an ``error`` (answered before any acknowledgement), else
        None. Blocks for the delay: call it off an event loop."""
        params = {
            key: value
            for key, value in (("StreamName", stream_name), ("StreamARN", stream_arn))
            if value is not None
        }
        fault = self.match(PUT_MEDIA_SERVICE, PUT_MEDIA, params, PUT_MEDIA_ERRORS)
        if fault is None:
            return None
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if fault.error is None:
            return None
        return fault.error, fault.message_for(PUT_MEDIA, params)

    def ack_error(self, stream_name: str, stream_arn: str) -> Optional[int]:
        """The PutMedia error id for the next fragment of this stream, or None."""
        if not self._faults:
            return None
        names = {"StreamName": stream_name, "StreamARN": stream_arn}
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or fault.ack_error is None:
                    continue
                if not fault._matches("kinesis-video-media", PUT_MEDIA, names, frozenset()):
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                self._fire(fault, "kinesis-video-media", PUT_MEDIA, names)
                return fault.ack_error
        return None

    def _fire(self, fault: Fault, service: str, operation: str, names: Mapping[str, str]) -> None:
        fault.fired += 1
        if fault.exhausted:
            self._faults = [f for f in self._faults if f is not fault]
        self._calls.append(
            {
                "fault": fault.id,
                "service": service,
                "operation": operation,
                "error": fault.error,
                "ack_error": fault.ack_error,
                "delay_seconds": fault.delay_seconds,
                "disconnect_after_bytes": fault.disconnect_after_bytes,
                "stream": names.get("StreamName") or names.get("StreamARN"),
                "channel": names.get("ChannelName") or names.get("ChannelARN"),
            }
        )


def dropped(body: Any, after: int) -> Iterator[bytes]:
    """``body`` (bytes or an iterable of bytes) cut after ``after`` bytes: reading past them
    raises urllib3's ``ProtocolError``, as a connection dropped mid-body does (botocore's
    ``StreamingBody`` turns it into ``ResponseStreamingError``)."""
    from urllib3.exceptions import ProtocolError

    left = after
    for chunk in (body,) if isinstance(body, (bytes, bytearray)) else body:
        if len(chunk) > left:
            if left:
                yield bytes(chunk[:left])
            break
        left -= len(chunk)
        yield bytes(chunk)
    else:
        return  # the whole body fits: nothing to drop
    raise ProtocolError(
        "Connection broken: IncompleteRead", ConnectionResetError("kvsmock: injected disconnect")
    )
