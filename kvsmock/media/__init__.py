"""The media plane behind one small API: ingest Matroska, keep fragments, read them back.

- :func:`put_media` ingests a payload (PutMedia) and returns the acknowledgements;
- :func:`fragment_log` gives a stream's :class:`FragmentLog` (fragments, tracks) to inspect;
- :func:`stored` (searchable by number and time), :func:`readable`, :func:`start_index`,
  :func:`get_media_chunks`, :func:`fragment_list_chunks` and :func:`not_found_chunk`
  serve the read handlers.

- :func:`test_pattern` makes test media (Matroska as a producer writes it), and
  :mod:`kvsmock.media.camera` a simulated producer on the mock's clock (``mock.camera``).

Importing this package loads no Matroska library; ``ebmlite`` is imported on first use.
"""

from __future__ import annotations

from kvsmock.media.fragments import (
    ERROR_NAMES,
    MEDIA_CONTENT_TYPE,
    ZERO_RETENTION_BUFFER,
    Fragment,
    FragmentLog,
    MediaState,
    Stored,
    fragment_list_chunks,
    fragment_log,
    get_media_chunks,
    media_state,
    not_found_chunk,
    put_media,
    read_payload,
    readable,
    start_index,
    stored,
)
from kvsmock.media.pattern import test_pattern

__all__ = [
    "ERROR_NAMES",
    "MEDIA_CONTENT_TYPE",
    "ZERO_RETENTION_BUFFER",
    "Fragment",
    "FragmentLog",
    "MediaState",
    "Stored",
    "fragment_list_chunks",
    "fragment_log",
    "get_media_chunks",
    "media_state",
    "not_found_chunk",
    "put_media",
    "read_payload",
    "readable",
    "start_index",
    "stored",
    "test_pattern",
]
