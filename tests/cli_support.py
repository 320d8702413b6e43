"""The AWS CLI (``awscli``) driven in-process: one harness for every CLI test.

Isolation: the user's ``~/.aws`` (config, credentials, CLI aliases, ``~/.aws/models``) and
``AWS_*`` variables are kept out, and the mock is started after that cleanup so its fake
credentials stay. awscli adds a stream handler to the ``awscli`` logger on every ``main()``;
the ``aws`` fixture removes it again after each test.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Iterator, Optional, Tuple

import pytest

REGION = "us-east-1"


def isolate_from_local_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ``AWS_*`` variables and an empty home, so nothing of the user's setup is read."""
    data_path = os.environ.get("AWS_DATA_PATH")
    import awscli  # after botocore (see Cli.run)

    # The first ``import awscli`` adds its data directory to AWS_DATA_PATH for good; undo
    # that, so only the CLI tests (through monkeypatch) run with it.
    if data_path is None:
        os.environ.pop("AWS_DATA_PATH", None)
    else:
        os.environ["AWS_DATA_PATH"] = data_path
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    # Only awscli's own data (cli.json); a user's AWS_DATA_PATH could shadow service models.
    monkeypatch.setenv("AWS_DATA_PATH", str(Path(awscli.__file__).parent / "data"))
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # ~/.aws/cli/alias, ~/.aws/models
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-such-credentials"))


def restore_awscli_logger() -> Iterator[None]:
    """Undo ``CLIDriver.main``'s ``set_stream_logger('awscli', ...)`` when resumed.

    Each call sets the ``awscli`` logger to DEBUG and adds a handler bound to the
    ``sys.stderr`` of that moment (capsys' buffer, closed after the test).
    """
    logger = logging.getLogger("awscli")
    saved = (logger.level, list(logger.handlers), logger.propagate)
    yield
    logger.setLevel(saved[0])
    logger.handlers[:] = saved[1]
    logger.propagate = saved[2]


class Cli:
    """Runs ``aws kinesisvideo ...`` in-process and captures what it prints."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def run(self, *args: str) -> Tuple[int, str, str]:
        """``(exit code, stdout, stderr)`` of one ``aws kinesisvideo`` command."""
        # Imported here, never before botocore: importing awscli installs a meta path
        # finder that makes a *later* ``import botocore`` load awscli's vendored copy.
        from awscli.clidriver import create_clidriver

        self.capsys.readouterr()
        argv = ["kinesisvideo", *args, "--region", REGION, "--output", "json"]
        rc = create_clidriver().main(argv)
        out, err = self.capsys.readouterr()
        return rc, out, err

    def call(self, *args: str) -> Tuple[int, Optional[Any], str]:
        """``(exit code, parsed JSON stdout or None, stderr)`` of one command."""
        rc, out, err = self.run(*args)
        return rc, (json.loads(out) if out.strip() else None), err

    def json(self, *args: str) -> Any:
        """The parsed JSON of a command that must succeed (``None`` if it printed nothing)."""
        rc, out, err = self.run(*args)
        assert (rc, err) == (0, ""), err
        return json.loads(out) if out else None
