"""Writing a run: records.jsonl (atomically), report.md, report.html and review.csv.

Records arrive batch by batch in input order and go straight to disk; only counts (one Stats
for every report), the first changes and the first documents (bounded by the `report` config)
stay in memory, and undecided mentions wait in an on-disk spool until review.csv is written.
Files appear under their final names only when complete (temp file + rename), so a crashed
run never leaves a half file that looks whole. A run folder is complete if and only if `run.json`
exists: it is removed first when a run starts writing a folder, and written last (runner.py), after
the reports, `records.jsonl` and the consolidated store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from transnorm.config import ReportConfig
from transnorm.files import atomic_open, fsync_dir, naming
from transnorm.ops import faults
from transnorm.records import Line, LineRef, Record, StoredLine, read_record
from transnorm.review.queue import ReviewGroup, ReviewSpool, write_review_groups
from transnorm.review.report_html import ReportBuilder, RunSummary, write_report_page
from transnorm.review.report_md import md_escape, queue_table, summary_lines, write_markdown
from transnorm.review.summary import Stats
from transnorm.version import __version__

MANIFEST = "run.json"  # the completion marker, written last
OUTPUTS = (MANIFEST, "records.jsonl", "report.md", "report.html", "review.csv")  # MANIFEST first


def default_out_dir(outputs_dir: Path) -> Path:
    """A new folder named by UTC time (never by anything in the documents)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S_%fZ")
    return outputs_dir / stamp


@dataclass
class RunWriter:
    out: Path
    header: dict[str, str] = field(default_factory=dict)
    limits: ReportConfig = field(default_factory=ReportConfig)  # how much report.html shows in full
    stats: Stats = field(default_factory=Stats)
    models: dict[str, str] = field(default_factory=dict)  # lang -> translation model id used
    # The compiled gazetteer, asked for at close(): the queue's candidates get their kind, parent
    # and population from it (report.html works offline, so it must carry them).
    gazetteer: Callable[[], Any] | None = None
    review_queue: list[ReviewGroup] = field(default_factory=list)  # set by close(): the head of the queue
    review_total: int = 0  # set by close(): rows in review.csv
    final_header: dict[str, str] = field(default_factory=dict)  # set by close()

    def __post_init__(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS:  # an earlier run's files: the marker goes first, then the rest
            (self.out / name).unlink(missing_ok=True)
        fsync_dir(self.out)
        self.records_path = self.out / "records.jsonl"
        self._tmp = self.out / ".records.jsonl.part"
        self._fh = self._tmp.open("wb")
        self.started = datetime.now(timezone.utc)
        self.report = ReportBuilder(self.limits, self.stats)  # counts once, for every report
        self.spool = ReviewSpool(self.out)

    def write(self, records: list[Record | StoredLine], lines: list[Line] | None = None) -> list[LineRef]:
        """Append records; returns where each line went (the ledger copies the processed ones from there).

        `lines`: the lines of the Records among `records`, in order, when a task encoded them; else each
        is encoded block by block straight to the file. A StoredLine (a reused record) is copied block
        by block and read back for the reports as it passes: neither is ever held whole."""
        refs = []
        given = iter(lines) if lines is not None else None
        for item in records:
            offset = self._fh.tell()
            with naming(self._tmp):  # a full disk names the file
                if isinstance(item, StoredLine):
                    rec = read_record(self._copy(item.chunks()))
                else:
                    rec, line = item, next(given) if given is not None else None
                    if line is None:
                        rec.write_line(self._fh)
                    else:
                        self._fh.write(line.encode("utf-8") if isinstance(line, str) else line)
                length = self._fh.tell() - offset
                self._fh.write(b"\n")  # not line + "\n": a 50 MB document's line is not copied again
            refs.append(LineRef(self._tmp, offset, length))
            model = rec.provenance.get("translation_model")
            if model and rec.lang:
                self.models[rec.lang] = model
            self.spool.add(self.stats.documents, rec)  # the record's index in the run
            self.report.add(rec)  # counts it in self.stats too
        return refs

    def _copy(self, chunks) -> Iterator[bytes]:
        """The chunks, each written to the part file as it passes."""
        for chunk in chunks:
            self._fh.write(chunk)
            yield chunk

    def sync(self) -> None:
        """Make everything written so far durable (the ledger commits a batch only after this)."""
        with naming(self._tmp):
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Write the reports, then make records.jsonl durable under its final name.

        Nothing is read back: the reports were gathered while records streamed past (counts and
        the first documents in memory, undecided mentions in an on-disk spool). records.jsonl comes
        after the reports so that it never stands alone; run.json (the runner) marks completion."""
        self.sync()
        self._fh.close()
        finished = datetime.now(timezone.utc)
        header = {"transnorm": __version__, "started": self.started.isoformat(timespec="seconds"),
                  "finished": finished.isoformat(timespec="seconds"), **self.header}
        self.final_header = header
        index = self.gazetteer() if self.gazetteer else None
        head, n = [], 0
        with self.spool:
            def groups():
                nonlocal n
                for g in self.spool.groups(index, detailed=self.limits.max_queue_rows):
                    n += 1
                    if len(head) < self.limits.max_queue_rows:
                        head.append(g)
                    yield g
            write_review_groups(groups(), self.out / "review.csv")
        faults.reached("reports")
        self.review_queue, self.review_total = head, n
        with atomic_open(self.out / "report.md") as fh:
            write_markdown(self.stats, fh, header, head, n)
        summary = RunSummary(
            run_id=self.out.name, started_utc=self.started, finished_utc=finished,
            transnorm_version=__version__, gazetteer_hash=self.header.get("gazetteer", ""),
            translation_models=dict(self.models), config_hash=self.header.get("config", ""),
            settled_by_overrides=self.stats.settled_by_overrides)
        write_report_page(self.report, head, n, self.out / "report.html", summary)
        os.replace(self._tmp, self.records_path)
        fsync_dir(self.out)
        faults.reached("records")


    def artifacts(self, queue_rows: int = 200, report_chars: int = 1_000_000) -> dict[str, Any]:
        """What the Prefect flow publishes (after close()): the summary and report.md as markdown
        (file links do nothing in a browser, so the report itself travels), and the review queue
        as a table with candidate names."""
        summary = "\n".join(summary_lines(self.stats, self.final_header, self.review_queue, self.review_total))
        summary += f"\n\nRun folder: {md_escape(str(self.out.resolve()))} (report.html, review.csv, records.jsonl)\n"
        report = (self.out / "report.md").read_text(encoding="utf-8")
        if len(report) > report_chars:
            cut = report.rfind("\n", 0, report_chars)
            report = report[:cut] + "\n\n… (cut here; the whole report.md is in the run folder)\n"
        return {"summary": summary, "report": report, "queue": queue_table(self.review_queue, queue_rows)}
