"""Writing a run: records.jsonl (atomically), report.md, report.html and review.csv.

Records arrive batch by batch in input order and go straight to disk; only counts and
the list of changes stay in memory. Files appear under their final names only when
complete (temp file + rename), so a crashed run never leaves a half file that looks whole.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from . import __version__
from .ledger import fsync_dir
from .records import Record, record_from_dict
from .report import write_markdown
from .report_html import RunSummary, write_html_report
from .review import ReviewGroup, review_groups, write_review_groups
from .summary import Stats


def default_out_dir(outputs_dir: Path) -> Path:
    """A new folder named by UTC time (never by anything in the documents)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S_%fZ")
    return outputs_dir / stamp


@dataclass
class RunWriter:
    out: Path
    header: dict[str, str] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)
    models: dict[str, str] = field(default_factory=dict)  # lang -> translation model id used
    review_queue: list[ReviewGroup] = field(default_factory=list)  # set by close()
    final_header: dict[str, str] = field(default_factory=dict)  # set by close()

    def __post_init__(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.records_path = self.out / "records.jsonl"
        self._tmp = self.out / ".records.jsonl.part"
        self._fh = self._tmp.open("w", encoding="utf-8")
        self.started = datetime.now(timezone.utc)

    def write(self, records: list[Record], known: list[str | None] | None = None) -> list[str]:
        """Append records; returns their JSON lines (the ledger stores them as they are).

        `known`: JSON lines already at hand (records reused from the ledger), None where not."""
        lines = []
        for i, rec in enumerate(records):
            model = rec.provenance.get("translation_model")
            if model and rec.lang:
                self.models[rec.lang] = model
            line = (known[i] if known else None) or json.dumps(rec.to_dict(), ensure_ascii=False)
            self._fh.write(line + "\n")
            lines.append(line)
            self.stats.add(rec)
        return lines

    def sync(self) -> None:
        """Make everything written so far durable (the ledger commits a batch only after this)."""
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Make records.jsonl durable under its final name, then write the reports."""
        self.sync()
        self._fh.close()
        os.replace(self._tmp, self.records_path)
        fsync_dir(self.out)
        finished = datetime.now(timezone.utc)
        header = {"transnorm": __version__, "started": self.started.isoformat(timespec="seconds"),
                  "finished": finished.isoformat(timespec="seconds"), **self.header}
        self.final_header = header
        _atomic(self.out / "report.md", lambda p: write_markdown(self.stats, p, header))
        # The HTML report and review.csv read the records back: nothing is held in memory.
        summary = RunSummary(
            run_id=self.out.name, started_utc=self.started, finished_utc=finished,
            transnorm_version=__version__, gazetteer_hash=self.header.get("gazetteer", ""),
            translation_models=dict(self.models), config_hash=self.header.get("config", ""),
            errors=list(self.stats.errors), settled_by_overrides=self.stats.settled_by_overrides)
        write_html_report(read_records(self.records_path), self.out / "report.html", summary)
        self.review_queue = review_groups(read_records(self.records_path))
        write_review_groups(self.review_queue, self.out / "review.csv")


def read_records(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield record_from_dict(json.loads(line))


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.part")
    write(tmp)
    os.replace(tmp, path)
