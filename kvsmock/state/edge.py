"""Edge configuration: StartEdgeConfigurationUpdate, DescribeEdgeConfiguration,
DeleteEdgeConfiguration and ListEdgeAgentConfigurations.

``SyncStatus`` moves lazily, from timestamps: SYNCING -> ACKNOWLEDGED (halfway through
``transition_seconds``) -> IN_SYNC, and DELETING -> DELETING_ACKNOWLEDGED -> gone.
SYNC_FAILED and DELETE_FAILED come only from :meth:`EdgeMixin.fail_edge_sync` (the mock's
Edge Agent never loses connectivity). The configuration itself is plain data in
:mod:`kvsmock.state.resources`.
"""

from __future__ import annotations

import copy
import datetime as _dt
from typing import Any, Iterator, List, Mapping, Optional, Tuple

from kvsmock import _clock
from kvsmock.errors import ServiceError, invalid_argument, resource_in_use
from kvsmock.state._base import StoreBase, no_data_retention
from kvsmock.state._cron import quartz_cron_problem
from kvsmock.state.resources import (
    EDGE_ACKNOWLEDGED,
    EDGE_DELETE_FAILED,
    EDGE_DELETING,
    EDGE_DELETING_ACKNOWLEDGED,
    EDGE_SYNC_FAILED,
    EDGE_SYNCING,
    EdgeConfiguration,
    EdgeSyncState,
    Stream,
)

#: Statuses in which StartEdgeConfigurationUpdate raises ResourceInUseException ("wait for
#: the sync status to reach a terminal state such as IN_SYNC, or SYNC_FAILED").
EDGE_BUSY_STATUSES = frozenset(
    {
        EDGE_SYNCING,
        EDGE_ACKNOWLEDGED,
        EDGE_DELETING,
        EDGE_DELETING_ACKNOWLEDGED,
        EDGE_DELETE_FAILED,
    }
)
#: ``FailedStatusDetails`` when :meth:`Store.fail_edge_sync` is given none.
DEFAULT_SYNC_FAILED_DETAILS = (
    "The Edge Agent did not acknowledge the edge configuration within 15 minutes."
)
DEFAULT_DELETE_FAILED_DETAILS = "The Edge Agent could not delete the edge configuration."


def edge_configuration_not_found(stream_name: str) -> ServiceError:
    """``StreamEdgeConfigurationNotFoundException`` (HTTP 404): the stream has none."""
    return ServiceError(
        "StreamEdgeConfigurationNotFoundException",
        f"The edge configuration of the stream {stream_name} is not found.",
    )


def check_edge_config(edge_config: Mapping[str, Any]) -> None:
    """Enforce the documented rules of an ``EdgeConfig`` that the model cannot express.

    The recorder's and the uploader's ``ScheduleExpression`` must be Quartz cron
    expressions (the model only bounds their length, 11..100).

    Raises:
        ServiceError: ``InvalidArgumentException`` naming each bad schedule.
    """
    problems: List[str] = []
    for part in ("RecorderConfig", "UploaderConfig"):
        schedule = (edge_config.get(part) or {}).get("ScheduleConfig")
        if not schedule:
            continue
        expression = schedule["ScheduleExpression"]
        problem = quartz_cron_problem(expression)
        if problem is not None:
            problems.append(
                f"The ScheduleExpression '{expression}' of EdgeConfig.{part}.ScheduleConfig "
                f"is not a valid Quartz cron expression: {problem}."
            )
    if problems:
        raise invalid_argument(" ".join(problems))


class EdgeMixin(StoreBase):
    """The edge-configuration operations of a :class:`~kvsmock.state.Store`."""

    def edge_state(
        self, stream: Stream, now: Optional[_dt.datetime] = None
    ) -> Optional[EdgeSyncState]:
        """The edge configuration's ``SyncStatus`` and when it began, or ``None``.

        ``None`` when the stream has no edge configuration, including once a deletion has
        finished (the configuration is then dropped from the stream).
        """
        edge = stream.edge_configuration
        if edge is None:
            return None
        state = edge.state_at(now or _clock.now(), self.transition)
        if state is None:
            stream.edge_configuration = None
        return state

    def edge_sync_status(self, stream: Stream, now: Optional[_dt.datetime] = None) -> Optional[str]:
        """The ``SyncStatus`` of the stream's edge configuration now, or ``None`` if none."""
        state = self.edge_state(stream, now)
        return state.sync_status if state is not None else None

    def find_edge_configuration(
        self, stream: Stream, now: Optional[_dt.datetime] = None
    ) -> Tuple[EdgeConfiguration, EdgeSyncState]:
        """The stream's edge configuration and its sync state (DescribeEdgeConfiguration).

        Raises:
            ServiceError: ``StreamEdgeConfigurationNotFoundException`` (HTTP 404) when the
                stream has none or its deletion has finished.
        """
        state = self.edge_state(stream, now)
        edge = stream.edge_configuration
        if state is None or edge is None:
            raise edge_configuration_not_found(stream.name)
        return edge, state

    def start_edge_configuration_update(
        self,
        stream: Stream,
        edge_config: Mapping[str, Any],
        *,
        now: Optional[_dt.datetime] = None,
    ) -> EdgeConfiguration:
        """Apply ``StartEdgeConfigurationUpdate`` (API_StartEdgeConfigurationUpdate).

        Creates the configuration or replaces it; either way ``SyncStatus`` starts at
        SYNCING and moves to ACKNOWLEDGED halfway through ``transition_seconds`` and to
        IN_SYNC at its end. ``CreationTime`` is kept across updates.

        Args:
            stream: the stream the Edge Agent records and uploads to.
            edge_config: the ``EdgeConfig`` (API member names), already checked against
                the model.

        Raises:
            ServiceError: ``InvalidArgumentException`` for a schedule that is not a Quartz
                cron expression (:func:`check_edge_config`), or a ``HubDeviceArn`` other
                than the current one (move devices by deleting first);
                ``ResourceInUseException`` unless the stream is ACTIVE, and while a sync or
                deletion is in progress or failed deletion awaits a retry (SYNCING,
                ACKNOWLEDGED, DELETING, DELETING_ACKNOWLEDGED, DELETE_FAILED);
                ``NoDataRetentionException`` when the stream keeps no data (0 hours).
        """
        now = now or _clock.now()
        check_edge_config(edge_config)
        self.require_active(stream, now)
        state = self.edge_state(stream, now)
        current = stream.edge_configuration
        if current is not None and state is not None:
            if state.sync_status in EDGE_BUSY_STATUSES:
                raise resource_in_use(
                    f"The edge configuration of the stream {stream.name} is in "
                    f"{state.sync_status} status; wait for IN_SYNC or SYNC_FAILED before "
                    "updating it."
                )
            hub = edge_config["HubDeviceArn"]
            if hub != current.hub_device_arn:
                raise invalid_argument(
                    f"The edge configuration of the stream {stream.name} belongs to the hub "
                    f"device {current.hub_device_arn}; to move it to {hub}, call "
                    "DeleteEdgeConfiguration first."
                )
        if stream.data_retention_in_hours == 0:
            raise no_data_retention(stream.name)
        edge = EdgeConfiguration(
            copy.deepcopy(dict(edge_config)),
            creation_time=current.creation_time if current is not None else now,
            started=now,
        )
        stream.edge_configuration = edge
        return edge

    def delete_edge_configuration(
        self, stream: Stream, *, now: Optional[_dt.datetime] = None
    ) -> EdgeConfiguration:
        """Apply ``DeleteEdgeConfiguration`` (API_DeleteEdgeConfiguration).

        ``SyncStatus`` becomes DELETING, DELETING_ACKNOWLEDGED halfway through
        ``transition_seconds``, and the configuration is gone at its end. Deleting while a
        deletion is already in progress changes nothing; any other status (also a sync in
        progress, or DELETE_FAILED for a retry) starts the deletion.

        Raises:
            ServiceError: ``StreamEdgeConfigurationNotFoundException`` when there is none.
        """
        now = now or _clock.now()
        edge, state = self.find_edge_configuration(stream, now)
        if state.sync_status not in (EDGE_DELETING, EDGE_DELETING_ACKNOWLEDGED):
            edge.begin(EDGE_DELETING, now)
        return edge

    def fail_edge_sync(
        self,
        stream: Stream,
        details: Optional[str] = None,
        *,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Test helper: make the sync or deletion in progress fail, as a lost device would.

        A sync (SYNCING / ACKNOWLEDGED) becomes SYNC_FAILED, a deletion (DELETING /
        DELETING_ACKNOWLEDGED) DELETE_FAILED, with ``details`` as ``FailedStatusDetails``.

        Raises:
            ServiceError: ``StreamEdgeConfigurationNotFoundException`` when there is none.
            ValueError: when no sync or deletion is in progress.
        """
        now = now or _clock.now()
        edge, state = self.find_edge_configuration(stream, now)
        if state.sync_status in (EDGE_SYNCING, EDGE_ACKNOWLEDGED):
            edge.begin(EDGE_SYNC_FAILED, now)
            edge.failed_status_details = details or DEFAULT_SYNC_FAILED_DETAILS
        elif state.sync_status in (EDGE_DELETING, EDGE_DELETING_ACKNOWLEDGED):
            edge.begin(EDGE_DELETE_FAILED, now)
            edge.failed_status_details = details or DEFAULT_DELETE_FAILED_DETAILS
        else:
            raise ValueError(
                f"The edge configuration of {stream.name} is {state.sync_status}: no sync or "
                "deletion is in progress to fail."
            )

    def edge_configurations(
        self,
        hub_device_arn: str,
        *,
        after: Optional[str] = None,
        now: Optional[_dt.datetime] = None,
    ) -> Iterator[Tuple[Stream, EdgeConfiguration, EdgeSyncState]]:
        """The edge configurations of one hub device, in stream-name order after ``after``.

        Used by ``ListEdgeAgentConfigurations``; callers hold :attr:`lock` while iterating.
        """
        now = now or _clock.now()
        for stream in self.iter_streams(after=after, now=now):
            edge = stream.edge_configuration
            if edge is None or edge.hub_device_arn != hub_device_arn:
                continue
            state = self.edge_state(stream, now)
            if state is not None:
                yield stream, edge, state
