"""Many threads and clients hammering one mock: create / update / tag / delete / list.

Checked: no Python exception out of any call, only the error codes the situation allows,
exactly one winner per name created concurrently, no lost tag or update (every accepted
UpdateStream used a Version nobody else's accepted update used, and the final Version is new),
and pagination that never repeats a stream nor skips one that exists throughout.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Set, Tuple

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock

THREADS = 8
ROUNDS = 30
ACCOUNTS = {"AKIAHAMMERAAAAAAAAAA": "111111111111", "AKIAHAMMERBBBBBBBBBB": "222222222222"}
REGIONS = ("us-east-1", "eu-west-1")
STABLE = [f"stable-{i:02d}" for i in range(12)]  # exist throughout; never touched
SHARED = [f"shared-{i}" for i in range(3)]  # everyone updates and tags these
#: Codes a call may answer under contention, by operation.
ALLOWED = {
    "create_stream": {"ResourceInUseException"},
    "update_stream": {"VersionMismatchException", "ResourceInUseException"},
    "describe_stream": set(),
    "tag_stream": set(),
    "untag_stream": set(),
    "delete_stream": {"ResourceNotFoundException", "ResourceInUseException"},
    "list_streams": set(),
}


class Log:
    """What the threads saw, shared under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.created: Counter[Tuple[str, str, str]] = Counter()
        self.accepted_updates: Dict[Tuple[str, str, str], List[str]] = {}
        self.errors: List[str] = []
        self.calls = 0


def call(log: Log, client: Any, operation: str, **params: Any) -> Tuple[Optional[str], Any]:
    """Make a call; return (error code or None, result). Anything unexpected is recorded."""
    with log.lock:
        log.calls += 1
    try:
        return None, getattr(client, operation)(**params)
    except ClientError as e:
        code = str(e.response["Error"]["Code"])
        if code not in ALLOWED[operation]:
            with log.lock:
                log.errors.append(f"{operation}{params}: {code} {e}")
        return code, None
    except Exception as e:  # any other exception is the failure under test
        with log.lock:
            log.errors.append(f"{operation}{params}: {type(e).__name__}: {e}")
        return "exception", None


def list_all(log: Log, client: Any, page_size: int) -> List[str]:
    names: List[str] = []
    token: Optional[str] = None
    while True:
        params: Dict[str, Any] = {"MaxResults": page_size}
        if token:
            params["NextToken"] = token
        code, page = call(log, client, "list_streams", **params)
        if code is not None:
            return names
        names.extend(s["StreamName"] for s in page["StreamInfoList"])
        token = page.get("NextToken")
        if not token:
            return names


def worker(index: int, log: Log, clients: Dict[Tuple[str, str], Any], barrier: Any) -> None:
    rng = random.Random(index)
    barrier.wait(timeout=60)
    for round_ in range(ROUNDS):
        identity = rng.choice(list(clients))
        client = clients[identity]
        scope = (ACCOUNTS[identity[0]], identity[1])
        # A name all threads race to create this round: exactly one may win.
        race = f"race-{round_}"
        code, _ = call(log, client, "create_stream", StreamName=race)
        if code is None:
            with log.lock:
                log.created[(*scope, race)] += 1
        # Optimistic update of a shared stream.
        name = rng.choice(SHARED)
        code, described = call(log, client, "describe_stream", StreamName=name)
        if code is None:
            version = described["StreamInfo"]["Version"]
            code, _ = call(
                log,
                client,
                "update_stream",
                StreamName=name,
                CurrentVersion=version,
                DeviceName=f"t{index}",
            )
            if code is None:
                with log.lock:
                    log.accepted_updates.setdefault((*scope, name), []).append(version)
        # Tags: every thread its own keys on a shared stream; none may be lost.
        call(log, client, "tag_stream", StreamName=name, Tags={f"t{index}-r{round_}": "v"})
        if round_ % 3 == 0:
            call(log, client, "untag_stream", StreamName=name, TagKeyList=["nobody"])
        # Own streams: create and delete.
        own = f"own-{index}-{round_}"
        code, created = call(log, client, "create_stream", StreamName=own)
        if code is None and round_ % 2 == 0:
            call(log, client, "delete_stream", StreamARN=created["StreamARN"])
        # Paginate while everything else is going on.
        listed = list_all(log, client, page_size=rng.choice([1, 3, 7]))
        repeated = [n for n, c in Counter(listed).items() if c > 1]
        missing = [n for n in STABLE + SHARED if n not in listed]
        if repeated or missing:
            with log.lock:
                log.errors.append(f"pagination repeated {repeated} and skipped {missing}")


def test_hammer_shared_and_distinct_streams() -> None:
    with KinesisVideoMock(accounts=ACCOUNTS, seed=11) as mock:
        for key, region in ((k, r) for k in ACCOUNTS for r in REGIONS):
            store = mock.state(ACCOUNTS[key], region=region)
            for name in STABLE + SHARED:
                store.create_stream(name, data_retention_in_hours=1)
        session = boto3.session.Session()
        config = Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS)
        identities = [(k, r) for k in ACCOUNTS for r in REGIONS]
        clients_per_thread = [
            {
                (k, r): session.client(
                    "kinesisvideo",
                    region_name=r,
                    aws_access_key_id=k,
                    aws_secret_access_key="hammer-secret",
                    config=config,
                )
                for k, r in identities
            }
            for _ in range(THREADS)
        ]
        log = Log()
        barrier = threading.Barrier(THREADS)
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [
                pool.submit(worker, i, log, clients_per_thread[i], barrier) for i in range(THREADS)
            ]
            for future in futures:
                future.result()

        assert log.errors == []
        assert log.calls > THREADS * ROUNDS * 6
        # No duplicate: each raced name was created once per account and region it was tried in.
        assert all(count == 1 for count in log.created.values()), log.created
        for (account, region, name), used in log.accepted_updates.items():
            # No lost update: an accepted update consumed its Version; nobody else's accepted
            # update can have used the same one, and the stream has moved on from all of them.
            assert len(used) == len(set(used)), (name, used)
            final = mock.state(account, region=region).find_stream(name).version
            assert final not in used
        for account, region in ((ACCOUNTS[k], r) for k, r in identities):
            store = mock.state(account, region=region)
            names = [s.name for s in store.streams]
            assert len(names) == len(set(names))
            assert set(STABLE + SHARED) <= set(names)
            seen_keys: Set[str] = set()
            for name in SHARED:
                seen_keys |= set(store.find_stream(name).tags)
            tagged = {
                f"t{i}-r{r}" for i in range(THREADS) for r in range(ROUNDS)
            }  # every tag some thread sent to this account and region is there
            assert seen_keys <= tagged
        total_tags = sum(
            len(mock.state(ACCOUNTS[k], region=r).find_stream(n).tags)
            for k, r in identities
            for n in SHARED
        )
        assert total_tags == THREADS * ROUNDS  # no lost tag (each thread tags once a round)
