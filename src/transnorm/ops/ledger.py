"""Incremental, idempotent, crash-safe runs: the ledger, the consolidated store and the state lock.

The ledger (`<state_dir>/ledger.sqlite`, one row per document id) remembers, for every
document ever processed, the hash of its content, the digest of the pipeline that processed it
(code, gazetteer, config, translation models) and the record that came out. A document whose id,
content hash and pipeline digest all match a ledger row is *unchanged*: it is not processed again
(its stored record is reused, or, for inbox runs, it is skipped). `--force` ignores the ledger.

The ledger is also the consolidated store: it holds the latest record of every document, and
`<state_dir>/records/records.jsonl` is exported from it (sorted by id, one line per document,
written to a temporary name, fsynced and renamed) at the end of every run that finds it stale: every
commit bumps a generation counter in the same transaction, and an export records the generation it
wrote only after its rename, so a run killed between a commit and the end of the export leaves the
store marked stale and the next run exports it, whatever the kill point.

Crash safety: a batch's records are first appended to the run's part file and fsynced, and only
then committed to the ledger (one SQLite transaction per batch, synchronous=FULL). A run killed
at any point leaves the ledger with whole batches only; the next run processes what is missing.

One run at a time per state folder: `StateLock` takes an exclusive `flock` on
`<state_dir>/transnorm.lock`; a second run gets `StateLocked` with the holder's pid and host. The
same for an output folder (`OutLock`, `<out>/.transnorm-run`), whatever state folder each run uses;
that file stays after the run and marks the folder as transnorm's output (ingest skips it).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

from transnorm.files import atomic_open, fsync_dir
from transnorm.ops import faults
from transnorm.records import LINE_BLOCK, Document, IngestError, Line, LineRef, Record, StoredLine
from transnorm.version import __version__

LEDGER_FILE = "ledger.sqlite"
LOCK_FILE = "transnorm.lock"
OUT_MARKER = ".transnorm-run"  # an output folder's lock, left in place: marks the folder as a run's output
CONSOLIDATED = Path("records") / "records.jsonl"
RETRY_HASH = ""  # content hash of a row that must be processed again next run (never matches)
INLINE = 4 << 20  # lines up to this size are stored and exported as one value; longer ones in blocks


class StateLocked(RuntimeError):
    """Another run holds the state folder's lock."""


# --- hashing ----------------------------------------------------------------------------------


def item_key(item: Document | IngestError) -> str:
    """The ledger key: the item's Identity (records.py) as set by ingest; for items built elsewhere
    (the API, tests), the document id (an unreadable input: its id, else its source)."""
    if item.identity is not None:
        return item.identity.key
    if isinstance(item, Document):
        return item.id
    return item.id or item.source


def key_file(key: str) -> str | None:
    """The input file of a ledger key made from an Identity (a JSON list), else None."""
    if key.startswith("["):
        try:
            value = json.loads(key)
        except ValueError:
            return None
        return value[0] if isinstance(value, list) and value and isinstance(value[0], str) else None
    return None


def content_hash(item: Document | IngestError) -> str:
    """Everything of the input that reaches its record: a change means the record may change. The
    source counts by its resolved file, so a relative or absolute spelling of the same input is the
    same content (a reused record keeps the spelling it was processed with)."""
    source = item.identity.file + item.identity.where if item.identity is not None else item.source
    if isinstance(item, Document):
        payload = ["doc", item.id, source, item.lang, item.text, item.meta, item.warnings]
    else:
        payload = ["error", item.id, source, item.message]
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def code_digest() -> str:
    """Hash of the transnorm package's source: new code, new records."""
    h = hashlib.sha256(__version__.encode())
    pkg = Path(__file__).resolve().parents[1]
    for p in sorted(pkg.rglob("*")):
        if p.suffix in (".py", ".j2", ".js", ".css") and "__pycache__" not in p.parts:
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def pipeline_digest(cfg, gazetteer_digest: str) -> str:
    """What else a record depends on: code, gazetteer, config (as in provenance), installed models."""
    from transnorm.translation.models import list_models, models_dir_for

    try:
        models = [m.model_id for m in list_models(models_dir_for(cfg.translate))
                  if m.from_code in ("ru", "uk") and m.to_code == "en"]
    except OSError:
        models = []
    raw = json.dumps([code_digest(), gazetteer_digest, cfg.digest(), models])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# --- the lock ---------------------------------------------------------------------------------


class FolderLock:
    """Exclusive, non-blocking `flock` on a file in a folder (released by the OS on death)."""

    FILE = LOCK_FILE
    WHAT = "folder"
    HINT = "use another folder"

    def __init__(self, folder: Path):
        self.path = Path(folder) / self.FILE
        self._fd: int | None = None

    def acquire(self) -> "FolderLock":
        """Raises StateLocked when held, OSError (naming the folder) when it cannot be created."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "unknown process"
            os.close(fd)
            raise StateLocked(f"another transnorm run is using the {self.WHAT} {self.path.parent} "
                              f"({holder}); wait for it to finish, or {self.HINT}") from None
        os.ftruncate(fd, 0)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {stamp}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "FolderLock":
        return self if self._fd is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


class StateLock(FolderLock):
    """One run at a time on a state folder (<state_dir>/transnorm.lock)."""

    WHAT = "state folder"
    HINT = "give this run another state_dir"


class OutLock(FolderLock):
    """One run at a time writing an output folder (<out>/.transnorm-run, which also marks it as one)."""

    FILE = OUT_MARKER
    WHAT = "output folder"
    HINT = "give this run another --out"


def check_unlocked(state_dir: Path) -> None:
    """Raise StateLocked now if a run holds the lock (a quick check before starting a flow)."""
    StateLock(state_dir).acquire().release()


# --- the ledger -------------------------------------------------------------------------------


class Ledger:
    """SQLite: id -> (content hash, pipeline digest, run, time, record). Used by one thread."""

    def __init__(self, state_dir: Path):
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.state_dir / LEDGER_FILE
        self.con = sqlite3.connect(self.path, timeout=60)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=FULL")  # a committed batch survives power loss
        # `record` last: SQLite then writes a zeroblob() there without building it in memory (commit).
        # Ledgers made before have `file` after it (added below): they keep working, building the row.
        self.con.execute("""CREATE TABLE IF NOT EXISTS documents (
            id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, pipeline TEXT NOT NULL,
            run TEXT NOT NULL, processed_utc TEXT NOT NULL, file TEXT, record TEXT NOT NULL)""")
        # generation: bumped by every commit; exported: the generation the consolidated store holds
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        if "file" not in {row[1] for row in self.con.execute("PRAGMA table_info(documents)")}:
            self.con.execute("ALTER TABLE documents ADD COLUMN file TEXT")  # NULL: keyed by a bare id (older)
        self.con.execute("CREATE INDEX IF NOT EXISTS documents_file ON documents (file)")
        # What this run's input holds (plan() fills them), for prune()
        self.con.execute("CREATE TEMP TABLE seen (key TEXT PRIMARY KEY, id TEXT)")
        self.con.execute("CREATE TEMP TABLE seen_files (file TEXT PRIMARY KEY)")
        self.con.commit()
        self.changed = 0  # rows written by this process

    def lookup(self, key: str) -> tuple[str, str, int] | None:
        """(content hash, pipeline digest, row) of the document's latest record; read the record with read(row)."""
        return self.con.execute("SELECT content_hash, pipeline, rowid FROM documents WHERE id = ?",
                                (key,)).fetchone()

    def read(self, row: int, size: int = LINE_BLOCK) -> Iterator[bytes]:
        """A stored record line in blocks of `size` bytes (UTF-8; TEXT rows of older ledgers too)."""
        with self.con.blobopen("documents", "record", row, readonly=True) as blob:
            while chunk := blob.read(size):
                yield chunk

    def commit(self, rows: Iterable[tuple[str, str, Record | Line | LineRef]], pipeline: str, run: str) -> None:
        """Record a batch (key, content hash, record, its JSON line or where it was written) in one transaction.

        Call only once the records are durable in the run's output. A line longer than INLINE is
        copied from the run's file into the row block by block, never held whole."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data, big = [], []
        for key, h, rec in rows:
            line = rec.to_line() if isinstance(rec, Record) else rec
            if isinstance(line, LineRef):
                if line.length > INLINE:
                    big.append((key, h, line))
                    continue
                line = b"".join(line.chunks())
            data.append((key, h, pipeline, run, stamp, line, key_file(key)))
        if not data and not big:  # a batch of reused records: nothing changes, the store stays current
            return
        try:
            with self.con:
                self.con.executemany("INSERT OR REPLACE INTO documents (id, content_hash, pipeline, run, "
                                     "processed_utc, record, file) VALUES (?, ?, ?, ?, ?, ?, ?)", data)
                for key, h, ref in big:
                    cur = self.con.execute("INSERT OR REPLACE INTO documents (id, content_hash, pipeline, run, "
                                           "processed_utc, record, file) VALUES (?, ?, ?, ?, ?, zeroblob(?), ?)",
                                           (key, h, pipeline, run, stamp, ref.length, key_file(key)))
                    with self.con.blobopen("documents", "record", cur.lastrowid) as blob:
                        for chunk in ref.chunks():
                            blob.write(chunk)
                self.con.execute("INSERT INTO meta VALUES ('generation', 1) "
                                 "ON CONFLICT(key) DO UPDATE SET value = value + 1")
        except sqlite3.OperationalError as exc:
            if "disk is full" in str(exc) or "disk I/O error" in str(exc):  # as a write error, naming the file
                raise OSError(errno.ENOSPC if "full" in str(exc) else errno.EIO, str(exc), str(self.path)) from exc
            raise
        self.changed += len(data) + len(big)

    def see(self, item: Document | IngestError, key: str) -> None:
        """Note that this run's input holds `item` (plan() calls this for every item)."""
        self.con.execute("INSERT OR IGNORE INTO temp.seen VALUES (?, ?)",
                         (key, item.id if isinstance(item, Document) else None))
        if isinstance(item, Document) and item.identity is not None:
            self.con.execute("INSERT OR IGNORE INTO temp.seen_files VALUES (?)", (item.identity.file,))

    def prune(self) -> int:
        """After a run has read its whole input: delete the rows of documents and error rows that a file
        read in this run (one that gave at least one document) no longer holds (a fixed line's error
        row, a document removed or renumbered), and rows of an older ledger keyed by a bare id that
        this run stored under its identity. A file that could not be read at all keeps its rows.
        Returns how many rows went (the store is then stale)."""
        with self.con:
            gone = self.con.execute("DELETE FROM documents WHERE file IN (SELECT file FROM temp.seen_files) "
                                    "AND id NOT IN (SELECT key FROM temp.seen)").rowcount
            gone += self.con.execute("DELETE FROM documents WHERE file IS NULL AND id IN "
                                     "(SELECT id FROM temp.seen WHERE id IS NOT NULL) "
                                     "AND id NOT IN (SELECT key FROM temp.seen)").rowcount
            if gone:
                self.con.execute("INSERT INTO meta VALUES ('generation', 1) "
                                 "ON CONFLICT(key) DO UPDATE SET value = value + 1")
        self.changed += gone
        return gone

    def _meta(self, key: str) -> int | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def stale(self) -> bool:
        """True when the consolidated store may not hold every committed record (a run killed
        after a commit and before its export finished, a ledger from before the counter, no store)."""
        exported = self._meta("exported")
        return (exported is None or exported != (self._meta("generation") or 0)
                or not (self.state_dir / CONSOLIDATED).exists())

    def count(self) -> int:
        return self.con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def processed_in(self, run: str) -> int:
        return self.con.execute("SELECT COUNT(*) FROM documents WHERE run = ?", (run,)).fetchone()[0]

    def export(self, path: Path | None = None) -> Path:
        """Write the consolidated store: every document's latest record, sorted by id, atomically."""
        store = path is None or Path(path) == self.state_dir / CONSOLIDATED
        path = Path(path) if path else self.state_dir / CONSOLIDATED
        generation = self._meta("generation") or 0  # no commit can come in between: the state lock
        with atomic_open(path, "wb") as fh:
            # a long line is copied in blocks (length() of a BLOB does not read it)
            for row, line in self.con.execute("SELECT rowid, CASE WHEN length(record) <= ? THEN record END "
                                              "FROM documents ORDER BY id", (INLINE,)):
                if line is None:
                    for chunk in self.read(row):
                        fh.write(chunk)
                else:
                    fh.write(line.encode("utf-8") if isinstance(line, str) else line)  # TEXT rows from older versions
                fh.write(b"\n")
            faults.reached("export")  # written, not yet renamed
        fsync_dir(path.parent)
        if store:  # only now is the store known to hold this generation
            faults.reached("exported")
            with self.con:
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('exported', ?)", (generation,))
        return path

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- planning a run ---------------------------------------------------------------------------


@dataclass
class Batch:
    """A stretch of the input, in order: `slots` holds reused records (read from the ledger only when
    written out), None where `todo` fills in."""

    slots: list[StoredLine | None] = field(default_factory=list)
    todo: list[Document | IngestError] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)  # (ledger key, content hash) per todo item
    unchanged: int = 0  # unchanged documents in this stretch (in `slots`, or left out)

    def merge(self, processed: list[Record]) -> list[Record | StoredLine]:
        it = iter(processed)
        return [next(it) if s is None else s for s in self.slots]


def plan(items: Iterable[Document | IngestError], ledger: Ledger | None, pipeline: str, batch_size: int,
         force: bool = False, keep_unchanged: bool = True) -> Iterator[Batch]:
    """Split the input into batches of up to `batch_size` documents to process.

    Unchanged documents (same id, content hash and pipeline digest in the ledger) are not
    processed: with `keep_unchanged` their stored records take their place in the output,
    otherwise (inbox runs) they are left out.
    """
    cur = Batch()
    for item in items:
        key, h = item_key(item), content_hash(item)
        if ledger is not None:
            ledger.see(item, key)
        row = None if (force or ledger is None) else ledger.lookup(key)
        if row is not None and row[0] == h and row[1] == pipeline:
            cur.unchanged += 1
            if keep_unchanged:
                cur.slots.append(StoredLine(partial(ledger.read, row[2])))
        else:
            cur.slots.append(None)
            cur.todo.append(item)
            cur.keys.append((key, h))
        if len(cur.todo) >= batch_size or len(cur.slots) >= 10 * batch_size:
            yield cur
            cur = Batch()
    if cur.slots or cur.unchanged:
        yield cur
