"""Named points of a run where a test kills the process (the kill-at-every-phase harness).

With TRANSNORM_KILL_AT=<point> the process exits at once when a run reaches that point, by
os._exit: no cleanup, no flush, no lock released by hand, as with SIGKILL. Unset (always,
outside tests) a point costs one environment lookup. tests/test_kills.py kills a run at each
point and checks that the next run converges (docs/reliability.md, "Kills").
"""

from __future__ import annotations

import os

ENV = "TRANSNORM_KILL_AT"
KILLED = 137  # what a shell shows for SIGKILL
POINTS = (
    "ingest",  # the first document read, nothing committed
    "batch",  # the first batch committed to the ledger, more to come
    "reports",  # review.csv written, report.md and report.html not yet
    "records",  # records.jsonl renamed into place, the store not yet exported
    "export",  # the store written to its temporary name, not renamed
    "exported",  # the store renamed, its generation not yet recorded
    "manifest",  # everything but run.json written
)


def reached(point: str) -> None:
    """Exit now if the test asked to be killed at `point`."""
    if os.environ.get(ENV) == point:
        os._exit(KILLED)
