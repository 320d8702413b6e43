"""The in-memory backend: one :class:`Store` per mock, account and region.

Pure Python and no botocore: resources, the rules that keep them consistent, and lookups
that raise the service's errors. Handlers in :mod:`kvsmock.services` translate between
request params and these methods; tests call the same methods to seed and inspect state
without API calls (``mock.state(account_id=..., region=...)``).

One module per kind of resource; :class:`Store` combines them:

- :mod:`~kvsmock.state._base` — lifecycle (CREATING / UPDATING / DELETING from timestamps,
  never threads), lookups, versions and tags shared by streams and channels;
- :mod:`~kvsmock.state.streams` — streams;
- :mod:`~kvsmock.state.channels` — signaling channels and WebRTC media storage links;
- :mod:`~kvsmock.state.configurations` — image generation, notification, storage tier;
- :mod:`~kvsmock.state.edge` — edge configurations;
- :mod:`~kvsmock.state.webrtc` — TURN credentials, Alexa offers, WebRTC storage sessions;
- :mod:`~kvsmock.state.resources` — the plain resource objects.
"""

from __future__ import annotations

from kvsmock.state._base import (
    DEFAULT_CHANNEL_LIMIT,
    DEFAULT_STREAM_LIMIT,
    MAX_TAGS_PER_RESOURCE,
    Resource,
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
    DEFAULT_JPEG_QUALITY,
    STORAGE_TIERS,
    ConfigurationsMixin,
    ImageGenerationConfiguration,
    NotificationConfiguration,
    check_image_generation_configuration,
    check_notification_configuration,
    no_data_retention,
)
from kvsmock.state.edge import (
    EDGE_BUSY_STATUSES,
    EdgeConfiguration,
    EdgeMixin,
    EdgeSyncState,
    check_edge_config,
    edge_configuration_not_found,
)
from kvsmock.state.resources import (
    ACTIVE,
    CREATING,
    DEFAULT_MESSAGE_TTL_SECONDS,
    DELETING,
    SINGLE_MASTER,
    UPDATING,
    SignalingChannel,
    Stream,
)
from kvsmock.state.streams import (
    DEFAULT_ENDPOINT_FLEET,
    DEFAULT_KMS_ALIAS,
    ENDPOINT_FLEET,
    MAX_DATA_RETENTION_IN_HOURS,
)
from kvsmock.state.webrtc import (
    ICE_SERVER_COUNT,
    ICE_SERVER_TTL_SECONDS,
    AlexaOffer,
    IceServer,
    StorageSession,
    WebRTCMixin,
)


class Store(WebRTCMixin, EdgeMixin, ConfigurationsMixin, ChannelsMixin):
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
