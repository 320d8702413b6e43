"""Stream configurations: image generation, notifications and the storage tier.

API_UpdateImageGenerationConfiguration, API_UpdateNotificationConfiguration,
API_UpdateStreamStorageConfiguration. The model has already checked enums, lengths and
patterns; the rules here are the documented ones the model cannot express. The
configurations themselves are plain data in :mod:`kvsmock.state.resources`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Optional

from kvsmock import _clock
from kvsmock.errors import invalid_argument
from kvsmock.state._base import StoreBase, no_data_retention
from kvsmock.state.resources import (
    JPEG_QUALITY_KEY,
    UPDATING,
    ImageGenerationConfiguration,
    NotificationConfiguration,
    Stream,
)

#: ``StreamStorageConfiguration.DefaultStorageTier`` values; HOT is the default.
STORAGE_TIERS = ("HOT", "WARM")
#: The documented range of the ``FormatConfig`` value of ``JPEGQuality``
#: (API_ImageGenerationConfiguration: "accepts ints from 1 to 100").
MIN_JPEG_QUALITY, MAX_JPEG_QUALITY = 1, 100
#: Documented minimum ``SamplingInterval`` in milliseconds ("The minimum value ... is 200 ms").
MIN_SAMPLING_INTERVAL_MS = 200
#: Images are delivered to an S3 bucket (gs-s3Delivery: ``"Uri": "s3://bucket-name"``):
#: ``s3://<bucket>[/<prefix>]`` with an S3 bucket name (3-63 of ``[a-z0-9.-]``).
S3_DESTINATION_URI = r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^*]*)?"  # re compiles on use
#: Notifications go to an SNS standard topic (notifications.html; FIFO topics are not
#: supported): ``arn:<partition>:sns:<region>:<account>:<topic>``.
SNS_TOPIC_ARN = r"arn:[a-z0-9-]+:sns:[a-z0-9-]+:[0-9]{12}:([A-Za-z0-9_-]{1,256})(\.fifo)?"


def check_image_generation_configuration(config: ImageGenerationConfiguration, region: str) -> None:
    """Enforce the documented rules the model cannot express.

    * ``SamplingInterval`` is at least 200 ms (the model declares no bounds);
    * the ``FormatConfig`` value of ``JPEGQuality`` is an integer from 1 to 100;
    * ``DestinationConfig.Uri`` is an S3 URI, ``s3://<bucket>[/<prefix>]``;
    * ``DestinationConfig.DestinationRegion`` "must match the Region where the stream is
      located".

    Raises:
        ServiceError: ``InvalidArgumentException`` naming the first broken rule.
    """
    path = "imageGenerationConfiguration"
    if config.sampling_interval < MIN_SAMPLING_INTERVAL_MS:
        raise invalid_argument(
            f"1 validation error detected: Value '{config.sampling_interval}' at "
            f"'{path}.samplingInterval' failed to satisfy constraint: Member must have value "
            f"greater than or equal to {MIN_SAMPLING_INTERVAL_MS}"
        )
    quality = (config.format_config or {}).get(JPEG_QUALITY_KEY)
    if quality is not None and not (
        _is_number(quality) and MIN_JPEG_QUALITY <= int(quality) <= MAX_JPEG_QUALITY
    ):
        raise invalid_argument(
            f"The FormatConfig value of {JPEG_QUALITY_KEY} must be an integer from "
            f"{MIN_JPEG_QUALITY} to {MAX_JPEG_QUALITY}, not '{quality}'."
        )
    if re.fullmatch(S3_DESTINATION_URI, config.destination_uri) is None:
        raise invalid_argument(
            f"The DestinationConfig Uri '{config.destination_uri}' is not an Amazon S3 URI "
            "(s3://<bucket>[/<prefix>])."
        )
    if config.destination_region != region:
        raise invalid_argument(
            f"The DestinationRegion {config.destination_region} must match the Region of the "
            f"stream, {region}."
        )


def check_notification_configuration(config: NotificationConfiguration) -> None:
    """Enforce that the destination is an SNS standard topic ARN (FIFO is not supported).

    Raises:
        ServiceError: ``InvalidArgumentException`` otherwise.
    """
    match = re.fullmatch(SNS_TOPIC_ARN, config.destination_uri)
    if match is None:
        raise invalid_argument(
            f"The DestinationConfig Uri '{config.destination_uri}' is not the ARN of an "
            "Amazon SNS topic."
        )
    if match.group(2):
        raise invalid_argument(
            f"The Amazon SNS topic {config.destination_uri} is a FIFO topic; Kinesis Video "
            "Streams notifications support only standard topics."
        )


class ConfigurationsMixin(StoreBase):
    """The stream-configuration operations of a :class:`~kvsmock.state.Store`."""

    def update_image_generation_configuration(
        self,
        stream: Stream,
        config: Optional[ImageGenerationConfiguration],
        *,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Apply ``UpdateImageGenerationConfiguration`` (API_UpdateImageGenerationConfiguration).

        Args:
            stream: the stream to configure.
            config: the new configuration, or ``None`` to delete it ("If the structure is
                null, the configuration will be deleted from the stream").

        Raises:
            ServiceError: ``InvalidArgumentException`` for a member that breaks a documented
                rule (see :func:`check_image_generation_configuration`);
                ``ResourceInUseException`` unless the stream is ACTIVE;
                ``NoDataRetentionException`` when enabling on a stream with 0 hours of
                retention.
        """
        now = now or _clock.now()
        if config is not None:
            check_image_generation_configuration(config, self.region)
        self.require_active(stream, now)
        if config is not None and config.enabled and stream.data_retention_in_hours == 0:
            raise no_data_retention(stream.name)
        stream.image_generation_configuration = config

    def update_notification_configuration(
        self,
        stream: Stream,
        config: Optional[NotificationConfiguration],
        *,
        now: Optional[_dt.datetime] = None,
    ) -> None:
        """Apply ``UpdateNotificationConfiguration`` (API_UpdateNotificationConfiguration).

        Args:
            stream: the stream to configure.
            config: the new configuration, or ``None`` to delete it.

        Raises:
            ServiceError: ``InvalidArgumentException`` unless the destination is an SNS
                standard topic ARN (see :func:`check_notification_configuration`);
                ``ResourceInUseException`` unless the stream is ACTIVE;
                ``NoDataRetentionException`` when enabling on a stream with 0 hours of
                retention.
        """
        now = now or _clock.now()
        if config is not None:
            check_notification_configuration(config)
        self.require_active(stream, now)
        if config is not None and config.enabled and stream.data_retention_in_hours == 0:
            raise no_data_retention(stream.name)
        stream.notification_configuration = config

    def update_storage_tier(
        self, stream: Stream, tier: str, *, now: Optional[_dt.datetime] = None
    ) -> None:
        """Apply ``UpdateStreamStorageConfiguration``: a new ``DefaultStorageTier``.

        Like ``UpdateStream`` it is asynchronous: the stream gets a new Version and is
        UPDATING for ``transition_seconds``, then ACTIVE (API_UpdateStreamStorageConfiguration).
        The caller checks ``CurrentVersion`` first (:meth:`check_version`).

        Raises:
            ServiceError: ``InvalidArgumentException`` for a tier other than HOT / WARM;
                ``ResourceInUseException`` unless the stream is ACTIVE.
        """
        now = now or _clock.now()
        if tier not in STORAGE_TIERS:
            raise invalid_argument(
                f"1 validation error detected: Value '{tier}' at "
                "'streamStorageConfiguration.defaultStorageTier' failed to satisfy "
                f"constraint: Member must satisfy enum value set: [{', '.join(STORAGE_TIERS)}]"
            )
        self.require_active(stream, now)
        stream.storage_tier = tier
        stream.version = _clock.new_version(self.rng)
        self._begin(stream, UPDATING, now)


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()
