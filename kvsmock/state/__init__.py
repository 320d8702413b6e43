"""The in-memory backend: one :class:`Store` per mock, account and region.

Pure Python and no botocore: resources, the rules that keep them consistent, and lookups
that raise the service's errors. Handlers in :mod:`kvsmock.services` translate between
request params and these methods; tests call the same methods to seed and inspect state
without API calls (``mock.state(account_id=..., region=...)``).

The modules, from the bottom up (a module imports only modules below it; a test keeps it so):

- :mod:`~kvsmock.state.resources` — the plain resource objects: streams, channels and the
  configurations a stream carries;
- :mod:`~kvsmock.state._cron` — Quartz cron expressions (edge schedules);
- :mod:`~kvsmock.state._base` — the shared machinery: lifecycle (CREATING / UPDATING /
  DELETING from timestamps, never threads), the tables and lookups, versions and tags;
- one module per kind of resource, each a mixin of the shared machinery that imports
  none of the others: :mod:`~kvsmock.state.streams`, :mod:`~kvsmock.state.channels`
  (signaling channels and their media storage links), :mod:`~kvsmock.state.configurations`
  (image generation, notifications, storage tier), :mod:`~kvsmock.state.edge` (edge
  configurations), :mod:`~kvsmock.state.webrtc` (TURN credentials, Alexa offers, WebRTC
  storage sessions);
- this package: :class:`Store`, which combines them.
"""

from __future__ import annotations

from kvsmock.state._base import (
    DEFAULT_CHANNEL_LIMIT,
    DEFAULT_KMS_ALIAS,
    DEFAULT_STREAM_LIMIT,
    MAX_TAGS_PER_RESOURCE,
    Resource,
    no_data_retention,
    tags_limit,
)
from kvsmock.state._cron import quartz_cron_problem
from kvsmock.state.channels import (
    CHANNEL_ENDPOINT_FLEET,
    CHANNEL_ENDPOINT_PREFIXES,
    MAX_MESSAGE_TTL_SECONDS,
    MIN_MESSAGE_TTL_SECONDS,
    ChannelsMixin,
)
from kvsmock.state.configurations import (
    STORAGE_TIERS,
    ConfigurationsMixin,
    check_image_generation_configuration,
    check_notification_configuration,
)
from kvsmock.state.edge import (
    EDGE_BUSY_STATUSES,
    EdgeMixin,
    check_edge_config,
    edge_configuration_not_found,
)
from kvsmock.state.resources import (
    ACTIVE,
    CREATING,
    DEFAULT_JPEG_QUALITY,
    DEFAULT_MESSAGE_TTL_SECONDS,
    DELETING,
    SINGLE_MASTER,
    UPDATING,
    EdgeConfiguration,
    EdgeSyncState,
    ImageGenerationConfiguration,
    NotificationConfiguration,
    SignalingChannel,
    Stream,
)
from kvsmock.state.streams import (
    DEFAULT_ENDPOINT_FLEET,
    ENDPOINT_FLEET,
    MAX_DATA_RETENTION_IN_HOURS,
    StreamsMixin,
)
from kvsmock.state.webrtc import (
    ICE_SERVER_COUNT,
    ICE_SERVER_TTL_SECONDS,
    AlexaOffer,
    IceServer,
    StorageSession,
    WebRTCMixin,
)


class Store(StreamsMixin, ChannelsMixin, ConfigurationsMixin, EdgeMixin, WebRTCMixin):
    """All resources of one account in one region, behind one lock.

    Args:
        account_id: 12-digit AWS account id.
        region: region name; its partition and DNS suffix come from botocore's endpoint data.
        rng: the mock's seeded random source (versions, endpoint ids).
        partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ...; dns_suffix: ``amazonaws.com``, ...
        transition_seconds: how long CREATING / UPDATING / DELETING last (seconds).
        stream_limit: streams allowed before ``AccountStreamLimitExceededException``.
        channel_limit: channels allowed before ``AccountChannelLimitExceededException``.

    Every method that changes state applies the same rules as the API operation of the same
    name and raises the same :class:`kvsmock.errors.ServiceError`; hold :attr:`lock` around
    several calls that must be atomic together.
    """

    def __repr__(self) -> str:
        return (
            f"<Store account_id={self.account_id!r} region={self.region!r}: "
            f"{len(self.streams)} stream(s), {len(self.channels)} signaling channel(s)>"
        )


__all__ = [
    "ACTIVE",
    "CHANNEL_ENDPOINT_FLEET",
    "CHANNEL_ENDPOINT_PREFIXES",
    "CREATING",
    "DEFAULT_CHANNEL_LIMIT",
    "DEFAULT_ENDPOINT_FLEET",
    "DEFAULT_JPEG_QUALITY",
    "DEFAULT_KMS_ALIAS",
    "DEFAULT_MESSAGE_TTL_SECONDS",
    "DEFAULT_STREAM_LIMIT",
    "DELETING",
    "EDGE_BUSY_STATUSES",
    "ENDPOINT_FLEET",
    "ICE_SERVER_COUNT",
    "ICE_SERVER_TTL_SECONDS",
    "MAX_DATA_RETENTION_IN_HOURS",
    "MAX_MESSAGE_TTL_SECONDS",
    "MAX_TAGS_PER_RESOURCE",
    "MIN_MESSAGE_TTL_SECONDS",
    "SINGLE_MASTER",
    "STORAGE_TIERS",
    "UPDATING",
    "AlexaOffer",
    "EdgeConfiguration",
    "EdgeSyncState",
    "IceServer",
    "ImageGenerationConfiguration",
    "NotificationConfiguration",
    "Resource",
    "SignalingChannel",
    "StorageSession",
    "Store",
    "Stream",
    "check_edge_config",
    "check_image_generation_configuration",
    "check_notification_configuration",
    "edge_configuration_not_found",
    "no_data_retention",
    "quartz_cron_problem",
    "tags_limit",
]
