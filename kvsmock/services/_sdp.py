"""SDP answers for SendAlexaOfferToMaster: what a simulated single master would answer.

The answer keeps the offer's media sections in order (same media, protocol, ``mid`` and
BUNDLE group) and, like the KVS WebRTC C SDK master, accepts one format per section: the
offer's first, with its ``rtpmap``/``fmtp``/``rtcp-fb`` lines. It answers ``a=setup:active``
(the offerer is ``actpass``), flips the direction (``sendonly`` <-> ``recvonly``), and uses
one ICE ufrag/pwd and one DTLS fingerprint from the mock's seeded rng, so a seeded run gives
the same answer. It carries no candidates (trickle ICE). RFC 3264 and RFC 8829 shape it.
"""

from __future__ import annotations

import random
from typing import List, Optional

_DIRECTIONS = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}
_ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#: Attributes of an offered format that the answer keeps for the format it accepts.
_FORMAT_ATTRIBUTES = ("a=rtpmap:", "a=fmtp:", "a=rtcp-fb:")
#: Attributes of a data-channel section the answer repeats.
_SCTP_ATTRIBUTES = ("a=sctp-port:", "a=max-message-size:")


class BadOffer(ValueError):
    """The payload is not an SDP offer kvsmock can answer (its message says why)."""


def answer(offer: str, rng: random.Random) -> str:
    """The SDP answer (CRLF lines) of a simulated master to an SDP ``offer``.

    Raises:
        BadOffer: when ``offer`` does not start with ``v=0`` or has no ``m=`` section.
    """
    lines = [line.rstrip("\r") for line in offer.split("\n")]
    lines = [line for line in lines if line]
    if not lines or lines[0] != "v=0":
        raise BadOffer("The SDP offer must start with v=0.")
    sections: List[List[str]] = []
    session: List[str] = []
    for line in lines:
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            session.append(line)
    if not sections:
        raise BadOffer("The SDP offer has no media section (m=).")
    ufrag = "".join(rng.choices(_ICE_CHARS[:62], k=4))
    pwd = "".join(rng.choices(_ICE_CHARS, k=24))
    fingerprint = ":".join(f"{rng.getrandbits(8):02X}" for _ in range(32))
    session_id = rng.randrange(10**18, 10**19)
    out = ["v=0", f"o=- {session_id} 2 IN IP4 127.0.0.1", "s=-", "t=0 0"]
    out.extend(line for line in session if line.startswith("a=group:BUNDLE"))
    for section in sections:
        out.extend(_answer_section(section, ufrag, pwd, fingerprint))
    return "\r\n".join(out) + "\r\n"


def _answer_section(section: List[str], ufrag: str, pwd: str, fingerprint: str) -> List[str]:
    fields = section[0][2:].split()
    if len(fields) < 4:
        raise BadOffer(f"Malformed media line: {section[0]}")
    media, port, proto, formats = fields[0], fields[1], fields[2], fields[3:]
    attrs = section[1:]
    mid = _first(attrs, "a=mid:")
    if port == "0":  # rejected in the offer: rejected in the answer (RFC 3264 section 6)
        out = [f"m={media} 0 {proto} {formats[0]}", "c=IN IP4 0.0.0.0"]
        return out + ([f"a=mid:{mid}"] if mid is not None else [])
    chosen = formats[0]
    out = [f"m={media} 9 {proto} {chosen}", "c=IN IP4 0.0.0.0"]
    if media != "application":
        out.append("a=rtcp:9 IN IP4 0.0.0.0")
    out += [
        f"a=ice-ufrag:{ufrag}",
        f"a=ice-pwd:{pwd}",
        "a=ice-options:trickle",
        f"a=fingerprint:sha-256 {fingerprint}",
        "a=setup:active",
    ]
    if mid is not None:
        out.append(f"a=mid:{mid}")
    if media == "application":
        out.extend(a for a in attrs if a.startswith(_SCTP_ATTRIBUTES))
        return out
    direction = next((a[2:] for a in attrs if a[2:] in _DIRECTIONS), "sendrecv")
    out.append(f"a={_DIRECTIONS[direction]}")
    if "a=rtcp-mux" in attrs:
        out.append("a=rtcp-mux")
    prefixes = tuple(f"{p}{chosen} " for p in _FORMAT_ATTRIBUTES)
    out.extend(a for a in attrs if a.startswith(prefixes))
    return out


def _first(attrs: List[str], prefix: str) -> Optional[str]:
    return next((a[len(prefix) :] for a in attrs if a.startswith(prefix)), None)
