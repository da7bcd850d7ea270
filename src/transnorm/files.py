"""Durable file writing shared by the run writer, the reports, the review loop and the ledger.

A reader (a person, a scheduled job, a crashed run's successor) must see either the old
file or the complete new one, never half a file under the final name.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str = "utf-8", errors: str = "strict",
                newline: str | None = None) -> Iterator[IO]:
    """Write to a temp file in the same folder; fsync and rename it into place on success.

    mode "w" (text, with encoding/errors/newline) or "wb" (bytes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its 0600 would make reports unreadable to the team; 0666 minus the umask is
    # what an ordinary write gives.
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with naming(path):
            text = {} if "b" in mode else {"encoding": encoding, "errors": errors, "newline": newline}
            with os.fdopen(fd, mode, **text) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError without a file name (a write on a full disk) gets `path`, so its message names it."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8", errors: str = "strict") -> None:
    with atomic_open(path, encoding=encoding, errors=errors, newline="") as fh:
        fh.write(text)
